#include "support/api_assertions.h"

#include <algorithm>
#include <cstdlib>

namespace civicgrid::api_test {

::testing::AssertionResult IsApiError(const HttpResponse& r, unsigned status,
                                      std::string_view code) {
  if (r.status != status)
    return ::testing::AssertionFailure()
           << "expected HTTP " << status << " " << code << ", got " << r;
  if (!r.find("/error")) return ::testing::AssertionFailure() << "no JSON error object in " << r;
  if (r.error_code() != code)
    return ::testing::AssertionFailure() << "expected error.code \"" << code << "\", got " << r;
  if (r.str("/error/message").empty())
    return ::testing::AssertionFailure() << "error.message missing or empty in " << r;
  const std::string id = r.str("/error/request_id");
  if (id.empty()) return ::testing::AssertionFailure() << "error.request_id missing in " << r;
  if (id != r.header("X-Request-Id"))
    return ::testing::AssertionFailure()
           << "error.request_id \"" << id << "\" differs from the X-Request-Id header \""
           << r.header("X-Request-Id") << "\"";
  if (r.header("Content-Type").find("application/json") != 0)
    return ::testing::AssertionFailure()
           << "error with Content-Type \"" << r.header("Content-Type") << "\"";
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult IsFieldError(const HttpResponse& r, unsigned status,
                                        std::string_view code, std::string_view field) {
  auto base = IsApiError(r, status, code);
  if (!base) return base;
  if (r.error_field() != field)
    return ::testing::AssertionFailure() << "expected error.field \"" << field << "\", got " << r;
  return ::testing::AssertionSuccess();
}

std::optional<double> metric_value(std::string_view metrics, std::string_view series) {
  size_t pos = 0;
  while (pos < metrics.size()) {
    size_t eol = metrics.find('\n', pos);
    if (eol == std::string_view::npos) eol = metrics.size();
    const std::string_view line = metrics.substr(pos, eol - pos);
    if (line.size() > series.size() && line.starts_with(series) && line[series.size()] == ' ')
      return std::strtod(std::string(line.substr(series.size() + 1)).c_str(), nullptr);
    pos = eol + 1;
  }
  return std::nullopt;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

}  // namespace civicgrid::api_test
