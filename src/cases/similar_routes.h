// HTTP views of similar open cases (see similar_cases.h): `GET /api/v1/cases/{id}/similar` and the
// "similar" lists of the staff case detail and of a staff member's intake response.
#pragma once

#include <boost/json/array.hpp>
#include <optional>

#include "cases/cases.h"
#include "http/request_context.h"

namespace civicgrid::cases {

// The rows shown to staff: {id, tracking_code, title, status, created_at, score, text, distance_m,
// hours_apart}; never contact details, the title with personal data masked.
// nullopt when no index is set or the lookup failed (a detail view still answers without it).
std::optional<boost::json::array> similar_rows(CaseService& svc, const Case& c,
                                               const Principal& who, size_t limit);

// GET /api/v1/cases/{id}/similar?limit=N (1–50, default 10): same access and scope as the case.
Result<http::Response> get_similar(CaseService& svc, http::RequestContext& ctx);

// How many similar cases the case detail and the intake response list.
inline constexpr size_t kSimilarShown = 5;

}  // namespace civicgrid::cases
