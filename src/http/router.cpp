#include "http/router.h"

#include <algorithm>
#include <stdexcept>

#include "http/request_context.h"

namespace civicgrid::http {

std::string_view method_name(Method m) {
  switch (m) {
    case Method::kGet: return "GET";
    case Method::kPost: return "POST";
    case Method::kPut: return "PUT";
    case Method::kPatch: return "PATCH";
    case Method::kDelete: return "DELETE";
  }
  return "GET";
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

namespace {

bool is_param(std::string_view seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

}  // namespace

void Router::add(Route route) {
  if (route.pattern.empty() || route.pattern.front() != '/')
    throw std::invalid_argument("route pattern must start with '/': " + route.pattern);
  Compiled c;
  for (auto seg : split_path(route.pattern)) {
    if ((seg.find('{') != std::string_view::npos || seg.find('}') != std::string_view::npos) &&
        !is_param(seg))
      throw std::invalid_argument("malformed route segment in " + route.pattern);
    c.segments.emplace_back(seg);
  }
  for (const auto& existing : routes_) {
    if (existing.method == route.method && existing.pattern == route.pattern)
      throw std::invalid_argument("duplicate route " + std::string(method_name(route.method)) + " " +
                                  route.pattern);
  }
  if (route.method == Method::kGet) route.audited = false;
  c.route_index = routes_.size();
  routes_.push_back(std::move(route));
  compiled_.push_back(std::move(c));
}

Result<RouteMatch> Router::match(Method method, std::string_view path) const {
  const auto segs = split_path(path);
  // Score: the position of the first parameter segment (later = more specific); literal-only = best.
  const Compiled* best = nullptr;
  size_t best_score = 0;
  std::vector<Method> allowed;
  for (const auto& c : compiled_) {
    if (c.segments.size() != segs.size()) continue;
    size_t first_param = segs.size() + 1;
    bool ok = true;
    for (size_t i = 0; i < segs.size() && ok; ++i) {
      if (is_param(c.segments[i])) {
        first_param = std::min(first_param, i);
      } else if (c.segments[i] != segs[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    const Route& r = routes_[c.route_index];
    if (r.method != method) {
      if (std::find(allowed.begin(), allowed.end(), r.method) == allowed.end())
        allowed.push_back(r.method);
      continue;
    }
    // Ties (same first-parameter position) prefer fewer parameters overall.
    size_t params = 0;
    for (const auto& s : c.segments) params += is_param(s);
    const size_t score = first_param * 64 + (64 - std::min<size_t>(params, 63));
    if (!best || score > best_score) {
      best = &c;
      best_score = score;
    }
  }
  if (!best) {
    if (!allowed.empty()) {
      boost::json::array allow;
      for (Method m : allowed) allow.emplace_back(method_name(m));
      Error e(ErrorCode::kMethodNotAllowed, "此路径不支持该请求方法",
              "method not allowed on this path");
      e.with_extra("allow", std::move(allow));
      return fail(std::move(e));
    }
    return fail(Error::not_found("未找到请求的地址", "no such endpoint"));
  }
  RouteMatch m;
  m.route = &routes_[best->route_index];
  for (size_t i = 0; i < segs.size(); ++i) {
    const auto& s = best->segments[i];
    if (is_param(s)) m.params.emplace_back(s.substr(1, s.size() - 2), std::string(segs[i]));
  }
  return m;
}

}  // namespace civicgrid::http
