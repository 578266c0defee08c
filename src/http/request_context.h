// Everything a handler may know about one request: method, path, parameters, headers, body, the
// authenticated principal, the request id and the language to answer in.
//
// Handlers read their input here and record audit notes (which record was touched, whether personal
// data was read); the server writes the audit entry after the handler returns.
#pragma once

#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/principal.h"
#include "http/router.h"

namespace civicgrid::http {

// A note for the audit log, set by the handler.
struct AuditNote {
  std::string action;       // e.g. "case.dispatch"; defaults to "<METHOD> <route pattern>"
  std::string target_type;  // e.g. "case"
  std::string target_id;
  bool personal_data_read = false;  // a read of names/phones/ID numbers: audited even for GET
  boost::json::object detail;
  // The handler already wrote the entry inside its own transaction (atomic with the change); the
  // server then writes an entry only if the request failed.
  bool written = false;
};

class RequestContext {
 public:
  RequestContext(Method method, std::string target, std::string body, std::string remote_address,
                 std::string request_id);

  Method method() const { return method_; }
  // The path without the query string, percent-decoding not applied.
  const std::string& path() const { return path_; }
  const std::string& target() const { return target_; }
  const std::string& body() const { return body_; }
  const std::string& remote_address() const { return remote_address_; }
  const std::string& request_id() const { return request_id_; }

  // Header lookup, case-insensitive name. Empty when absent.
  std::string_view header(std::string_view name) const;
  void set_header(std::string name, std::string value);

  // Path parameter from the route pattern (decoded). Empty when absent.
  const std::string& param(std::string_view name) const;
  void set_params(std::vector<std::pair<std::string, std::string>> params);

  // Query parameters (decoded; '+' is a space). A key may repeat.
  std::optional<std::string> query(std::string_view name) const;
  std::vector<std::string> query_all(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& query_params() const { return query_; }

  // The body parsed as JSON. kUnsupportedMediaType when Content-Type is not application/json,
  // kBadRequest naming the line, column and byte offset when it does not parse. An empty body gives an
  // empty object. The parse happens once and is cached.
  Result<const boost::json::value*> json();
  // As json(), and the body must be an object.
  Result<const boost::json::object*> json_object();

  // "en" when the client asked for English (?lang=en or Accept-Language starting with en), else "zh".
  std::string_view lang() const;

  const Principal& principal() const { return principal_; }
  void set_principal(Principal p) { principal_ = std::move(p); }

  const Route* route() const { return route_; }
  void set_route(const Route* r) { route_ = r; }

  AuditNote& audit() { return audit_; }
  const AuditNote& audit() const { return audit_; }

 private:
  Method method_;
  std::string target_;
  std::string path_;
  std::string body_;
  std::string remote_address_;
  std::string request_id_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::vector<std::pair<std::string, std::string>> params_;
  std::vector<std::pair<std::string, std::string>> query_;
  Principal principal_;
  const Route* route_ = nullptr;
  AuditNote audit_;
  std::optional<boost::json::value> json_;
};

// Percent-decoding; with plus_as_space, '+' becomes ' ' (form encoding). Invalid escapes are kept.
std::string percent_decode(std::string_view s, bool plus_as_space);
// Parses "a=1&b=2&a=3".
std::vector<std::pair<std::string, std::string>> parse_query_string(std::string_view qs);

}  // namespace civicgrid::http
