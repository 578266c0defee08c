#include "audit/routes.h"

#include <boost/json.hpp>

#include "http/request_context.h"

namespace civicgrid::audit {

namespace json = boost::json;

void register_routes(http::Router& router, AuditLog& log) {
  const auto admin = http::Access::roles_only({Role::kAdmin});
  router.add(
      {http::Method::kGet, "/api/v1/admin/audit", admin,
       [&log](http::RequestContext& ctx) -> Result<http::Response> {
         ListFilter f;
         f.actor = ctx.query("actor");
         f.target_type = ctx.query("target_type");
         f.target_id = ctx.query("target_id");
         if (auto before = ctx.query("before")) {
           try {
             f.before_seq = std::stoll(*before);
           } catch (const std::exception&) {
             return fail(Error::invalid("before", "before 应为整数", "before must be an integer"));
           }
         }
         if (auto limit = ctx.query("limit")) {
           try {
             f.limit = std::stoi(*limit);
           } catch (const std::exception&) {
             return fail(Error::invalid("limit", "limit 应为整数", "limit must be an integer"));
           }
         }
         auto entries = log.list(f);
         if (!entries) return fail(entries.error());
         json::array arr;
         for (const auto& e : *entries) {
           boost::system::error_code ec;
           json::value detail = json::parse(e.detail, ec);
           if (ec) detail = json::object();
           arr.push_back(json::object{{"seq", e.seq},
                                      {"at", format_rfc3339(e.at)},
                                      {"actor", e.actor},
                                      {"action", e.action},
                                      {"target_type", e.target_type},
                                      {"target_id", e.target_id},
                                      {"remote", e.remote},
                                      {"request_id", e.request_id},
                                      {"outcome", e.outcome},
                                      {"detail", std::move(detail)},
                                      {"hash", e.hash}});
         }
         json::object out{{"entries", std::move(arr)}};
         if (!entries->empty()) out["next_before"] = entries->back().seq;
         return http::Response::json(out);
       }});
  router.add({http::Method::kGet, "/api/v1/admin/audit/verify", admin,
              [&log](http::RequestContext&) -> Result<http::Response> {
                auto report = log.verify();
                if (!report) return fail(report.error());
                json::object o{
                    {"ok", report->ok()}, {"count", report->count}, {"pending", report->pending}};
                if (report->broken) {
                  o["broken_seq"] = *report->broken;
                  o["reason"] = report->reason;
                }
                return http::Response::json(o);
              }});
}

}  // namespace civicgrid::audit
