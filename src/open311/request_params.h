// GeoReport request parameters turned into civicgrid inputs: the filters of GET requests (with the
// 90-day window and the paging extension) and the fields of POST requests (into an appeal for the
// cases module's intake). Pure: no I/O; errors are kInvalidArgument naming the parameter.
#pragma once

#include "core/time.h"
#include "open311/open311.h"
#include "open311/params.h"

namespace civicgrid::open311 {

inline constexpr std::int64_t kDefaultWindowMillis = 90 * kMillisPerDay;
inline constexpr int kMaxRequests = 1000;
inline constexpr int kDefaultPageSize = 100;

// GET requests. service_request_id (comma list) overrides everything else. Without start_date,
// end_date, updated_after and updated_before the window is the 90 days up to `now`; a start or end
// alone extends 90 days from it; both may not span more than 90 days. A date-only end_date includes
// that day. Without page or page_size at most 1000 requests are returned; page is 1-based and
// page_size (default 100) is capped at 1000.
Result<RequestQuery> parse_request_query(const Params& p, Timestamp now);

// POST requests: service_code, a location (lat+long, address_string or address_id), description
// (the service name when absent), title (else the description's first 30 characters), first_name,
// last_name, phone (email is read and dropped: it is never stored), media_url (repeatable),
// device_id/deviceid, account_id and attribute[...]. The appeal is validated by the cases module's
// parse_appeal, so the rules are those of POST /api/v1/appeals; its field names are translated back
// to the Open311 parameter names.
Result<NewRequest> parse_new_request(const Params& p, std::string_view service_name);

// The title the cases module requires, from a description: its first line, at most 30 characters,
// "…" when cut.
std::string title_from(std::string_view description);

}  // namespace civicgrid::open311
