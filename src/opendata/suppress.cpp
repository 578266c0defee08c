#include "opendata/suppress.h"

#include <cmath>

namespace civicgrid::opendata {

boost::json::value cell(std::int64_t n, std::int64_t k) {
  if (suppressed(n, k)) return boost::json::value("<" + std::to_string(k));
  return boost::json::value(n);
}

std::string cell_text(std::int64_t n, std::int64_t k) {
  return suppressed(n, k) ? "<" + std::to_string(k) : std::to_string(n);
}

std::optional<double> rate(double numerator, std::int64_t denominator, std::int64_t k) {
  if (denominator <= 0 || suppressed(denominator, k)) return std::nullopt;
  // A weighted numerator is judged by the whole cases it stands for, rounded up.
  const auto num = static_cast<std::int64_t>(std::ceil(numerator - 1e-9));
  if (suppressed(num, k) || suppressed(denominator - num, k)) return std::nullopt;
  return std::round(numerator / static_cast<double>(denominator) * 10000.0) / 10000.0;
}

}  // namespace civicgrid::opendata
