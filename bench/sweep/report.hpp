#pragma once
// The sweep's report, in DIR: sweep.json (every figure), sweep.csv (a line per point) and
// report.html (self-contained, inline SVG): per endpoint, trans/sec against users on log-log
// axes, each style's curve over its Little's-law limit (dashed), the points where the server's
// CPU was busy ringed; then memory per waiting request by style.

#include "bench/sweep/sweep.hpp"

#include <filesystem>
#include <string>

namespace parity::sweep {

std::string sweep_json(const Result& result, const Settings& settings);
std::string sweep_csv(const Result& result);
std::string report_html(const Result& result, const Settings& settings);

// Writes the three files into `dir` (created if missing); returns report.html's path.
std::filesystem::path write_report(const std::filesystem::path& dir, const Result& result,
                                   const Settings& settings);

}  // namespace parity::sweep
