#pragma once
// multi(futures, executor): one Future for many, as Tornado's gen.multi: over a list, results in
// order; over named futures (gen.multi's dict form), results by name.

#include "common/future/future.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace parity {

// One future for many: its result is every result, in the order given. The first exception
// fails it; later ones are logged, as in Tornado.
template <class T>
Future<std::vector<T>> multi(const std::vector<Future<T>>& futures,
                             asio::any_io_executor executor) {
  Future<std::vector<T>> all(executor);
  struct Gather {
    std::vector<std::optional<T>> results;
    std::size_t left;
    bool failed = false;
  };
  auto gather = std::make_shared<Gather>(
      Gather{std::vector<std::optional<T>>(futures.size()), futures.size()});
  if (futures.empty()) all.set_result(std::vector<T>{});
  for (std::size_t i = 0; i < futures.size(); ++i) {
    // The callbacks run on each future's executor; with all of them on one strand (the handler's)
    // the shared counter needs no lock.
    futures[i].add_done_callback([gather, all, i](Future<T> done) mutable {
      if (auto error = done.exception()) {
        if (gather->failed) return log_callback_exception("multi (a later failure)", error);
        gather->failed = true;
        return all.set_exception(error);
      }
      gather->results[i].emplace(done.result());
      if (--gather->left == 0 && !gather->failed) {
        std::vector<T> values;
        values.reserve(gather->results.size());
        for (auto& r : gather->results) values.push_back(std::move(*r));
        all.set_result(std::move(values));
      }
    });
  }
  return all;
}

// The dict form: {"user": f1, "orders": f2} becomes one future of {"user": r1, "orders": r2}.
template <class T>
Future<std::map<std::string, T>> multi(const std::map<std::string, Future<T>>& named,
                                       asio::any_io_executor executor) {
  std::vector<std::string> names;
  std::vector<Future<T>> futures;
  for (const auto& [name, future] : named) {
    names.push_back(name);
    futures.push_back(future);
  }
  Future<std::map<std::string, T>> by_name(executor);
  multi(futures, executor).add_done_callback([by_name, names](Future<std::vector<T>> all) mutable {
    if (auto error = all.exception()) return by_name.set_exception(error);
    std::map<std::string, T> results;
    auto values = all.result();
    for (std::size_t i = 0; i < names.size(); ++i) results.emplace(names[i], std::move(values[i]));
    by_name.set_result(std::move(results));
  });
  return by_name;
}

}  // namespace parity
