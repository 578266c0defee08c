#include "identity/routes.h"

#include <boost/json.hpp>

#include "core/json_fields.h"
#include "core/privacy.h"
#include "http/request_context.h"

namespace civicgrid::identity {

namespace json = boost::json;
using http::Access;
using http::Method;
using http::RequestContext;
using http::Response;

boost::json::object unit_json(const OrgUnit& u, bool with_geometry) {
  json::object o{{"code", u.code}, {"name", u.name}, {"name_en", u.name_en}, {"kind", u.kind}};
  o["parent"] = u.parent.empty() ? json::value(nullptr) : json::value(u.parent);
  if (with_geometry && !u.geometry.empty()) {
    boost::system::error_code ec;
    auto g = json::parse(u.geometry, ec);
    if (!ec) o["geometry"] = std::move(g);
  }
  return o;
}

boost::json::object user_json(const User& u, bool show_phone) {
  json::array roles, units;
  for (Role r : u.roles) roles.emplace_back(role_name(r));
  for (const auto& c : u.units) units.emplace_back(c);
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"phone", show_phone ? u.phone : privacy::mask_phone(u.phone)},
          {"roles", std::move(roles)},
          {"units", std::move(units)},
          {"active", u.active},
          {"created_at", format_rfc3339(u.created_at)}};
}

namespace {

Result<std::vector<Role>> parse_roles(const json::object& body) {
  auto names = json_fields::optional_string_list(body, "roles", 6);
  if (!names) return fail(names.error());
  std::vector<Role> roles;
  for (const auto& n : *names) {
    auto r = parse_role(n);
    if (!r) return fail(Error::invalid("roles", "未知角色：" + n, "unknown role: " + n));
    roles.push_back(*r);
  }
  return roles;
}

Result<std::int64_t> id_param(const RequestContext& ctx) {
  const std::string& s = ctx.param("id");
  std::int64_t id = 0;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c)) || id > 1'000'000'000'000)
      return fail(Error::not_found("记录不存在", "no such record"));
    id = id * 10 + (c - '0');
  }
  return id;
}

Result<Response> login(IdentityService& svc, RequestContext& ctx) {
  auto body = ctx.json_object();
  if (!body) return fail(body.error());
  auto username = json_fields::required_string(**body, "username", {.max_chars = 64});
  if (!username) return fail(username.error());
  auto password = json_fields::required_string(**body, "password", {.max_chars = 1024, .trim = false});
  if (!password) return fail(password.error());
  ctx.audit().action = "auth.login";
  ctx.audit().target_type = "user";
  ctx.audit().target_id = *username;
  auto r = svc.login(*username, *password, ctx.remote_address());
  if (!r) return fail(r.error());
  return Response::json({{"token", r->token},
                         {"expires_at", format_rfc3339(r->expires_at)},
                         {"user", user_json(r->user, true)}});
}

Result<Response> me(IdentityService& svc, RequestContext& ctx) {
  const Principal& who = ctx.principal();
  if (who.kind == Principal::Kind::kApiKey) {
    json::array scopes;
    for (const auto& s : who.scopes) scopes.emplace_back(s);
    return Response::json({{"api_key", who.name}, {"scopes", std::move(scopes)}});
  }
  auto user = svc.get_user(who.id);
  if (!user) return fail(user.error());
  const DataScope scope = svc.scope_of(who);
  json::array areas, departments;
  for (const auto& a : scope.areas) areas.emplace_back(a);
  for (const auto& d : scope.departments) departments.emplace_back(d);
  json::object o = user_json(*user, true);
  o["scope"] = {{"all", scope.all}, {"areas", std::move(areas)}, {"departments", std::move(departments)}};
  return Response::json(o);
}

