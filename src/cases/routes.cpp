#include "cases/routes.h"

#include <algorithm>
#include <boost/json.hpp>

#include "cases/case_json.h"
#include "cases/similar_routes.h"
#include "core/json_fields.h"
#include "http/request_context.h"
#include "text/reply_quality_route.h"
#include "text/routes.h"

namespace civicgrid::cases {

namespace json = boost::json;
namespace jf = civicgrid::json_fields;
using http::Access;
using http::Method;
using http::RequestContext;
using http::Response;

namespace {

const std::vector<Role> kStaff = {Role::kDispatcher, Role::kDepartmentHandler, Role::kGridWorker,
                                  Role::kLeader, Role::kAdmin};

audit::Entry audit_entry(const RequestContext& ctx) {
  audit::Entry e;
  e.actor = ctx.principal().actor();
  e.action = std::string(http::method_name(ctx.method())) + " " + ctx.route()->pattern;
  e.remote = ctx.remote_address();
  e.request_id = ctx.request_id();
  e.outcome = "ok";
  return e;
}

// The handler wrote its own audit entry inside its transaction; the server's hook records only
// failures of this request.
void audited_in_transaction(RequestContext& ctx, std::string action, std::int64_t id) {
  ctx.audit().action = std::move(action);
  ctx.audit().target_type = "case";
  ctx.audit().target_id = std::to_string(id);
  ctx.audit().written = true;
}

Result<std::int64_t> case_id(const RequestContext& ctx) {
  const std::string& s = ctx.param("id");
  if (s.empty() || s.size() > 15) return fail(Error::not_found("案件不存在", "no such case"));
  std::int64_t id = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return fail(Error::not_found("案件不存在", "no such case"));
    id = id * 10 + (c - '0');
  }
  return id;
}

// Dispatchers call residents back; everyone else sees masked contact details.
bool may_see_contact(const Principal& who) {
  return who.has_role(Role::kDispatcher) || who.has_role(Role::kAdmin);
}

Result<Response> submit(CaseService& svc, RequestContext& ctx) {
  auto body = ctx.json_object();
  if (!body) return fail(body.error());
  auto in = parse_appeal(**body);
  if (!in) return fail(in.error());
  auto r = svc.submit(*in, ctx.principal(), audit_entry(ctx));
  if (!r) return fail(r.error());
  audited_in_transaction(ctx, "case.submit", r->id);
  json::object o{{"id", r->id},
                 {"tracking_code", r->tracking_code},
                 {"status", name(r->status)},
                 {"deadline_at", format_rfc3339(r->deadline_at)}};
  o["grid"] = r->grid.empty() ? json::value(nullptr) : json::value(r->grid);
  if (in->category.empty())
    if (auto s = svc.suggest_category(in->title, in->description))
      o["suggested_category"] = text::suggestion_json(*s);
  // Staff registering an appeal (a hotline call, a patrol) see at once which open cases it may repeat.
  if (std::ranges::any_of(kStaff, [&](Role role) { return ctx.principal().has_role(role); })) {
    Case c;
    c.id = r->id;
    c.title = in->title;
    c.description = in->description;
    c.location = in->location;
    c.created_at = svc.clock().now();
    if (auto rows = similar_rows(svc, c, ctx.principal(), kSimilarShown)) o["similar"] = std::move(*rows);
  }
  return Response::json(o, 201).with_header("Location", "/api/v1/appeals/track/" + r->tracking_code);
}

Result<Response> track(CaseService& svc, RequestContext& ctx) {
  auto d = svc.track(ctx.param("code"));
  if (!d) return fail(d.error());
  return Response::json(public_case_json(d->c, d->events, *svc.catalog(), *svc.org_tree(), svc.clock().now()));
}

Result<Response> evaluate(CaseService& svc, RequestContext& ctx) {
  auto body = ctx.json_object();
  if (!body) return fail(body.error());
  auto d = svc.evaluate(ctx.param("code"), **body, audit_entry(ctx));
  if (!d) return fail(d.error());
  audited_in_transaction(ctx, "case.evaluate", d->c.id);
  return Response::json(public_case_json(d->c, d->events, *svc.catalog(), *svc.org_tree(), svc.clock().now()));
}

Result<std::optional<Timestamp>> time_param(const RequestContext& ctx, const char* name) {
  auto v = ctx.query(name);
  if (!v || v->empty()) return std::optional<Timestamp>();
  if (auto t = parse_rfc3339(*v)) return std::optional<Timestamp>(*t);
  if (auto d = parse_iso_date(*v)) return std::optional<Timestamp>(*d * kMillisPerDay - kChinaOffsetMillis);
  return fail(Error::invalid(name, std::string(name) + " 应为日期（YYYY-MM-DD）或 RFC 3339 时间",
                             std::string(name) + " must be a date (YYYY-MM-DD) or an RFC 3339 time"));
}

Result<Response> list(CaseService& svc, RequestContext& ctx) {
  CaseFilter f;
  if (auto s = ctx.query("status")) {
    f.status = parse_status(*s);
    if (!f.status) return fail(Error::invalid("status", "未知状态：" + *s, "unknown status: " + *s));
  }
  f.category = ctx.query("category");
  f.area = ctx.query("grid");
  if (!f.area) f.area = ctx.query("area");
  f.department = ctx.query("department");
  if (auto o = ctx.query("overdue")) {
    if (*o != "true" && *o != "false")
      return fail(Error::invalid("overdue", "overdue 应为 true 或 false", "overdue must be true or false"));
    f.overdue = *o == "true";
  }
  if (auto o = ctx.query("supervised")) {
    if (*o != "true" && *o != "false")
      return fail(Error::invalid("supervised", "supervised 应为 true 或 false", "supervised must be true or false"));
    f.supervised = *o == "true";
  }
  if (auto t = ctx.query("text"); t && !t->empty()) f.text = *t;
  auto from = time_param(ctx, "from");
  if (!from) return fail(from.error());
  f.from = *from;
  auto to = time_param(ctx, "to");
  if (!to) return fail(to.error());
  f.to = *to;
  try {
    if (auto c = ctx.query("cursor")) f.cursor = std::stoll(*c);
    if (auto l = ctx.query("limit")) f.limit = std::stoi(*l);
  } catch (const std::exception&) {
    return fail(Error::invalid("cursor", "cursor 和 limit 应为整数", "cursor and limit must be integers"));
  }
  auto page = svc.list(f, ctx.principal());
  if (!page) return fail(page.error());
  auto cat = svc.catalog();
  auto tree = svc.org_tree();
  const bool contact = may_see_contact(ctx.principal());
  json::array arr;
  for (const auto& c : page->cases) {
    json::object o = staff_case_json(c, *cat, *tree, contact);
    o.erase("description");
    o.erase("participants");
    arr.push_back(std::move(o));
  }
  if (contact && !arr.empty()) {
    ctx.audit().action = "case.list";
    ctx.audit().personal_data_read = true;
  }
  json::object out{{"cases", std::move(arr)}};
  out["next_cursor"] = page->next_cursor ? json::value(*page->next_cursor) : json::value(nullptr);
  return Response::json(out);
}

json::object detail_json(CaseService& svc, const CaseDetail& d, const Principal& who) {
  auto cat = svc.catalog();
  auto tree = svc.org_tree();
  json::object o = staff_case_json(d.c, *cat, *tree, may_see_contact(who));
  json::array events;
  for (const auto& e : d.events) events.push_back(staff_event_json(e, *tree));
  o["timeline"] = std::move(events);
  json::array actions;
  for (Action a : svc.allowed_actions(d.c, who)) actions.emplace_back(name(a));
  o["allowed_actions"] = std::move(actions);
  if (auto s = svc.suggest_dispatch(d.c)) {
    json::array co;
    for (const auto& x : s->co) co.emplace_back(x);
    o["suggested_dispatch"] = json::object{{"department", s->lead}, {"co_departments", std::move(co)}};
  }
  if (auto s = svc.suggest_category(d.c.title, d.c.description))
    o["suggested_category"] = text::suggestion_json(*s);
  return o;
}

Result<Response> get(CaseService& svc, RequestContext& ctx) {
  auto id = case_id(ctx);
  if (!id) return fail(id.error());
  auto d = svc.get(*id, ctx.principal());
  if (!d) return fail(d.error());
  ctx.audit() = {"case.read", "case", std::to_string(*id), may_see_contact(ctx.principal())};
  json::object o = detail_json(svc, *d, ctx.principal());
  if (auto rows = similar_rows(svc, d->c, ctx.principal(), kSimilarShown)) o["similar"] = std::move(*rows);
  return Response::json(o);
}

Result<Response> act(CaseService& svc, RequestContext& ctx) {
  auto id = case_id(ctx);
  if (!id) return fail(id.error());
  auto action = parse_action(ctx.param("action"));
  if (!action || *action == Action::kSubmit || *action == Action::kEvaluate || *action == Action::kOverdue)
    return fail(Error::not_found("未知的案件操作：" + ctx.param("action"), "unknown case action: " + ctx.param("action")));
  auto body = ctx.json_object();
  if (!body) return fail(body.error());
  std::optional<std::int64_t> version;
  if (auto h = ctx.header("If-Match"); !h.empty()) {
    std::string v(h);
    std::erase(v, '"');
    try {
      version = std::stoll(v);
    } catch (const std::exception&) {
      return fail(Error::invalid("If-Match", "If-Match 应为案件版本号", "If-Match must be the case version"));
    }
  }
  auto bv = jf::optional_int(**body, "version", 1, INT64_MAX);
  if (!bv) return fail(bv.error());
  if (*bv) version = **bv;
  json::object args = **body;
  args.erase("version");
  auto d = svc.act(*id, *action, args, ctx.principal(), version, audit_entry(ctx));
  if (!d) return fail(d.error());
  audited_in_transaction(ctx, "case." + std::string(name(*action)), *id);
  json::object o = detail_json(svc, *d, ctx.principal());
  if (*action == Action::kHandle)  // advice for the reply just written; never blocks the action
    o["reply_quality"] = text::reply_quality_json(text::score_reply(
        {d->c.title + "\n" + d->c.description, d->c.reply, d->c.created_at, svc.clock().now()}, &svc.calendar()));
  return Response::json(o).with_header("ETag", std::to_string(d->c.version));
}

Result<Response> categories(CaseService& svc, RequestContext& ctx) {
  const bool public_only = ctx.query("all").value_or("") != "true";
  json::array arr;
  for (const auto& c : svc.catalog()->categories()) {
    if (public_only && !c.is_public) continue;
    json::object o{{"code", c.code}, {"name", c.name}, {"name_en", c.name_en}, {"level", c.level}};
    o["parent"] = c.parent.empty() ? json::value(nullptr) : json::value(c.parent);
    arr.push_back(std::move(o));
  }
  return Response::json({{"categories", std::move(arr)}});
}

json::object rules_json(const Catalog& cat) {
  json::array rules;
  for (const auto& r : cat.rules()) {
    json::array co;
    for (const auto& d : r.co) co.emplace_back(d);
    rules.push_back(json::object{{"category", r.category}, {"area", r.area.empty() ? json::value(nullptr) : json::value(r.area)},
                                 {"lead", r.lead}, {"co", std::move(co)}});
  }
  return {{"rules", std::move(rules)}};
}

Result<Response> put_rules(CaseService& svc, RequestContext& ctx) {
  auto body = ctx.json_object();
  if (!body) return fail(body.error());
  const auto* arr = (*body)->if_contains("rules");
  if (!arr || !arr->is_array()) return fail(Error::missing("rules"));
  std::vector<RoutingRule> rules;
  for (size_t i = 0; i < arr->get_array().size(); ++i) {
    const auto& v = arr->get_array()[i];
    const std::string field = "rules[" + std::to_string(i) + "]";
    if (!v.is_object()) return fail(Error::invalid(field, "规则应为对象", "a rule must be an object"));
    const auto& o = v.get_object();
    auto category = jf::required_string(o, "category", {.max_chars = 64});
    if (!category) return fail(category.error().with_field(field + ".category"));
    auto area = jf::optional_string(o, "area", {.max_chars = 64});
    if (!area) return fail(area.error().with_field(field + ".area"));
    auto lead = jf::required_string(o, "lead", {.max_chars = 64});
    if (!lead) return fail(lead.error().with_field(field + ".lead"));
    auto co = jf::optional_string_list(o, "co", 10, {.max_chars = 64});
    if (!co) return fail(co.error().with_field(field + ".co"));
    rules.push_back({*category, area->value_or(""), *lead, *co});
  }
  ctx.audit().action = "routing_rules.put";
  if (auto ok = svc.put_routing_rules(rules); !ok) return fail(ok.error());
  return Response::json(rules_json(*svc.catalog()));
}

json::object limits_json(const Catalog& cat) {
  json::array arr;
  for (const auto& l : cat.limits())
    arr.push_back(json::object{{"category", l.category.empty() ? json::value(nullptr) : json::value(l.category)},
                               {"urgency", name(l.urgency)},
                               {"accept_working_minutes", l.accept_working_minutes},
                               {"accept_natural_minutes", l.accept_natural_minutes},
                               {"handle_working_days", l.handle_working_days},
                               {"handle_natural_minutes", l.handle_natural_minutes}});
  return {{"limits", std::move(arr)}};
}

Result<Response> put_limits(CaseService& svc, RequestContext& ctx) {
  auto body = ctx.json_object();
  if (!body) return fail(body.error());
  const auto* arr = (*body)->if_contains("limits");
  if (!arr || !arr->is_array()) return fail(Error::missing("limits"));
  std::vector<TimeLimit> limits;
  for (size_t i = 0; i < arr->get_array().size(); ++i) {
    const auto& v = arr->get_array()[i];
    const std::string field = "limits[" + std::to_string(i) + "]";
    if (!v.is_object()) return fail(Error::invalid(field, "时限应为对象", "a limit must be an object"));
    const auto& o = v.get_object();
    TimeLimit l;
    auto category = jf::optional_string(o, "category", {.max_chars = 64});
    if (!category) return fail(category.error().with_field(field + ".category"));
    l.category = category->value_or("");
    auto urgency = jf::required_string(o, "urgency", {.max_chars = 20});
    if (!urgency) return fail(urgency.error().with_field(field + ".urgency"));
    auto u = parse_urgency(*urgency);
    if (!u) return fail(Error::invalid(field + ".urgency", "未知紧急程度", "unknown urgency"));
    l.urgency = *u;
    int* targets[] = {&l.accept_working_minutes, &l.accept_natural_minutes, &l.handle_working_days,
                      &l.handle_natural_minutes};
    const char* names[] = {"accept_working_minutes", "accept_natural_minutes", "handle_working_days",
                           "handle_natural_minutes"};
    for (int k = 0; k < 4; ++k) {
      auto n = jf::optional_int(o, names[k], 0, 1'000'000);
      if (!n) return fail(n.error().with_field(field + "." + names[k]));
      *targets[k] = static_cast<int>(n->value_or(0));
    }
    limits.push_back(l);
  }
  ctx.audit().action = "time_limits.put";
  if (auto ok = svc.put_time_limits(limits); !ok) return fail(ok.error());
  return Response::json(limits_json(*svc.catalog()));
}

}  // namespace

