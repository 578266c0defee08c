#include "http/error_mapping.h"

#include <boost/json.hpp>

namespace civicgrid::http {

namespace {

struct StatusRow {
  ErrorCode code;
  unsigned status;
};

constexpr StatusRow kStatusTable[] = {
    {ErrorCode::kBadRequest, 400},           {ErrorCode::kInvalidArgument, 422},
    {ErrorCode::kUnauthenticated, 401},      {ErrorCode::kForbidden, 403},
    {ErrorCode::kNotFound, 404},             {ErrorCode::kMethodNotAllowed, 405},
    {ErrorCode::kConflict, 409},             {ErrorCode::kPayloadTooLarge, 413},
    {ErrorCode::kUnsupportedMediaType, 415}, {ErrorCode::kHeadersTooLarge, 431},
    {ErrorCode::kTooManyRequests, 429},      {ErrorCode::kRequestTimeout, 408},
    {ErrorCode::kUnavailable, 503},          {ErrorCode::kInternal, 500},
};

}  // namespace

unsigned http_status(ErrorCode code) {
  for (const auto& row : kStatusTable)
    if (row.code == code) return row.status;
  return 500;
}

Response error_response(const Error& error, std::string_view request_id, std::string_view lang) {
  boost::json::object err;
  err["code"] = error_code_name(error.code());
  err["message"] = error.message(lang);
  if (!error.field().empty()) err["field"] = error.field();
  err["request_id"] = request_id;
  if (error.code() != ErrorCode::kInternal)
    for (const auto& [k, v] : error.extra())
      if (!err.contains(k)) err[k] = v;  // extras never replace code, message, field or request_id
  boost::json::object root;
  root["error"] = std::move(err);
  Response r = Response::json(root, http_status(error.code()));
  if (error.code() == ErrorCode::kMethodNotAllowed) {
    if (const auto* allow = error.extra().if_contains("allow"); allow && allow->is_array()) {
      std::string joined;
      for (const auto& m : allow->get_array()) {
        if (!joined.empty()) joined += ", ";
        joined += m.get_string();
      }
      r.with_header("Allow", joined);
    }
  }
  if (error.code() == ErrorCode::kUnauthenticated) r.with_header("WWW-Authenticate", "Bearer");
  return r;
}

Response Response::json(const boost::json::value& v, unsigned status) {
  Response r;
  r.status = status;
  r.body = boost::json::serialize(v);
  return r;
}

Response Response::text(std::string body, std::string content_type, unsigned status) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

Response Response::no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

}  // namespace civicgrid::http
