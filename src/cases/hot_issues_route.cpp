// GET /api/v1/cases/hot-issues: the hot-issue clustering of the text module over the cases the
// caller may see (its data scope, as the case list). Only aggregates, case ids, a place and a
// redacted title leave the server: never who reported, contact details or descriptions.
#include <boost/json.hpp>

#include "cases/routes.h"
#include "http/request_context.h"
#include "text/hot_issues.h"

namespace civicgrid::cases {

namespace json = boost::json;

namespace {

// Cases read for one answer at most: the newest in the window (about 2 s of clustering on one
// core; see bench/RESULTS.md). Enough for a district's month; a city-wide year should narrow the
// window (the answer says `truncated`).
constexpr std::size_t kMaxCases = 5000;

Result<std::optional<Timestamp>> time_query(const http::RequestContext& ctx, const char* name) {
  auto v = ctx.query(name);
  if (!v || v->empty()) return std::optional<Timestamp>();
  if (auto t = parse_rfc3339(*v)) return std::optional<Timestamp>(*t);
  if (auto d = parse_iso_date(*v))
    return std::optional<Timestamp>(*d * kMillisPerDay - kChinaOffsetMillis);
  return fail(
      Error::invalid(name, std::string(name) + " 应为日期（YYYY-MM-DD）或 RFC 3339 时间",
                     std::string(name) + " must be a date (YYYY-MM-DD) or an RFC 3339 time"));
}

Result<int> top_query(const http::RequestContext& ctx) {
  auto v = ctx.query("top");
  if (!v || v->empty()) return 10;
  int n = 0;
  for (char c : *v) {
    if (c < '0' || c > '9' || n > 1000)
      return fail(Error::invalid("top", "top 应为 1–100 的整数", "top must be an integer 1–100"));
    n = n * 10 + (c - '0');
  }
  if (n < 1 || n > 100)
    return fail(Error::invalid("top", "top 应为 1–100 的整数", "top must be an integer 1–100"));
  return n;
}

text::Message message_of(const Case& c) {
  text::Message m;
  m.id = std::to_string(c.id);
  // Distinct signed-in reporters count as distinct residents; anonymous and API-key (channel)
  // reports count one each. The id itself never leaves this function.
  if (!c.anonymous && c.submitted_by.starts_with("user:")) m.user = c.submitted_by;
  m.title = c.title;
  m.text = c.description;
  m.time = c.created_at;
  if (c.location) m.lat = c.location->lat, m.lon = c.location->lon;
  m.area = c.grid.empty() ? c.area : c.grid;
  return m;
}

Result<http::Response> hot_issues(CaseService& svc, http::RequestContext& ctx) {
  auto top = top_query(ctx);
  if (!top) return fail(top.error());
  CaseFilter f;
  auto from = time_query(ctx, "from");
  if (!from) return fail(from.error());
  auto to = time_query(ctx, "to");
  if (!to) return fail(to.error());
  f.from = *from;
  f.to = *to;
  f.limit = 200;
  std::vector<text::Message> messages;
  bool truncated = false;
  for (;;) {
    auto page = svc.list(f, ctx.principal());
    if (!page) return fail(page.error());
    for (const auto& c : page->cases) messages.push_back(message_of(c));
    if (!page->next_cursor) break;
    if (messages.size() >= kMaxCases) {
      truncated = true;
      break;
    }
    f.cursor = page->next_cursor;
  }
  text::HotIssueOptions options;
  options.top = static_cast<std::size_t>(*top);
  const auto issues = text::find_hot_issues(messages, options);
  json::array arr;
  for (const auto& issue : issues) {
    json::array ids;
    for (std::size_t m : issue.members) ids.push_back(std::stoll(messages[m].id));
    json::object o{{"rank", issue.rank},
                   {"heat", issue.heat},
                   {"cases", issue.inputs.messages},
                   {"residents", issue.inputs.residents},
                   {"place", issue.place.label()},
                   {"description", text::redact(issue.description)},
                   {"case_ids", std::move(ids)}};
    o["from"] = issue.first ? json::value(format_rfc3339(*issue.first)) : json::value(nullptr);
    o["to"] = issue.last ? json::value(format_rfc3339(*issue.last)) : json::value(nullptr);
    arr.push_back(std::move(o));
  }
  ctx.audit().action = "case.hot_issues";
  return http::Response::json(
      {{"issues", std::move(arr)}, {"cases_scanned", messages.size()}, {"truncated", truncated}});
}

}  // namespace

void register_hot_issue_routes(http::Router& router, CaseService& svc) {
  router.add({http::Method::kGet, "/api/v1/cases/hot-issues",
              http::Access::roles_only({Role::kDispatcher, Role::kDepartmentHandler,
                                        Role::kGridWorker, Role::kLeader, Role::kAdmin}),
              [&svc](http::RequestContext& ctx) { return hot_issues(svc, ctx); }});
}

}  // namespace civicgrid::cases
