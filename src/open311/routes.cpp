// HTTP routes of the GeoReport v2 adapter (/open311/v2/...) and of its admin API. Thin: parameters
// ⇄ Open311Service, documents rendered in the format the resource name asks for, errors in the
// GeoReport shape ([{code, description}] with 400, 403 or 404).
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <functional>

#include "core/json_fields.h"
#include "http/request_context.h"
#include "open311/format.h"
#include "open311/open311.h"
#include "open311/params.h"
#include "open311/request_params.h"
#include "open311/views.h"
#include "open311/w3c_time.h"

namespace civicgrid::open311 {

namespace json = boost::json;
using http::Access;
using http::Method;
using http::RequestContext;
using http::Response;

namespace {

constexpr std::string_view kBase = "/open311/v2";

// GeoReport clients are international: English unless the client asks for Chinese.
std::string_view lang_of(const RequestContext& ctx) {
  if (auto q = ctx.query("lang")) return q->starts_with("zh") ? "zh" : "en";
  const auto al = ctx.header("Accept-Language");
  return al.size() >= 2 && (al[0] == 'z' || al[0] == 'Z') && (al[1] == 'h' || al[1] == 'H') ? "zh"
                                                                                            : "en";
}

Response document(const Node& node, Format f, unsigned status = 200) {
  Response r = Response::text(render(node, f), std::string(content_type(f)), status);
  r.with_header("Access-Control-Allow-Origin", "*");
  return r;
}

// 404 for what does not exist, 403 for a missing or bad api_key, 400 for everything else.
unsigned georeport_status(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kForbidden:
    case ErrorCode::kUnauthenticated:
      return 403;
    default:
      return 400;
  }
}

Response error_document(const RequestContext& ctx, const Error& e, Format f) {
  const unsigned status = georeport_status(e.code());
  std::string description = e.message(lang_of(ctx));
  if (e.code() == ErrorCode::kInternal || e.code() == ErrorCode::kUnavailable) {
    if (e.code() == ErrorCode::kInternal)
      spdlog::error("request {} {}: {}", ctx.request_id(), ctx.path(), e.detail());
    description =
        "the service request system is temporarily unavailable (request " + ctx.request_id() + ")";
  }
  return document(errors_node({{status, description}}), f, status);
}

// Handlers answer GeoReport errors themselves, so they return a Response for every outcome.
using Handler = std::function<Response(Open311Service&, RequestContext&, Format)>;

Params query_params(const RequestContext& ctx) {
  return Params(ctx.query_params());
}

// "services/{code}.json": the path parameter without its suffix, and the format.
struct Suffixed {
  std::string name;
  std::optional<Format> format;
};
Suffixed suffixed(const RequestContext& ctx, std::string_view param) {
  Resource r = split_resource(ctx.param(param));
  return {r.name, parse_format(r.suffix)};
}

Response unknown_format(const RequestContext& ctx) {
  return error_document(
      ctx, Error::not_found("未知格式：请使用 .xml 或 .json", "unknown format: use .xml or .json"),
      Format::kJson);
}

std::string base_url(const RequestContext& ctx) {
  std::string_view proto = ctx.header("X-Forwarded-Proto");
  std::string_view host = ctx.header("X-Forwarded-Host");
  if (host.empty()) host = ctx.header("Host");
  if (host.empty()) host = "localhost";
  return std::string(proto == "https" ? "https" : "http") + "://" + std::string(host) +
         std::string(kBase);
}

ViewContext view_context(Open311Service& svc, const cases::Catalog& cat,
                         const identity::OrgTree& tree, const RequestContext& ctx) {
  return ViewContext{cat, tree, lang_of(ctx), svc.clock().now(), [&svc](std::string_view code) {
                       auto d = svc.attributes(code);
                       return d ? *d : std::vector<AttributeDef>{};
                     }};
}

audit::Entry audit_entry(const RequestContext& ctx, const Principal& who) {
  audit::Entry e;
  e.actor = who.actor();
  e.action = std::string(http::method_name(ctx.method())) + " " + ctx.route()->pattern;
  e.remote = ctx.remote_address();
  e.request_id = ctx.request_id();
  e.outcome = "ok";
  return e;
}

Response discovery(Open311Service& svc, RequestContext& ctx, Format f) {
  auto tree = svc.org_tree();
  std::string district = "civicgrid";
  for (const auto& u : tree->units())
    if (u.kind == "district" && u.parent.empty())
      district = lang_of(ctx) == "en" && !u.name_en.empty() ? u.name_en : u.name;
  DiscoveryInfo d;
  d.base_url = base_url(ctx);
  d.changeset = svc.changeset();
  if (lang_of(ctx) == "en") {
    d.contact =
        district + " service request platform (civicgrid); questions go to its administrators.";
    d.key_service =
        "API keys are issued by the platform's administrators (admin API keys, or `civicgrid "
        "apikey create`).";
  } else {
    d.contact = district + "接诉即办平台（civicgrid），请联系平台管理员。";
    d.key_service = "API 密钥由平台管理员签发（管理后台“API 密钥”或 civicgrid apikey create）。";
  }
  return document(discovery_node(d), f);
}

Response services(Open311Service& svc, RequestContext&, Format f) {
  // lat/long (FixMyStreet, SeeClickFix) are accepted; every service is offered everywhere.
  return document(services_node(svc.services()), f);
}

Response definition(Open311Service& svc, RequestContext& ctx, Format) {
  const Suffixed s = suffixed(ctx, "code");
  if (!s.format) return unknown_format(ctx);
  auto defs = svc.attributes(s.name);
  if (!defs) return error_document(ctx, defs.error(), *s.format);
  return document(definition_node(s.name, *defs), *s.format);
}

Response create_request(Open311Service& svc, RequestContext& ctx, Format f) {
  auto params = merge_params(ctx.query_params(), ctx.header("Content-Type"), ctx.body());
  if (!params) return error_document(ctx, params.error(), f);
  auto client = svc.authorize_client(params->get("api_key"), ctx.principal(), "create_request");
  if (!client) return error_document(ctx, client.error(), f);
  ctx.set_principal(*client);
  auto code = params->get("service_code");
  if (!code)
    return error_document(
        ctx, Error::invalid("service_code", "缺少 service_code", "service_code is required"), f);
  auto service = svc.service(*code);
  if (!service) return error_document(ctx, service.error(), f);
  auto request = parse_new_request(*params, service->name);
  if (!request) return error_document(ctx, request.error(), f);
  audit::Entry entry = audit_entry(ctx, *client);
  entry.detail = json::serialize(json::object{{"channel", "open311"}, {"client", client->name}});
  auto created = svc.submit(*request, *client, entry);
  if (!created) return error_document(ctx, created.error(), f);
  ctx.audit().action = "case.submit";
  ctx.audit().target_type = "case";
  ctx.audit().target_id = std::to_string(created->id);
  ctx.audit().written = true;
  return document(created_node(*created, request->account_id, lang_of(ctx)), f);
}

Response list_requests(Open311Service& svc, RequestContext& ctx, Format f) {
  auto q = parse_request_query(query_params(ctx), svc.clock().now());
  if (!q) return error_document(ctx, q.error(), f);
  auto records = svc.list(*q);
  if (!records) return error_document(ctx, records.error(), f);
  auto cat = svc.catalog();
  auto tree = svc.org_tree();
  return document(requests_node(*records, view_context(svc, *cat, *tree, ctx), q->extensions), f);
}

std::optional<std::int64_t> parse_id(std::string_view s) {
  if (s.empty() || s.size() > 15) return std::nullopt;
  std::int64_t id = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  return id;
}

Response get_request(Open311Service& svc, RequestContext& ctx, Format) {
  const Suffixed s = suffixed(ctx, "id");
  if (!s.format) return unknown_format(ctx);
  auto id = parse_id(s.name);
  if (!id)
    return error_document(
        ctx,
        Error::not_found("诉求不存在：" + s.name, "service_request_id " + s.name + " not found"),
        *s.format);
  auto record = svc.get(*id);
  if (!record) return error_document(ctx, record.error(), *s.format);
  auto cat = svc.catalog();
  auto tree = svc.org_tree();
  std::vector<RequestRecord> one;
  one.push_back(std::move(*record));
  const bool extensions = ctx.query("extensions").value_or("") == "true";
  return document(requests_node(one, view_context(svc, *cat, *tree, ctx), extensions), *s.format);
}

Response get_token(Open311Service& svc, RequestContext& ctx, Format) {
  const Suffixed s = suffixed(ctx, "token");
  if (!s.format) return unknown_format(ctx);
  auto id = svc.token(s.name);
  if (!id) return error_document(ctx, id.error(), *s.format);
  return document(token_node(*id, s.name), *s.format);
}

Response list_updates(Open311Service& svc, RequestContext& ctx, Format f) {
  const Params p = query_params(ctx);
  const Timestamp now = svc.clock().now();
  std::optional<ParsedTime> start, end;
  for (auto [name, target] : {std::pair{"start_date", &start}, std::pair{"end_date", &end}}) {
    if (auto v = p.get(name)) {
      *target = parse_w3c(*v);
      if (!*target)
        return error_document(ctx,
                              Error::invalid(name, std::string(name) + " 应为 ISO 8601 时间",
                                             std::string(name) + " must be an ISO 8601 date-time"),
                              f);
    }
  }
  // FixMyStreet asks for the last two hours; without dates the last day is returned. Both ends
  // count.
  const Timestamp to = end ? end->at + (end->date_only ? kMillisPerDay : 1) : now + 1;
  const Timestamp from = start ? start->at : to - kMillisPerDay;
  auto events = svc.updates(from, to);
  if (!events) return error_document(ctx, events.error(), f);
  auto cat = svc.catalog();
  auto tree = svc.org_tree();
  return document(updates_node(*events, view_context(svc, *cat, *tree, ctx)), f);
}

Response create_update(Open311Service& svc, RequestContext& ctx, Format f) {
  auto params = merge_params(ctx.query_params(), ctx.header("Content-Type"), ctx.body());
  if (!params) return error_document(ctx, params.error(), f);
  auto client =
      svc.authorize_client(params->get("api_key"), ctx.principal(), "post_service_request_update");
  if (!client) return error_document(ctx, client.error(), f);
  ctx.set_principal(*client);
  auto missing = [&](const char* name) {
    return error_document(
        ctx, Error::invalid(name, std::string("缺少 ") + name, std::string(name) + " is required"),
        f);
  };
  NewClientUpdate u;
  auto request_id = params->get("service_request_id");
  if (!request_id) return missing("service_request_id");
  auto id = parse_id(*request_id);
  if (!id)
    return error_document(ctx,
                          Error::not_found("诉求不存在：" + *request_id,
                                           "service_request_id " + *request_id + " not found"),
                          f);
  u.case_id = *id;
  auto external = params->get("update_id");
  if (!external) return missing("update_id");
  if (external->size() > 100)
    return error_document(
        ctx, Error::invalid("update_id", "update_id 过长", "update_id is too long"), f);
  u.external_id = *external;
  auto status = params->get("status");
  if (!status) return missing("status");
  for (char c : *status) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ' ')
      return error_document(
          ctx, Error::invalid("status", "status 格式不正确", "status is malformed"), f);
    u.status.push_back(c == ' ' ? '_'
                                : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (u.status.size() > 40)
    return error_document(ctx, Error::invalid("status", "status 过长", "status is too long"), f);
  auto when = params->get("updated_datetime");
  if (!when) return missing("updated_datetime");
  auto at = parse_w3c(*when);
  if (!at)
    return error_document(ctx,
                          Error::invalid("updated_datetime", "updated_datetime 应为 ISO 8601 时间",
                                         "updated_datetime must be an ISO 8601 date-time"),
                          f);
  u.updated_at = at->at;
  u.description = json_fields::trim(params->get("description").value_or(""));
  if (json_fields::utf8_length(u.description) > 4000)
    return error_document(
        ctx, Error::invalid("description", "description 过长", "description is too long"), f);
  for (const auto& m : params->all("media_url"))
    if ((m.starts_with("http://") || m.starts_with("https://")) && m.size() <= 2000 &&
        u.media_urls.size() < 10)
      u.media_urls.push_back(m);
  auto created = svc.post_update(u, *client, audit_entry(ctx, *client));
  if (!created) return error_document(ctx, created.error(), f);
  ctx.audit().action = "case.open311_update";
  ctx.audit().target_type = "case";
  ctx.audit().target_id = std::to_string(u.case_id);
  ctx.audit().written = true;
  return document(update_created_node(*created), f);
}

Response unknown_resource(Open311Service&, RequestContext& ctx, Format) {
  const Resource r = split_resource(ctx.param("resource"));
  const Format f = parse_format(r.suffix).value_or(Format::kJson);
  return error_document(
      ctx, Error::not_found("没有这个资源：" + r.name, "no such resource: " + r.name), f);
}

// --- admin API (civicgrid's JSON and error shape)

json::object attributes_json(std::string_view code, const std::vector<AttributeDef>& defs) {
  return {{"service_code", code}, {"attributes", definitions_to_json(defs)}};
}

Result<Response> admin_get_attributes(Open311Service& svc, RequestContext& ctx) {
  auto defs = svc.attributes(ctx.param("code"));
  if (!defs) return fail(defs.error());
  return Response::json(attributes_json(ctx.param("code"), *defs));
}

Result<Response> admin_put_attributes(Open311Service& svc, RequestContext& ctx) {
  auto body = ctx.json_object();
  if (!body) return fail(body.error());
  const auto* arr = (*body)->if_contains("attributes");
  if (!arr) return fail(Error::missing("attributes"));
  auto defs = definitions_from_json(*arr);
  if (!defs) return fail(defs.error());
  auto stored =
      svc.put_attributes(ctx.param("code"), std::move(*defs), audit_entry(ctx, ctx.principal()));
  if (!stored) return fail(stored.error());
  ctx.audit().action = "open311.attributes.put";
  ctx.audit().target_type = "open311_service";
  ctx.audit().target_id = ctx.param("code");
  ctx.audit().written = true;
  return Response::json(attributes_json(ctx.param("code"), *stored));
}

}  // namespace

