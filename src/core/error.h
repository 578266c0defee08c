// Errors: one small value type for every expected failure in civicgrid.
//
// Business logic returns `Result<T>` (std::expected<T, Error>). An Error carries a stable machine code,
// the field it concerns (if any), a message in Chinese and English, and optional structured details
// (e.g. the current state of a case on a conflict). How a code becomes an HTTP status is decided in one
// table in src/http/error_mapping.cpp, never at the call site.
#pragma once

#include <boost/json/object.hpp>
#include <expected>
#include <string>
#include <string_view>

namespace civicgrid {

enum class ErrorCode {
  kBadRequest,            // the request as a whole cannot be understood (e.g. malformed JSON)
  kInvalidArgument,       // a field is missing or has a wrong value
  kUnauthenticated,       // no valid credentials
  kForbidden,             // authenticated, but this role or data scope may not do it
  kNotFound,              // the named thing does not exist (or is not visible to the caller)
  kMethodNotAllowed,      // the path exists, the method does not
  kConflict,              // clashes with the current state (duplicate key, stale version, wrong state)
  kPayloadTooLarge,       // body over the configured limit
  kUnsupportedMediaType,  // body in a format the endpoint does not take
  kHeadersTooLarge,       // request headers over the limit
  kTooManyRequests,       // throttled (e.g. repeated failed logins)
  kRequestTimeout,        // the client was too slow to send its request
  kUnavailable,           // temporarily unable (store busy, shutting down)
  kInternal,              // a bug or an environment failure; details are logged, never sent
};

// Stable snake_case name used on the wire ("invalid_argument", ...).
std::string_view error_code_name(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message_zh, std::string message_en, std::string field = {})
      : code_(code),
        message_zh_(std::move(message_zh)),
        message_en_(std::move(message_en)),
        field_(std::move(field)) {}

  // Named factories: the usual way to make an Error.
  static Error bad_request(std::string zh, std::string en, std::string field = {});
  static Error invalid(std::string field, std::string zh, std::string en);
  static Error missing(std::string field);
  static Error unauthenticated(std::string zh = "请先登录", std::string en = "authentication required");
  static Error forbidden(std::string zh = "无权执行此操作", std::string en = "not permitted");
  static Error not_found(std::string zh, std::string en);
  static Error conflict(std::string zh, std::string en, std::string field = {});
  static Error too_many_requests(std::string zh, std::string en);
  static Error unavailable(std::string zh, std::string en);
  // `detail` goes to the log only; the client sees an opaque message.
  static Error internal(std::string detail);

  ErrorCode code() const { return code_; }
  std::string_view field() const { return field_; }
  const std::string& message_zh() const { return message_zh_; }
  const std::string& message_en() const { return message_en_; }
  // For kInternal: what went wrong, for the log. Empty otherwise.
  const std::string& detail() const { return detail_; }
  const boost::json::object& extra() const { return extra_; }

  Error& with_extra(std::string_view key, boost::json::value value);
  Error& with_field(std::string field) {
    field_ = std::move(field);
    return *this;
  }

  // The message in the requested language ("en" or anything else → Chinese).
  const std::string& message(std::string_view lang) const {
    return lang == "en" ? message_en_ : message_zh_;
  }

 private:
  ErrorCode code_;
  std::string message_zh_;
  std::string message_en_;
  std::string field_;
  std::string detail_;
  boost::json::object extra_;
};

template <typename T>
using Result = std::expected<T, Error>;

// Shorthand for returning an error from a function that returns Result<T>.
inline std::unexpected<Error> fail(Error e) { return std::unexpected<Error>(std::move(e)); }

}  // namespace civicgrid
