// Maps (method, path) to a route. Patterns are literal segments and `{name}` parameters, e.g.
// "/api/v1/cases/{id}/{action}". A parameter matches one non-empty segment. Literal segments win over
// parameters when both match ("/cases/track" beats "/cases/{id}"), regardless of registration order.
//
// Not thread-safe for add(); match() is safe to call concurrently once all routes are added.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/principal.h"
#include "http/response.h"

namespace civicgrid::http {

class RequestContext;

using Handler = std::function<Result<Response>(RequestContext&)>;

// Who may call a route. The server checks this before the handler runs; handlers check data scope
// and finer permissions through their module's permissions.
struct Access {
  bool login_required = false;     // a user or API key must be authenticated
  std::vector<Role> roles;         // non-empty: the caller must be a user with one of these roles
  std::string api_key_scope;       // non-empty: an API key with this scope may call it too

  static Access public_access() { return {}; }
  static Access logged_in() { return {true, {}, {}}; }
  static Access roles_only(std::vector<Role> r) { return {true, std::move(r), {}}; }
};

enum class Method { kGet, kPost, kPut, kPatch, kDelete };
std::string_view method_name(Method m);

struct Route {
  Method method;
  std::string pattern;
  Access access;
  Handler handler;
  // Whether a successful call changes state and so is written to the audit log. Defaults by method.
  bool audited = true;
};

struct RouteMatch {
  const Route* route = nullptr;
  std::vector<std::pair<std::string, std::string>> params;
};

class Router {
 public:
  // Fails (throws std::invalid_argument: a programming error found at start-up) on a malformed
  // pattern or a duplicate (method, pattern).
  void add(Route route);

  // kNotFound when no pattern matches the path, kMethodNotAllowed when a pattern matches but not for
  // this method (the error's extra "allow" lists the methods).
  Result<RouteMatch> match(Method method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Compiled {
    std::vector<std::string> segments;  // "{x}" marks a parameter
    size_t route_index;
  };
  std::vector<Route> routes_;
  std::vector<Compiled> compiled_;
};

// Splits "/a/b/c" into {"a","b","c"}; empty segments from "//" or a trailing "/" are dropped.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace civicgrid::http
