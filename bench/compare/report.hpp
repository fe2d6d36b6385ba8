#pragma once
// The report of a comparison, in DIR: results.json (every figure, every request), results.csv
// (a line per row) and report.html (self-contained: inline SVG, no network), with a bar chart of
// trans/sec per row against its limit, and a timeline per row, one bar per request from start to
// end, where sync's staircase and async's overlap show.

#include "bench/compare/scenario.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace parity::compare {

std::string results_json(const std::vector<Row>& rows, const Settings& settings);
std::string results_csv(const std::vector<Row>& rows);
std::string report_html(const std::vector<Row>& rows, const Settings& settings);

// Writes `text` into the file `path`; throws std::runtime_error if it cannot.
void write_file(const std::filesystem::path& path, const std::string& text);

// Writes the three files into `dir` (created if missing); returns report.html's path.
std::filesystem::path write_report(const std::filesystem::path& dir, const std::vector<Row>& rows,
                                   const Settings& settings);

}  // namespace parity::compare
