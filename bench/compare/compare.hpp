#pragma once
// `parity compare`: every style, side by side. Starts what it measures (an upstream, a fresh
// server per row so one row's backlog never slows the next, the floor, the peers), runs
// the load on each row, and derives each row's limit and ratios.

#include "bench/compare/scenario.hpp"

#include <functional>
#include <string>
#include <vector>

namespace parity::compare {

// Runs every row. `progress` hears a line before and after each one.
std::vector<Row> run_comparison(const Settings& settings,
                                const std::function<void(const std::string&)>& progress);

// The table: one line per row, with its limit, % of it, ratio to sync and what binds.
std::string format_table(const std::vector<Row>& rows, const Settings& settings);

// One line saying what was measured: profile, users, time, latency, cap, tool.
std::string describe(const Settings& settings);

}  // namespace parity::compare