Result<Response> list_units(IdentityService& svc, RequestContext& ctx) {
  auto tree = svc.org_tree();
  const auto kind = ctx.query("kind");
  const auto parent = ctx.query("parent");
  const bool geometry = ctx.query("geometry").value_or("") == "true";
  if (kind && !is_unit_kind(*kind))
    return fail(Error::invalid("kind", "未知的单位类型：" + *kind, "unknown unit kind: " + *kind));
  json::array units;
  for (const auto& u : tree->units()) {
    if (kind && u.kind != *kind) continue;
    if (parent && u.parent != *parent) continue;
    units.push_back(unit_json(u, geometry));
  }
  return Response::json({{"units", std::move(units)}});
}

Result<Response> get_unit(IdentityService& svc, RequestContext& ctx) {
  auto tree = svc.org_tree();
  const OrgUnit* u = tree->find(ctx.param("code"));
  if (!u) return fail(Error::not_found("单位不存在", "no such unit"));
  if (auto ok = authorize(ctx.principal(), IdentityAction::kViewUnit, *tree, u->code); !ok)
    return fail(ok.error());
  json::object o = unit_json(*u, true);
  json::array children;
  for (const OrgUnit* c : tree->children(u->code)) children.push_back(unit_json(*c, false));
  o["children"] = std::move(children);
  return Response::json(o);
}

Result<Response> unit_members(IdentityService& svc, RequestContext& ctx) {
  auto tree = svc.org_tree();
  const OrgUnit* u = tree->find(ctx.param("code"));
  if (!u) return fail(Error::not_found("单位不存在", "no such unit"));
  if (auto ok = authorize(ctx.principal(), IdentityAction::kViewUnitMembers, *tree, u->code); !ok)
    return fail(ok.error());
  auto users = svc.list_users(u->code, std::nullopt);
  if (!users) return fail(users.error());
  // Dispatchers and admins call staff; everyone else sees masked numbers.
  const bool show_phone =
      ctx.principal().has_role(Role::kAdmin) || ctx.principal().has_role(Role::kDispatcher);
  json::array members;
  for (const auto& user : *users) members.push_back(user_json(user, show_phone));
  ctx.audit().action = "org_unit.members.read";
  ctx.audit().target_type = "org_unit";
  ctx.audit().target_id = u->code;
  ctx.audit().personal_data_read = true;
  return Response::json({{"unit", u->code}, {"members", std::move(members)}});
}

Result<OrgUnit> unit_from_body(const json::object& body, std::string code) {
  OrgUnit u;
  u.code = std::move(code);
  auto name = json_fields::required_string(body, "name", {.max_chars = 100});
  if (!name) return fail(name.error());
  u.name = *name;
  auto name_en = json_fields::optional_string(body, "name_en", {.max_chars = 200});
  if (!name_en) return fail(name_en.error());
  u.name_en = name_en->value_or("");
  auto geometry = json_fields::optional_object(body, "geometry");
  if (!geometry) return fail(geometry.error());
  if (*geometry) u.geometry = json::serialize(**geometry);
  return u;
}

Result<Response> create_unit(IdentityService& svc, RequestContext& ctx) {
  auto body = ctx.json_object();
  if (!body) return fail(body.error());
  if (auto ok = authorize(ctx.principal(), IdentityAction::kManageUnits, *svc.org_tree()); !ok)
    return fail(ok.error());
  auto code = json_fields::required_string(**body, "code", {.max_chars = 64});
  if (!code) return fail(code.error());
  auto u = unit_from_body(**body, *code);
  if (!u) return fail(u.error());
  auto kind = json_fields::required_string(**body, "kind", {.max_chars = 32});
  if (!kind) return fail(kind.error());
  u->kind = *kind;
  auto parent = json_fields::optional_string(**body, "parent", {.max_chars = 64});
  if (!parent) return fail(parent.error());
  u->parent = parent->value_or("");
  ctx.audit() = {"org_unit.create", "org_unit", *code};
  auto created = svc.create_unit(*u);
  if (!created) return fail(created.error());
  return Response::json(unit_json(*created, true), 201);
}

