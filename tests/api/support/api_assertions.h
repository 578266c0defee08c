// Assertions shared by the API tests.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_client.h"

namespace civicgrid::api_test {

// The response is an API error with this status and error.code, and its body has the shape every
// error shares: error.code, a non-empty error.message, and error.request_id equal to the
// X-Request-Id header. Use: EXPECT_TRUE(IsApiError(r, 404, "not_found"));
::testing::AssertionResult IsApiError(const HttpResponse& r, unsigned status,
                                      std::string_view code);

// Like IsApiError, and error.field names `field`.
::testing::AssertionResult IsFieldError(const HttpResponse& r, unsigned status,
                                        std::string_view code, std::string_view field);

// The value of a Prometheus sample line "<series> <value>" in `metrics`, e.g. series
// `civicgrid_http_requests_total{method="GET",route="/healthz",status="200"}`; nullopt when absent.
std::optional<double> metric_value(std::string_view metrics, std::string_view series);

// Sorted copy, to compare lists whose order the API does not promise.
std::vector<std::string> sorted(std::vector<std::string> v);

}  // namespace civicgrid::api_test