void register_routes(http::Router& router, Open311Service& svc) {
  auto add = [&](Method m, std::string pattern, Handler h, Format f) {
    router.add({m, std::move(pattern), Access::public_access(),
                [&svc, h = std::move(h), f](RequestContext& ctx) -> Result<Response> {
                  return h(svc, ctx, f);
                }});
  };
  const std::string base(kBase);
  for (auto [suffix, f] : {std::pair{".xml", Format::kXml}, std::pair{".json", Format::kJson}}) {
    add(Method::kGet, "/open311/discovery" + std::string(suffix), discovery, f);
    add(Method::kGet, base + "/discovery" + suffix, discovery, f);
    add(Method::kGet, base + "/services" + suffix, services, f);
    add(Method::kGet, base + "/requests" + suffix, list_requests, f);
    add(Method::kPost, base + "/requests" + suffix, create_request, f);
    add(Method::kGet, base + "/servicerequestupdates" + suffix, list_updates, f);
    add(Method::kPost, base + "/servicerequestupdates" + suffix, create_update, f);
  }
  // The format of these is the suffix of their last segment: "services/{code}.json".
  add(Method::kGet, base + "/services/{code}", definition, Format::kJson);
  add(Method::kGet, base + "/requests/{id}", get_request, Format::kJson);
  add(Method::kGet, base + "/tokens/{token}", get_token, Format::kJson);
  add(Method::kGet, base + "/{resource}", unknown_resource, Format::kJson);
  add(Method::kPost, base + "/{resource}", unknown_resource, Format::kJson);

  const auto admin = Access::roles_only({Role::kAdmin});
  router.add({Method::kGet, "/api/v1/admin/open311/services/{code}/attributes", admin,
              [&svc](RequestContext& ctx) { return admin_get_attributes(svc, ctx); }});
  router.add({Method::kPut, "/api/v1/admin/open311/services/{code}/attributes", admin,
              [&svc](RequestContext& ctx) { return admin_put_attributes(svc, ctx); }});
}

}  // namespace civicgrid::open311
