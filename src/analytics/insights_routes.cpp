// JSON ⇄ the decision-support queries (insights.h, staff.h): parameters, names in the caller's
// language, explanations in zh-CN and English, and the privacy rule for person rows.
#include <fmt/format.h>

#include <boost/json.hpp>
#include <charconv>
#include <limits>

#include "analytics/analytics.h"
#include "analytics/bad_param.h"
#include "analytics/insights.h"
#include "analytics/permissions.h"
#include "core/privacy.h"
#include "core/work_calendar.h"
#include "http/request_context.h"

namespace civicgrid::analytics {

namespace json = boost::json;
using http::Access;
using http::Method;
using http::RequestContext;
using http::Response;

namespace {

// Rows of a recurring-problems page unless `limit` says otherwise, and at most.
constexpr std::int64_t kDefaultRecurringLimit = 50, kMaxRecurringLimit = 10000;

// Parameters of one request: each known name parsed once; any other name (but lang) is an error.
class Params {
 public:
  Params(const RequestContext& ctx, std::initializer_list<std::string_view> known) {
    for (const auto& [k, v] : ctx.query_params()) {
      if (k == "lang") continue;
      if (std::find(known.begin(), known.end(), k) == known.end() && !error_)
        error_ = bad_param(k, "unknown parameter");
      values_.emplace_back(k, v);
    }
  }
  const std::optional<Error>& error() const { return error_; }
  const std::string* get(std::string_view k) const {
    for (const auto& [n, v] : values_)
      if (n == k) return &v;
    return nullptr;
  }
  Result<std::optional<std::int64_t>> integer(const std::string& k, std::int64_t lo,
                                              std::int64_t hi) const {
    const std::string* v = get(k);
    if (!v) return std::optional<std::int64_t>{};
    std::int64_t n = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || p != v->data() + v->size() || n < lo || n > hi)
      return fail(bad_param(k, fmt::format("an integer from {} to {}", lo, hi)));
    return std::optional<std::int64_t>(n);
  }
  Result<std::optional<std::int64_t>> day(const std::string& k) const {
    const std::string* v = get(k);
    if (!v) return std::optional<std::int64_t>{};
    auto d = parse_day(*v);
    if (!d) return fail(bad_param(k, "YYYY-MM-DD"));
    return std::optional<std::int64_t>(*d);
  }
  Result<Period> period() const {
    Period p;
    auto from = day("from");
    if (!from) return fail(from.error());
    auto to = day("to");
    if (!to) return fail(to.error());
    p.from_day = *from;
    p.to_day = *to;
    return p;
  }
  Result<PlaceLevel> level() const {
    const std::string* v = get("level");
    if (!v || *v == "grid") return PlaceLevel::kGrid;
    if (*v == "community") return PlaceLevel::kCommunity;
    return fail(bad_param("level", "grid or community"));
  }

 private:
  std::vector<std::pair<std::string, std::string>> values_;
  std::optional<Error> error_;
};

// Names of units and categories in the caller's language (zh-CN unless English was asked for).
class Names {
 public:
  Names(AnalyticsService& svc, std::string_view lang)
      : tree_(svc.cases().org_tree()), catalog_(svc.cases().catalog()), en_(lang == "en") {}
  std::string unit(const std::string& code, bool en) const {
    const identity::OrgUnit* u = tree_ ? tree_->find(code) : nullptr;
    if (!u) return code;
    return en && !u->name_en.empty() ? u->name_en : u->name;
  }
  std::string category(const std::string& code, bool en) const {
    const cases::Category* c = catalog_ ? catalog_->category(code) : nullptr;
    if (!c) return code;
    return en && !c->name_en.empty() ? c->name_en : c->name;
  }
  std::string unit(const std::string& code) const { return unit(code, en_); }
  std::string category(const std::string& code) const { return category(code, en_); }
  bool en() const { return en_; }