Result<Response> update_unit(IdentityService& svc, RequestContext& ctx) {
  auto body = ctx.json_object();
  if (!body) return fail(body.error());
  if (auto ok = authorize(ctx.principal(), IdentityAction::kManageUnits, *svc.org_tree()); !ok)
    return fail(ok.error());
  auto u = unit_from_body(**body, ctx.param("code"));
  if (!u) return fail(u.error());
  ctx.audit() = {"org_unit.update", "org_unit", u->code};
  auto updated = svc.update_unit(*u);
  if (!updated) return fail(updated.error());
  return Response::json(unit_json(*updated, true));
}

Result<UserUpdate> user_update_from_body(const json::object& body) {
  UserUpdate up;
  auto dn = json_fields::optional_string(body, "display_name", {.max_chars = 50});
  if (!dn) return fail(dn.error());
  up.display_name = *dn;
  auto phone = json_fields::optional_string(body, "phone", {.max_chars = 20});
  if (!phone) return fail(phone.error());
  up.phone = *phone;
  auto password = json_fields::optional_string(body, "password", {.max_chars = 1024, .trim = false});
  if (!password) return fail(password.error());
  up.password = *password;
  if (body.contains("roles")) {
    auto roles = parse_roles(body);
    if (!roles) return fail(roles.error());
    up.roles = std::move(*roles);
  }
  if (body.contains("units")) {
    auto units = json_fields::optional_string_list(body, "units", 50, {.max_chars = 64});
    if (!units) return fail(units.error());
    up.units = std::move(*units);
  }
  auto active = json_fields::optional_bool(body, "active");
  if (!active) return fail(active.error());
  up.active = *active;
  return up;
}

Result<Response> create_user(IdentityService& svc, RequestContext& ctx) {
  auto body = ctx.json_object();
  if (!body) return fail(body.error());
  NewUser nu;
  auto username = json_fields::required_string(**body, "username", {.max_chars = 64});
  if (!username) return fail(username.error());
  nu.username = *username;
  auto password = json_fields::required_string(**body, "password", {.max_chars = 1024, .trim = false});
  if (!password) return fail(password.error());
  nu.password = *password;
  auto up = user_update_from_body(**body);
  if (!up) return fail(up.error());
  nu.display_name = up->display_name.value_or("");
  nu.phone = up->phone.value_or("");
  nu.roles = up->roles.value_or(std::vector<Role>{});
  nu.units = up->units.value_or(std::vector<std::string>{});
  ctx.audit() = {"user.create", "user", nu.username};
  auto u = svc.create_user(nu);
  if (!u) return fail(u.error());
  ctx.audit().target_id = std::to_string(u->id);
  return Response::json(user_json(*u, true), 201);
}

Result<Response> update_user(IdentityService& svc, RequestContext& ctx) {
  auto id = id_param(ctx);
  if (!id) return fail(id.error());
  auto body = ctx.json_object();
  if (!body) return fail(body.error());
  auto up = user_update_from_body(**body);
  if (!up) return fail(up.error());
  ctx.audit() = {"user.update", "user", std::to_string(*id)};
  auto u = svc.update_user(*id, *up);
  if (!u) return fail(u.error());
  return Response::json(user_json(*u, true));
}

Result<Response> get_user(IdentityService& svc, RequestContext& ctx) {
  auto id = id_param(ctx);
  if (!id) return fail(id.error());
  auto u = svc.get_user(*id);
  if (!u) return fail(u.error());
  ctx.audit() = {"user.read", "user", std::to_string(*id), true};
  return Response::json(user_json(*u, true));
}

Result<Response> list_users(IdentityService& svc, RequestContext& ctx) {
  std::optional<Role> role;
  if (auto r = ctx.query("role")) {
    role = parse_role(*r);
    if (!role) return fail(Error::invalid("role", "未知角色：" + *r, "unknown role: " + *r));
  }
  auto users = svc.list_users(ctx.query("unit"), role);
  if (!users) return fail(users.error());
  json::array arr;
  for (const auto& u : *users) arr.push_back(user_json(u, true));
  ctx.audit() = {"user.list", "user", "", true};
  return Response::json({{"users", std::move(arr)}});
}

