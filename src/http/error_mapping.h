// The one table that turns an ErrorCode into an HTTP status, and the one JSON error shape:
//   {"error": {"code": "...", "message": "...", "field": "...", "request_id": "..."}}
// plus any structured extras of the Error (e.g. "state" on a conflict) inside the same object.
#pragma once

#include <string_view>

#include "core/error.h"
#include "http/response.h"

namespace civicgrid::http {

unsigned http_status(ErrorCode code);

// `lang` is "zh" or "en". Internal errors never carry their detail to the client.
Response error_response(const Error& error, std::string_view request_id, std::string_view lang);

}  // namespace civicgrid::http
