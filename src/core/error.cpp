#include "core/error.h"

namespace civicgrid {

std::string_view error_code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadRequest: return "bad_request";
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kUnauthenticated: return "unauthenticated";
    case ErrorCode::kForbidden: return "forbidden";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kMethodNotAllowed: return "method_not_allowed";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kPayloadTooLarge: return "payload_too_large";
    case ErrorCode::kUnsupportedMediaType: return "unsupported_media_type";
    case ErrorCode::kHeadersTooLarge: return "headers_too_large";
    case ErrorCode::kTooManyRequests: return "too_many_requests";
    case ErrorCode::kRequestTimeout: return "request_timeout";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

Error Error::bad_request(std::string zh, std::string en, std::string field) {
  return Error(ErrorCode::kBadRequest, std::move(zh), std::move(en), std::move(field));
}

Error Error::invalid(std::string field, std::string zh, std::string en) {
  return Error(ErrorCode::kInvalidArgument, std::move(zh), std::move(en), std::move(field));
}

Error Error::missing(std::string field) {
  return Error(ErrorCode::kInvalidArgument, "缺少必填字段：" + field, "missing required field: " + field,
               field);
}

Error Error::unauthenticated(std::string zh, std::string en) {
  return Error(ErrorCode::kUnauthenticated, std::move(zh), std::move(en));
}

Error Error::forbidden(std::string zh, std::string en) {
  return Error(ErrorCode::kForbidden, std::move(zh), std::move(en));
}

Error Error::not_found(std::string zh, std::string en) {
  return Error(ErrorCode::kNotFound, std::move(zh), std::move(en));
}

Error Error::conflict(std::string zh, std::string en, std::string field) {
  return Error(ErrorCode::kConflict, std::move(zh), std::move(en), std::move(field));
}

Error Error::too_many_requests(std::string zh, std::string en) {
  return Error(ErrorCode::kTooManyRequests, std::move(zh), std::move(en));
}

Error Error::unavailable(std::string zh, std::string en) {
  return Error(ErrorCode::kUnavailable, std::move(zh), std::move(en));
}

Error Error::internal(std::string detail) {
  Error e(ErrorCode::kInternal, "服务器内部错误", "internal server error");
  e.detail_ = std::move(detail);
  return e;
}

Error& Error::with_extra(std::string_view key, boost::json::value value) {
  extra_[key] = std::move(value);
  return *this;
}

}  // namespace civicgrid
