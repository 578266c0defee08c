#include "text/reply_quality_route.h"

#include "core/json_fields.h"
#include "http/request_context.h"
#include "text/hot_issues.h"

namespace civicgrid::text {

namespace json = boost::json;

namespace {

Result<std::optional<Timestamp>> time_field(const json::object& body, std::string_view field) {
  auto s = json_fields::optional_string(body, field, {.max_chars = 40});
  if (!s) return fail(s.error());
  if (!*s || (*s)->empty()) return std::optional<Timestamp>();
  auto t = parse_local_time(**s);
  if (!t)
    return fail(Error::invalid(
        std::string(field), std::string(field) + " 应为时间，如 2019/1/8 11:43:02 或 RFC 3339",
        std::string(field) + " must be a time such as 2019/1/8 11:43:02 or RFC 3339"));
  return std::optional<Timestamp>(*t);
}

}  // namespace

json::object reply_quality_json(const ReplyQuality& q) {
  json::array weak;
  for (const auto& w : q.weak_points)
    weak.push_back(json::object{{"code", w.code}, {"zh", w.zh}, {"en", w.en}});
  json::object o{{"relevance", q.relevance},
                 {"completeness", q.completeness},
                 {"interpretability", q.interpretability},
                 {"total", q.total}};
  o["timeliness"] = q.timeliness ? json::value(*q.timeliness) : json::value(nullptr);
  o["working_days"] = q.working_days ? json::value(*q.working_days) : json::value(nullptr);
  o["weak_points"] = std::move(weak);
  return o;
}

void register_reply_quality_route(http::Router& router, const WorkCalendar& calendar) {
  const auto staff = http::Access::roles_only({Role::kDispatcher, Role::kDepartmentHandler,
                                               Role::kGridWorker, Role::kLeader, Role::kAdmin});
  http::Route route{http::Method::kPost, "/api/v1/text/reply-quality", staff,
                    [&calendar](http::RequestContext& ctx) -> Result<http::Response> {
                      auto body = ctx.json_object();
                      if (!body) return fail(body.error());
                      auto message = json_fields::required_string(
                          **body, "message", {.min_chars = 1, .max_chars = 20000});
                      if (!message) return fail(message.error());
                      auto reply = json_fields::required_string(
                          **body, "reply", {.min_chars = 1, .max_chars = 20000});
                      if (!reply) return fail(reply.error());
                      auto message_time = time_field(**body, "message_time");
                      if (!message_time) return fail(message_time.error());
                      auto reply_time = time_field(**body, "reply_time");
                      if (!reply_time) return fail(reply_time.error());
                      const ReplyQuality q =
                          score_reply({*message, *reply, *message_time, *reply_time}, &calendar);
                      return http::Response::json(reply_quality_json(q));
                    }};
  route.audited = false;  // stores nothing and returns only scores of the caller's own text
  router.add(std::move(route));
}

}  // namespace civicgrid::text
