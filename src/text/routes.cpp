#include "text/routes.h"

#include <cmath>

#include "core/json_fields.h"
#include "http/request_context.h"

namespace civicgrid::text {

namespace json = boost::json;

namespace {

// Confidences to four decimals: more digits only suggest a precision the model does not have.
double rounded(double v) {
  return std::round(v * 10000) / 10000;
}

json::object category_json(const CategoryGuess& g) {
  json::object o;
  o["code"] = g.code.empty() ? json::value(nullptr) : json::value(g.code);
  o["name"] = g.name;
  return o;
}

}  // namespace

json::object guess_json(const CategoryGuess& g) {
  json::object o = category_json(g);
  o["confidence"] = rounded(g.confidence);
  return o;
}

json::object suggestion_json(const CategorySuggestion& s) {
  json::array alternatives;
  for (const auto& a : s.alternatives) alternatives.push_back(guess_json(a));
  return {{"category", category_json(s.best)},
          {"confidence", rounded(s.best.confidence)},
          {"alternatives", std::move(alternatives)}};
}

void register_routes(http::Router& router, CategorySuggester suggester) {
  const auto staff = http::Access::roles_only({Role::kDispatcher, Role::kDepartmentHandler,
                                               Role::kGridWorker, Role::kLeader, Role::kAdmin});
  http::Route route{
      http::Method::kPost, "/api/v1/text/classify", staff,
      [suggester = std::move(suggester)](http::RequestContext& ctx) -> Result<http::Response> {
        auto body = ctx.json_object();
        if (!body) return fail(body.error());  // malformed JSON: the platform's 400
        auto text =
            json_fields::required_string(**body, "text", {.min_chars = 1, .max_chars = 10000});
        if (!text) return fail(text.error());
        if (!suggester)
          return fail(
              Error::unavailable("文本分类模型未加载", "the text classifier is not loaded"));
        auto s = suggester(*text);
        if (!s)
          return fail(
              Error::unavailable("文本分类模型未加载", "the text classifier is not loaded"));
        return http::Response::json(suggestion_json(*s));
      }};
  route.audited = false;  // reads nothing personal and changes nothing
  router.add(std::move(route));
}

}  // namespace civicgrid::text