 private:
  std::shared_ptr<const identity::OrgTree> tree_;
  std::shared_ptr<const cases::Catalog> catalog_;
  bool en_;
};

std::int64_t today(AnalyticsService& svc) {
  return WorkCalendar::local_day(svc.cases().clock().now());
}

json::array counts(const std::vector<std::int64_t>& v) {
  json::array a;
  for (auto x : v) a.push_back(x);
  return a;
}

const char* unit_type_zh(const std::string& t) {
  return t == "street" ? "街道" : t == "community" ? "社区" : "部门";
}

// The sentences a leader reads to see why the warning was raised.
std::pair<std::string, std::string> explain(const Warning& w, const WarningQuery& q,
                                            const Names& n) {
  if (w.kind == "overdue") {
    const auto& s = w.series;
    const size_t k = s.size();
    return {fmt::format("{}超期工单连续上升：截至 {} 的最近三周分别为 {}、{}、{} 件，此前各周平均 "
                        "{:.1f} 件，请关注该部门的办理力量。",
                        n.unit(w.unit, false), format_day(q.date), s[k - 3], s[k - 2], s[k - 1],
                        w.expected),
            fmt::format("Overdue cases of {} rose three weeks running: {}, {} and {} in the weeks "
                        "up to {}, against a weekly mean of {:.1f} before; check the department's "
                        "handling capacity.",
                        n.unit(w.unit, true), s[k - 3], s[k - 2], s[k - 1], format_day(q.date),
                        w.expected)};
  }
  const std::string from = format_day(q.date - q.window + 1), to = format_day(q.date);
  return {
      fmt::format("{}（{}）的「{}」类诉求在 {} 至 {} 共 {} 件，此前 {} 个同期平均 {:.1f} 件，"
                  "预期范围 {:.1f}–{:.1f} 件，明显超出。",
                  n.unit(w.unit, false), unit_type_zh(w.unit_type), n.category(w.category, false),
                  from, to, w.observed, q.baselines, w.expected, w.low, w.high),
      fmt::format("{} ({}): {} cases of \"{}\" from {} to {}, against a mean of {:.1f} in the "
                  "same period of the previous {} windows; the expected range is {:.1f}–{:.1f}.",
                  n.unit(w.unit, true), w.unit_type, w.observed, n.category(w.category, true), from,
                  to, w.expected, q.baselines, w.low, w.high)};
}

Result<Response> warnings(AnalyticsService& svc, RequestContext& ctx) {
  Params p(ctx, {"date", "window"});
  if (p.error()) return fail(*p.error());
  WarningQuery q;
  auto date = p.day("date");
  if (!date) return fail(date.error());
  auto window = p.integer("window", 1, 31);
  if (!window) return fail(window.error());
  q.date = date->value_or(today(svc));
  q.window = static_cast<int>(window->value_or(7));
  const Names names(svc, ctx.lang());
  json::array rows;
  for (const Warning& w : find_warnings(svc.cube(), q, stats_scope(svc.cases(), ctx.principal()))) {
    auto [zh, en] = explain(w, q, names);
    json::object o{{"kind", w.kind},
                   {"unit_type", w.unit_type},
                   {"unit", w.unit},
                   {"unit_name", names.unit(w.unit)},
                   {"observed", w.observed},
                   {"expected", w.expected},
                   {"range", json::array{w.low, w.high}},
                   {"z", w.z},
                   {"severity", w.severity},
                   {"series", counts(w.series)}};
    if (!w.category.empty()) {
      o["category"] = w.category;
      o["category_level"] = w.category_level;
      o["category_name"] = names.category(w.category);
    } else {
      o["category"] = nullptr;
    }
    o["explanation"] = names.en() ? en : zh;
    o["explanation_zh"] = std::move(zh);
    o["explanation_en"] = std::move(en);
    rows.push_back(std::move(o));
  }
  return Response::json(json::object{{"date", format_day(q.date)},
                                     {"window", q.window},
                                     {"baselines", q.baselines},
                                     {"warnings", std::move(rows)}});
}

Result<Response> hotspots(AnalyticsService& svc, RequestContext& ctx) {
  Params p(ctx, {"from", "to", "category", "level"});
  if (p.error()) return fail(*p.error());
  HotspotQuery q;
  auto period = p.period();
  if (!period) return fail(period.error());
  auto level = p.level();
  if (!level) return fail(level.error());
  const std::string* category = p.get("category");
  if (!category || category->empty()) return fail(Error::missing("category"));
  if (!svc.cases().catalog()->category(*category))
    return fail(bad_param("category", "unknown category"));
  q.period = *period;
  q.level = *level;
  q.category = *category;
  const Names names(svc, ctx.lang());
  const HotspotResult r = find_hotspots(svc.cube(), q, stats_scope(svc.cases(), ctx.principal()));
  json::array rows;
  for (const Hotspot& h : r.rows)
    rows.push_back(json::object{{"place", h.place},
                                {"name", names.unit(h.place)},
                                {"count", h.count},
                                {"place_total", h.place_total},
                                {"share", h.share},
                                {"lift", h.lift},
                                {"vs_average", h.vs_average},
                                {"hotspot", h.hotspot}});
  return Response::json(json::object{{"category", q.category},
                                     {"category_name", names.category(q.category)},
                                     {"level", q.level == PlaceLevel::kGrid ? "grid" : "community"},
                                     {"category_total", r.category_total},
                                     {"all_total", r.all_total},
                                     {"places", r.places},
                                     {"rows", std::move(rows)}});
}

Result<Response> recurring(AnalyticsService& svc, RequestContext& ctx) {
  Params p(ctx, {"months", "min_months", "level", "limit", "offset", "top"});
  if (p.error()) return fail(*p.error());
  RecurringQuery q;
  // A page: the cockpit shows a handful; the whole list at city scale is tens of thousands of rows.
  // `top` is the earlier name of `limit`.
  auto limit = p.integer("limit", 1, kMaxRecurringLimit);
  if (!limit) return fail(limit.error());
  auto top = p.integer("top", 1, kMaxRecurringLimit);
  if (!top) return fail(top.error());
  if (*limit && *top) return fail(bad_param("top", "the earlier name of limit; give one of them"));
  q.limit = static_cast<size_t>(limit->value_or(top->value_or(kDefaultRecurringLimit)));
  auto offset = p.integer("offset", 0, std::numeric_limits<std::int32_t>::max());
  if (!offset) return fail(offset.error());
  q.offset = static_cast<size_t>(offset->value_or(0));
  auto months = p.integer("months", 2, 36);
  if (!months) return fail(months.error());
  q.months = static_cast<int>(months->value_or(6));
  auto min_months = p.integer("min_months", 2, q.months);
  if (!min_months) return fail(min_months.error());
  q.min_months = static_cast<int>(min_months->value_or(std::min(3, q.months)));
  auto level = p.level();
  if (!level) return fail(level.error());
  q.level = *level;
  q.today = today(svc);
  const Names names(svc, ctx.lang());
  json::array rows;
  const RecurringPage page =
      find_recurring(svc.cube(), q, stats_scope(svc.cases(), ctx.principal()));
  for (const Recurring& r : page.rows) {
    json::array series;
    for (const auto& [m, n] : r.series)
      series.push_back(json::object{{"month", month_label(m)}, {"count", n}});
    const std::string title_zh = fmt::format("未诉先办：{}{}问题", names.unit(r.place, false),
                                             names.category(r.category, false));
    const std::string title_en =
        fmt::format("Act before appeals: {} at {}", names.category(r.category, true),
                    names.unit(r.place, true));
    rows.push_back(
        json::object{{"place", r.place},
                     {"name", names.unit(r.place)},
                     {"category", r.category},
                     {"category_name", names.category(r.category)},
                     {"months_with_cases", r.months_with_cases},
                     {"longest_run", r.longest_run},
                     {"total", r.total},
                     {"series", std::move(series)},
                     {"proposal", json::object{{"type", "proactive"},
                                               {"title", names.en() ? title_en : title_zh},
                                               {"title_zh", title_zh},
                                               {"title_en", title_en}}}});
  }
  const int last = month_code(q.today);
  return Response::json(json::object{{"from_month", month_label(last - q.months + 1)},
                                     {"to_month", month_label(last)},
                                     {"min_months", q.min_months},
                                     {"total", page.total},
                                     {"offset", q.offset},
                                     {"limit", q.limit},
                                     {"rows", std::move(rows)}});
}

json::value rate(std::int64_t num, std::int64_t den) {
  return den > 0 ? json::value(static_cast<double>(num) / static_cast<double>(den))
                 : json::value(nullptr);
}

json::object hardness_json(const Hardness& h) {
  return json::object{{"cases", h.cases},
                      {"unresolved_rate", rate(h.unresolved, h.evaluated)},
                      {"unsatisfied_rate", rate(h.unsatisfied, h.evaluated)},
                      {"return_rate", rate(h.returned, h.dispatched)},
                      {"rework_rate", rate(h.reworked, h.registered)},
                      {"overdue_rate", rate(h.overdue, h.registered)},
                      {"hardness", h.score()}};
}

Result<Response> topics(AnalyticsService& svc, RequestContext& ctx) {
  Params p(ctx, {"year"});
  if (p.error()) return fail(*p.error());
  auto year = p.integer("year", 1970, 2150);
  if (!year) return fail(year.error());
  int y;
  unsigned m, d;
  civil_from_days(today(svc), y, m, d);
  y = static_cast<int>(year->value_or(y));
  const Names names(svc, ctx.lang());
  const TopicResult r = monthly_topics(svc.cube(), y, stats_scope(svc.cases(), ctx.principal()));
  json::array rows;
  for (const TopicCandidate& t : r.rows) {
    json::object o = hardness_json(t.h);
    o["category"] = t.category;
    o["category_name"] = names.category(t.category);
    o["priority"] = t.priority;
    rows.push_back(std::move(o));
  }
  return Response::json(json::object{{"year", y},
                                     {"mean_cases", r.mean_cases},
                                     {"overall", hardness_json(r.overall)},
                                     {"rows", std::move(rows)}});
}

Result<Response> training(AnalyticsService& svc, RequestContext& ctx) {
  Params p(ctx, {"from", "to"});
  if (p.error()) return fail(*p.error());
  auto period = p.period();
  if (!period) return fail(period.error());
  const Names names(svc, ctx.lang());
  const TrainingResult r =
      training_needs(svc.cube(), *period, stats_scope(svc.cases(), ctx.principal()));
  json::array rows;
  for (const TrainingNeed& n : r.rows)
    rows.push_back(json::object{{"category", n.category},
                                {"category_name", names.category(n.category)},
                                {"registered", n.registered},
                                {"returned", n.returned},
                                {"reworked", n.reworked},
                                {"share_of_returns", n.share_of_returns},
                                {"share_of_reworks", n.share_of_reworks},
                                {"need", n.need}});
  return Response::json(json::object{{"registered", r.registered},
                                     {"returned", r.returned},
                                     {"reworked", r.reworked},
                                     {"rows", std::move(rows)}});
}

// Usernames are personal data: leaders and administrators see them (the read is audited); other
// staff see their own and a masked form of the others'.
Result<Response> capacity(AnalyticsService& svc, RequestContext& ctx) {
  Params p(ctx, {"post", "from", "to"});
  if (p.error()) return fail(*p.error());
  const std::string* post_name = p.get("post");
  if (!post_name) return fail(Error::missing("post"));
  auto post = parse_post(*post_name);
  if (!post) return fail(bad_param("post", "grid_worker, dispatcher or handler"));
  auto period = p.period();
  if (!period) return fail(period.error());
  const Principal& who = ctx.principal();
  const bool names_visible = who.has_role(Role::kLeader) || who.has_role(Role::kAdmin);
  const Names names(svc, ctx.lang());
  const CapacityResult r =
      svc.staff().capacity(svc.cube(), *post, *period, stats_scope(svc.cases(), who));
  json::array people;
  for (const PersonCapacity& pc : r.people) {
    const bool shown = names_visible || pc.username == who.name;
    json::object o{{"user", shown ? pc.username : privacy::mask_name(pc.username)}};
    switch (*post) {
      case Post::kGridWorker:
        o["patrol_reports"] = pc.patrol_reports;
        o["open_reports"] = pc.open_reports;
        o["verifications"] = pc.verifications;
        o["verifications_on_time"] = pc.verifications_on_time;
        o["verification_on_time_rate"] = rate(pc.verifications_on_time, pc.verifications);
        break;
      case Post::kDispatcher:
        o["dispatches"] = pc.dispatches;
        o["returned"] = pc.dispatches_returned;
        o["accurate_dispatch_rate"] = rate(pc.dispatches - pc.dispatches_returned, pc.dispatches);
        break;
      case Post::kHandler:
        o["handled"] = pc.handled;
        o["handled_on_time"] = pc.handled_on_time;
        o["on_time_rate"] = rate(pc.handled_on_time, pc.handled);
        o["reworked"] = pc.handled_reworked;
        o["rework_rate"] = rate(pc.handled_reworked, pc.handled);
        break;
    }
    people.push_back(std::move(o));
  }
  if (names_visible && !people.empty()) {
    ctx.audit().action = "stats.capacity";
    ctx.audit().personal_data_read = true;
  }
  json::object out{{"post", *post_name}, {"people", std::move(people)}};
  if (*post == Post::kGridWorker) {
    json::array grids;
    for (const GridLoad& g : r.grids)
      grids.push_back(json::object{
          {"grid", g.grid},
          {"name", names.unit(g.grid)},
          {"cases", g.cases},
          {"patrol_found", g.patrol_found},
          {"from_elsewhere", g.from_elsewhere},
          {"awaiting_verification", g.awaiting_verification},
          {"workers", g.workers},
          {"cases_per_worker", g.workers > 0 ? json::value(double(g.cases) / double(g.workers))
                                             : json::value(nullptr)}});
    out["grids"] = std::move(grids);
  }
  return Response::json(out);
}

}  // namespace

void register_insight_routes(http::Router& router, AnalyticsService& svc) {
  auto bind = [&svc](Result<Response> (*fn)(AnalyticsService&, RequestContext&)) {
    return [&svc, fn](RequestContext& ctx) { return fn(svc, ctx); };
  };
  const auto staff = Access::roles_only(stats_roles());
  router.add({Method::kGet, "/api/v1/stats/warnings", staff, bind(warnings)});
  router.add({Method::kGet, "/api/v1/stats/hotspots", staff, bind(hotspots)});
  router.add({Method::kGet, "/api/v1/stats/recurring", staff, bind(recurring)});
  router.add({Method::kGet, "/api/v1/stats/monthly-topics", staff, bind(topics)});
  router.add({Method::kGet, "/api/v1/stats/capacity", staff, bind(capacity)});
  router.add({Method::kGet, "/api/v1/stats/training-needs", staff, bind(training)});
}

}  // namespace civicgrid::analytics