json::object api_key_json(const ApiKey& k) {
  json::array scopes;
  for (const auto& s : k.scopes) scopes.emplace_back(s);
  return {{"id", k.id},
          {"name", k.name},
          {"scopes", std::move(scopes)},
          {"created_at", format_rfc3339(k.created_at)},
          {"revoked", k.revoked}};
}

Result<Response> create_api_key(IdentityService& svc, RequestContext& ctx) {
  auto body = ctx.json_object();
  if (!body) return fail(body.error());
  auto name = json_fields::required_string(**body, "name", {.max_chars = 64});
  if (!name) return fail(name.error());
  auto scopes = json_fields::optional_string_list(**body, "scopes", 10, {.max_chars = 32});
  if (!scopes) return fail(scopes.error());
  ctx.audit() = {"api_key.create", "api_key", *name};
  auto k = svc.create_api_key(*name, std::move(*scopes));
  if (!k) return fail(k.error());
  json::object o = api_key_json(k->key);
  o["key"] = k->secret;
  return Response::json(o, 201);
}

Result<Response> list_api_keys(IdentityService& svc, RequestContext&) {
  auto keys = svc.list_api_keys();
  if (!keys) return fail(keys.error());
  json::array arr;
  for (const auto& k : *keys) arr.push_back(api_key_json(k));
  return Response::json({{"api_keys", std::move(arr)}});
}

Result<Response> revoke_api_key(IdentityService& svc, RequestContext& ctx) {
  auto id = id_param(ctx);
  if (!id) return fail(id.error());
  ctx.audit() = {"api_key.revoke", "api_key", std::to_string(*id)};
  if (auto ok = svc.revoke_api_key(*id); !ok) return fail(ok.error());
  return Response::no_content();
}

}  // namespace

void register_routes(http::Router& router, IdentityService& svc) {
  const auto admin = Access::roles_only({Role::kAdmin});
  auto bind = [&svc](Result<Response> (*fn)(IdentityService&, RequestContext&)) {
    return [&svc, fn](RequestContext& ctx) { return fn(svc, ctx); };
  };
  router.add({Method::kPost, "/api/v1/auth/login", Access::public_access(), bind(login)});
  router.add({Method::kPost, "/api/v1/auth/logout", Access::logged_in(),
              [&svc](RequestContext& ctx) -> Result<Response> {
                ctx.audit().action = "auth.logout";
                if (auto ok = svc.logout(ctx.principal()); !ok) return fail(ok.error());
                return Response::no_content();
              }});
  router.add({Method::kGet, "/api/v1/me", Access::logged_in(), bind(me)});
  router.add({Method::kGet, "/api/v1/org/units", Access::public_access(), bind(list_units)});
  router.add({Method::kGet, "/api/v1/org/units/{code}", Access::logged_in(), bind(get_unit)});
  router.add({Method::kGet, "/api/v1/org/units/{code}/members", Access::logged_in(), bind(unit_members)});
  router.add({Method::kPost, "/api/v1/org/units", admin, bind(create_unit)});
  router.add({Method::kPatch, "/api/v1/org/units/{code}", admin, bind(update_unit)});
  router.add({Method::kGet, "/api/v1/admin/users", admin, bind(list_users)});
  router.add({Method::kPost, "/api/v1/admin/users", admin, bind(create_user)});
  router.add({Method::kGet, "/api/v1/admin/users/{id}", admin, bind(get_user)});
  router.add({Method::kPatch, "/api/v1/admin/users/{id}", admin, bind(update_user)});
  router.add({Method::kGet, "/api/v1/admin/api-keys", admin, bind(list_api_keys)});
  router.add({Method::kPost, "/api/v1/admin/api-keys", admin, bind(create_api_key)});
  router.add({Method::kDelete, "/api/v1/admin/api-keys/{id}", admin, bind(revoke_api_key)});
}

}  // namespace civicgrid::identity
