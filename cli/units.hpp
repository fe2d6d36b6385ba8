#pragma once
// Command-line durations ("100ms", "2s", "1m") and sizes ("64KiB", "10MiB"), parsed by CLI11's
// own unit transforms.

#include <CLI/CLI.hpp>

#include <chrono>
#include <cmath>
#include <string>

namespace parity::cli {

inline std::string format_duration(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms != 0 && ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

// An option that takes a duration with its unit into `target`.
inline CLI::Option* add_duration_option(CLI::App& app, const std::string& name,
                                        std::chrono::milliseconds& target,
                                        const std::string& help) {
  static const std::map<std::string, double> units{{"ms", 1.0}, {"s", 1000.0}, {"m", 60'000.0}};
  return app
      .add_option_function<double>(
          name, [&target](double ms) { target = std::chrono::milliseconds(std::llround(ms)); },
          help)
      // Empty descriptions keep the help line to "DURATION=60s".
      ->transform(CLI::AsNumberWithUnit(units, CLI::AsNumberWithUnit::UNIT_REQUIRED, "DURATION")
                      .description(""))
      ->check(CLI::Validator(CLI::NonNegativeNumber).description(""))
      ->default_str(format_duration(target))
      ->type_name("DURATION");
}

inline std::string format_size(std::size_t bytes) {
  if (bytes != 0 && bytes % (1024 * 1024) == 0)
    return std::to_string(bytes / (1024 * 1024)) + "MiB";
  if (bytes != 0 && bytes % 1024 == 0) return std::to_string(bytes / 1024) + "KiB";
  return std::to_string(bytes);
}

// An option that takes a size in bytes, with an optional unit (KiB, MiB, ...), into `target`.
inline CLI::Option* add_size_option(CLI::App& app, const std::string& name, std::size_t& target,
                                    const std::string& help) {
  return app.add_option(name, target, help)
      ->transform(CLI::AsSizeValue(/*kb_is_1000=*/false).description(""))
      ->default_str(format_size(target))
      ->type_name("SIZE");
}

}  // namespace parity::cli
