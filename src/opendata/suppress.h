// Small-cell suppression (小数抑制) for published aggregates: a count of 1..k-1 cases could single
// out a resident (one pothole report in one month in one community), so it is published as "<k"
// instead of the number. Zero is published as 0: no one can be singled out by an empty cell.
//
// A rate is published only when its numerator, its denominator and their difference are each 0 or
// at least k; otherwise rate × denominator (or its complement) would give back a small count.
// Totals over suppressed cells are published as computed (they are themselves cells ≥ k or
// suppressed by the same rule); see docs/adr/0019-open-data.md for what this does not prevent.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace civicgrid::opendata {

inline constexpr std::int64_t kMinCell = 3;  // k

// True when a count of `n` must not be published as a number.
constexpr bool suppressed(std::int64_t n, std::int64_t k = kMinCell) {
  return n > 0 && n < k;
}
// The published form of a count: the number, or the string "<k".
boost::json::value cell(std::int64_t n, std::int64_t k = kMinCell);
// The same for CSV: "12" or "<3".
std::string cell_text(std::int64_t n, std::int64_t k = kMinCell);
// numerator / denominator, or nullopt when the denominator is 0 or publishing the rate would reveal
// a suppressed count (see above). `numerator` may be weighted (satisfaction), so it is a double.
std::optional<double> rate(double numerator, std::int64_t denominator, std::int64_t k = kMinCell);

}  // namespace civicgrid::opendata
