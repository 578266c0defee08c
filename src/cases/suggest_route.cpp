// POST /api/v1/appeals/suggest: the category a resident's appeal would be given, while they type.
// Public like the appeal form itself, so it takes and returns no personal data: only the title and
// description go in (kept nowhere, not audited) and only a category of the public catalog comes
// out.
#include <boost/json.hpp>

#include "cases/routes.h"
#include "core/json_fields.h"
#include "http/request_context.h"
#include "text/routes.h"

namespace civicgrid::cases {

namespace json = boost::json;
namespace jf = civicgrid::json_fields;

namespace {

// The appeal form's own limits (200 + 4000 characters, up to 3 bytes each in UTF-8, plus JSON
// escapes): anything larger is not an appeal being typed.
constexpr size_t kMaxBodyBytes = 32 * 1024;

bool blank(const std::optional<std::string>& s) {
  return !s || s->find_first_not_of(" \t\r\n") == std::string::npos;
}

Result<http::Response> suggest(CaseService& svc, http::RequestContext& ctx) {
  if (ctx.body().size() > kMaxBodyBytes)
    return fail(Error(ErrorCode::kPayloadTooLarge, "请求体过大", "request body too large", "body"));
  auto body = ctx.json_object();
  if (!body) return fail(body.error());
  auto title = jf::optional_string(**body, "title", {.max_chars = 200});
  if (!title) return fail(title.error());
  auto description = jf::optional_string(**body, "description", {.max_chars = 4000});
  if (!description) return fail(description.error());
  if (blank(*title) && blank(*description))
    return fail(Error::invalid("title", "请填写标题或描述", "title or description is required"));
  auto s = svc.suggest_category(title->value_or(""), description->value_or(""));
  if (!s || s->best.code.empty())
    return http::Response::json({{"category", nullptr}, {"confidence", nullptr}});
  json::object o = text::suggestion_json(*s);
  o.erase("alternatives");  // the form shows one suggestion; the resident still picks
  return http::Response::json(o);
}

}  // namespace

void register_suggest_route(http::Router& router, CaseService& svc) {
  http::Route route{http::Method::kPost, "/api/v1/appeals/suggest", http::Access::public_access(),
                    [&svc](http::RequestContext& ctx) { return suggest(svc, ctx); }};
  route.audited = false;  // stores nothing and reads nothing personal
  router.add(std::move(route));
}

}  // namespace civicgrid::cases
