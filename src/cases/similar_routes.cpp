#include "cases/similar_routes.h"

#include <cmath>

#include "cases/similar_cases.h"
#include "text/text.h"

namespace civicgrid::cases {

namespace json = boost::json;

namespace {

double rounded(double v, double unit) {
  return std::round(v / unit) * unit;
}

json::object row_json(const SimilarCase& s) {
  json::object o{{"id", s.c.id},
                 {"tracking_code", s.c.tracking_code},
                 {"title", text::redact(s.c.title)},
                 {"status", name(s.c.status)},
                 {"created_at", format_rfc3339(s.c.created_at)},
                 {"score", rounded(s.match.score, 0.001)},
                 {"text", rounded(s.match.text, 0.001)},
                 {"hours_apart", rounded(s.match.hours_apart, 0.01)}};
  o["distance_m"] =
      s.match.distance_m ? json::value(rounded(*s.match.distance_m, 0.1)) : json::value(nullptr);
  return o;
}

}  // namespace

std::optional<json::array> similar_rows(CaseService& svc, const Case& c, const Principal& who,
                                        size_t limit) {
  const SimilarCases* similar = svc.similar_cases();
  if (!similar) return std::nullopt;
  auto found = similar->similar_to(c, who, limit);
  if (!found) return std::nullopt;
  json::array rows;
  for (const auto& s : *found) rows.push_back(row_json(s));
  return rows;
}

Result<http::Response> get_similar(CaseService& svc, http::RequestContext& ctx) {
  const std::string& raw_id = ctx.param("id");
  std::int64_t id = 0;
  if (raw_id.empty() || raw_id.size() > 15)
    return fail(Error::not_found("案件不存在", "no such case"));
  for (char ch : raw_id) {
    if (ch < '0' || ch > '9') return fail(Error::not_found("案件不存在", "no such case"));
    id = id * 10 + (ch - '0');
  }
  size_t limit = 10;
  if (auto l = ctx.query("limit")) {
    int n = 0;
    bool ok = !l->empty() && l->size() <= 3;
    for (char ch : *l) {
      ok = ok && ch >= '0' && ch <= '9';
      if (ok) n = n * 10 + (ch - '0');
    }
    if (!ok || n < 1 || n > 50)
      return fail(Error::invalid("limit", "limit 应为 1 到 50 的整数",
                                 "limit must be an integer from 1 to 50"));
    limit = static_cast<size_t>(n);
  }
  auto d = svc.get(id, ctx.principal());
  if (!d) return fail(d.error());
  const SimilarCases* similar = svc.similar_cases();
  if (!similar)
    return fail(
        Error::unavailable("相似案件索引不可用", "the similar-case index is not available"));
  auto found = similar->similar_to(d->c, ctx.principal(), limit);
  if (!found) return fail(found.error());
  json::array rows;
  for (const auto& s : *found) rows.push_back(row_json(s));
  ctx.audit() = {"case.similar", "case", std::to_string(id), false};
  return http::Response::json({{"rows", std::move(rows)}});
}

}  // namespace civicgrid::cases