void register_routes(http::Router& router, CaseService& svc) {
  auto bind = [&svc](Result<Response> (*fn)(CaseService&, RequestContext&)) {
    return [&svc, fn](RequestContext& ctx) { return fn(svc, ctx); };
  };
  const auto staff = Access::roles_only(kStaff);
  const auto admin = Access::roles_only({Role::kAdmin});
  router.add({Method::kPost, "/api/v1/appeals", Access::public_access(), bind(submit)});
  router.add({Method::kGet, "/api/v1/appeals/track/{code}", Access::public_access(), bind(track)});
  router.add({Method::kPost, "/api/v1/appeals/track/{code}/evaluation", Access::public_access(), bind(evaluate)});
  router.add({Method::kGet, "/api/v1/cases", staff, bind(list)});
  router.add({Method::kGet, "/api/v1/cases/{id}", staff, bind(get)});
  router.add({Method::kGet, "/api/v1/cases/{id}/similar", staff, bind(get_similar)});
  register_hot_issue_routes(router, svc);
  register_suggest_route(router, svc);
  router.add({Method::kPost, "/api/v1/cases/{id}/{action}", staff, bind(act)});
  router.add({Method::kPost, "/api/v1/cases/overdue/sweep", Access::roles_only({Role::kDispatcher, Role::kAdmin}),
              [&svc](RequestContext& ctx) -> Result<Response> {
                ctx.audit().action = "case.overdue_sweep";
                auto n = svc.sweep_overdue();
                if (!n) return fail(n.error());
                return Response::json({{"flagged", *n}});
              }});
  router.add({Method::kGet, "/api/v1/categories", Access::public_access(), bind(categories)});
  router.add({Method::kGet, "/api/v1/admin/routing-rules", admin,
              [&svc](RequestContext&) -> Result<Response> { return Response::json(rules_json(*svc.catalog())); }});
  router.add({Method::kPut, "/api/v1/admin/routing-rules", admin, bind(put_rules)});
  router.add({Method::kGet, "/api/v1/admin/time-limits", admin,
              [&svc](RequestContext&) -> Result<Response> { return Response::json(limits_json(*svc.catalog())); }});
  router.add({Method::kPut, "/api/v1/admin/time-limits", admin, bind(put_limits)});
}

}  // namespace civicgrid::cases
