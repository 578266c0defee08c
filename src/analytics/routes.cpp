// JSON ⇄ statistics queries, nothing else.
#include <boost/json.hpp>
#include <charconv>

#include "analytics/analytics.h"
#include "analytics/bad_param.h"
#include "analytics/permissions.h"
#include "core/work_calendar.h"
#include "http/request_context.h"

namespace civicgrid::analytics {

namespace json = boost::json;
using http::Access;
using http::Method;
using http::RequestContext;
using http::Response;

namespace {

struct UnitQuery {
  UnitBy by = UnitBy::kDepartment;
  Period period;
  std::int64_t min_volume = 20;
};

// by, from, to (and min_volume for the league); any other parameter is an error naming it.
Result<UnitQuery> parse_unit_query(const RequestContext& ctx,
                                   std::vector<std::string_view> allowed_by, bool league) {
  UnitQuery q;
  bool have_by = false;
  for (const auto& [k, v] : ctx.query_params()) {
    if (k == "by") {
      auto by = parse_unit_by(v);
      if (!by || std::find(allowed_by.begin(), allowed_by.end(), v) == allowed_by.end()) {
        std::string list;
        for (auto a : allowed_by) list += (list.empty() ? "" : ", ") + std::string(a);
        return fail(bad_param("by", "one of " + list));
      }
      q.by = *by;
      have_by = true;
    } else if (k == "from" || k == "to") {
      auto d = parse_day(v);
      if (!d) return fail(bad_param(k, "YYYY-MM-DD"));
      (k == "from" ? q.period.from_day : q.period.to_day) = *d;
    } else if (league && k == "min_volume") {
      std::int64_t n = -1;
      if (std::from_chars(v.data(), v.data() + v.size(), n).ec != std::errc() || n < 0 ||
          n > 1000000000)
        return fail(bad_param("min_volume", "a non-negative integer"));
      q.min_volume = n;
    } else if (k != "lang") {
      return fail(bad_param(k, "unknown parameter"));
    }
  }
  if (!have_by) return fail(Error::missing("by"));
  return q;
}

std::vector<std::pair<std::string, UnitCounts>> counts_for(AnalyticsService& svc,
                                                           const RequestContext& ctx,
                                                           const UnitQuery& q, bool repeats) {
  const std::int64_t today = WorkCalendar::local_day(svc.cases().clock().now());
  return unit_counts(svc.cube(), q.by, q.period, stats_scope(svc.cases(), ctx.principal()),
                     svc.config(), today, repeats);
}

Result<Response> counts(AnalyticsService& svc, RequestContext& ctx) {
  auto q = parse_count_query(ctx.query_params());
  if (!q) return fail(q.error());
  return Response::json(run_counts(svc.cube(), *q, stats_scope(svc.cases(), ctx.principal())));
}

Result<Response> rates(AnalyticsService& svc, RequestContext& ctx) {
  auto q = parse_unit_query(ctx, {"department", "street", "community", "grid"}, false);
  if (!q) return fail(q.error());
  return Response::json(rates_json(counts_for(svc, ctx, *q, false), q->by, svc.config()));
}

Result<Response> indicators(AnalyticsService& svc, RequestContext& ctx) {
  auto q = parse_unit_query(ctx, {"department", "street"}, false);
  if (!q) return fail(q.error());
  return Response::json(indicators_json(counts_for(svc, ctx, *q, true)));
}

Result<Response> league(AnalyticsService& svc, RequestContext& ctx) {
  auto q = parse_unit_query(ctx, {"department", "street", "community", "grid"}, true);
  if (!q) return fail(q.error());
  return Response::json(
      league_json(counts_for(svc, ctx, *q, false), q->by, svc.config(), q->min_volume));
}

// The audit entry is written with the change, in its transaction (before and after in detail);
// the server's hook records only a failed request.
Result<Response> put_config(AnalyticsService& svc, RequestContext& ctx) {
  ctx.audit().action = "analytics.config";
  ctx.audit().target_type = "analytics_config";
  auto body = ctx.json_object();
  if (!body) return fail(body.error());
  auto c = parse_config(**body);
  if (!c) return fail(c.error());
  audit::Entry entry;
  entry.actor = ctx.principal().actor();
  entry.action = ctx.audit().action;
  entry.target_type = ctx.audit().target_type;
  entry.remote = ctx.remote_address();
  entry.request_id = ctx.request_id();
  entry.outcome = "ok";
  if (auto ok = svc.put_config(*c, entry); !ok) return fail(ok.error());
  ctx.audit().written = true;
  return Response::json(config_json(*c));
}

}  // namespace

void register_routes(http::Router& router, AnalyticsService& svc) {
  auto bind = [&svc](Result<Response> (*fn)(AnalyticsService&, RequestContext&)) {
    return [&svc, fn](RequestContext& ctx) { return fn(svc, ctx); };
  };
  const auto staff = Access::roles_only(stats_roles());
  const auto admin = Access::roles_only({Role::kAdmin});
  router.add({Method::kGet, "/api/v1/stats/counts", staff, bind(counts)});
  router.add({Method::kGet, "/api/v1/stats/rates", staff, bind(rates)});
  router.add({Method::kGet, "/api/v1/stats/indicators", staff, bind(indicators)});
  router.add({Method::kGet, "/api/v1/stats/league", staff, bind(league)});
  router.add({Method::kGet, "/api/v1/admin/analytics/config", admin,
              [&svc](RequestContext&) -> Result<Response> {
                return Response::json(config_json(svc.config()));
              }});
  router.add({Method::kPut, "/api/v1/admin/analytics/config", admin, bind(put_config)});
  register_insight_routes(router, svc);
}

}  // namespace civicgrid::analytics
