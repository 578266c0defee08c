// HTTP ⇄ open data: parameter parsing and rendering only.
#include <fmt/format.h>
#include <boost/json.hpp>
#include <charconv>

#include "http/request_context.h"
#include "opendata/csv.h"
#include "opendata/opendata.h"

namespace civicgrid::opendata {

namespace json = boost::json;
using http::Access;
using http::Method;
using http::RequestContext;
using http::Response;

namespace {

Error bad(const std::string& field, const std::string& what_zh, const std::string& what_en) {
  return Error::invalid(field, "参数无效：" + field + "（" + what_zh + "）",
                        "invalid " + field + ": " + what_en);
}

Result<void> parse_period(std::string_view k, std::string_view v, analytics::Period& p) {
  auto d = analytics::parse_day(v);
  if (!d) return fail(bad(std::string(k), "应为 YYYY-MM-DD", "YYYY-MM-DD"));
  (k == "from" ? p.from_day : p.to_day) = *d;
  return {};
}

Result<std::int64_t> parse_int(std::string_view k, std::string_view v, std::int64_t lo,
                               std::int64_t hi) {
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || ptr != v.data() + v.size() || n < lo || n > hi)
    return fail(bad(std::string(k),
                    "应为 " + std::to_string(lo) + "–" + std::to_string(hi) + " 的整数",
                    "an integer in " + std::to_string(lo) + ".." + std::to_string(hi)));
  return n;
}

Result<void> check_period(const analytics::Period& p) {
  if (p.from_day && p.to_day && *p.from_day >= *p.to_day)
    return fail(bad("to", "须晚于 from", "must be after from"));
  return {};
}

Result<Response> stats(OpenDataService& svc, RequestContext& ctx) {
  By by = By::kMonth;
  analytics::Period p;
  for (const auto& [k, v] : ctx.query_params()) {
    if (k == "by") {
      auto b = parse_by(v);
      if (!b)
        return fail(bad("by", "month、category、street 或 department",
                        "one of month, category, street, department"));
      by = *b;
    } else if (k == "from" || k == "to") {
      if (auto ok = parse_period(k, v, p); !ok) return fail(ok.error());
    } else if (k != "lang") {
      return fail(bad(k, "未知参数", "unknown parameter"));
    }
  }
  if (auto ok = check_period(p); !ok) return fail(ok.error());
  return Response::json(svc.stats(by, p));
}

json::object table_json(std::string_view id, Table t, const DownloadQuery& q, bool paged) {
  json::array rows;
  rows.reserve(t.rows.size());
  for (auto& r : t.rows) {
    json::object o;
    for (size_t i = 0; i < r.size() && i < t.columns.size(); ++i)
      o[t.columns[i].name] = std::move(r[i]);
    rows.push_back(std::move(o));
  }
  json::object out;
  out["dataset"] = id;
  if (paged) {
    out["offset"] = q.offset;
    out["limit"] = q.limit;
  }
  out["count"] = rows.size();
  out["rows"] = std::move(rows);
  return out;
}

std::string csv_of(const Table& t) {
  std::string out;
  CsvWriter w(out);
  w.bom();
  std::vector<std::string> fields;
  fields.reserve(t.columns.size());
  for (const auto& c : t.columns) fields.push_back(c.name);
  w.row(fields);
  for (const auto& r : t.rows) {
    fields.clear();
    for (const auto& v : r) {
      if (v.is_string())
        fields.emplace_back(v.get_string());
      else if (v.is_null())
        fields.emplace_back();
      else if (v.is_double())
        fields.push_back(fmt::format("{}", v.get_double()));  // 0.75, 1: no exponent form
      else
        fields.push_back(json::serialize(v));
    }
    w.row(fields);
  }
  return out;
}

Result<Response> dataset(OpenDataService& svc, RequestContext& ctx) {
  std::string id = ctx.param("id");
  std::string format;
  for (std::string_view ext : {".csv", ".json"}) {
    if (id.size() > ext.size() && id.ends_with(ext)) {
      format = ext.substr(1);
      id.resize(id.size() - ext.size());
    }
  }
  auto meta = svc.dataset(id);
  if (!meta) return fail(meta.error());
  const bool paged = id == dataset_ids().front();
  DownloadQuery q;
  for (const auto& [k, v] : ctx.query_params()) {
    if (k == "from" || k == "to") {
      if (auto ok = parse_period(k, v, q.period); !ok) return fail(ok.error());
    } else if (paged && k == "offset") {
      auto n = parse_int(k, v, 0, 1'000'000'000'000);
      if (!n) return fail(n.error());
      q.offset = *n;
    } else if (paged && k == "limit") {
      auto n = parse_int(k, v, 1, kMaxPageRows);
      if (!n) return fail(n.error());
      q.limit = static_cast<int>(*n);
    } else if (k != "lang") {
      return fail(bad(k, "未知参数", "unknown parameter"));
    }
  }
  if (auto ok = check_period(q.period); !ok) return fail(ok.error());
  if (format.empty()) return Response::json(*meta);
  auto table = svc.rows(id, q);
  if (!table) return fail(table.error());
  const bool full_page = paged && static_cast<int>(table->rows.size()) == q.limit;
  Response r = format == "csv" ? Response::text(csv_of(*table), "text/csv; charset=utf-8")
                               : Response::json(table_json(id, std::move(*table), q, paged));
  r.with_header("Content-Disposition", "attachment; filename=\"" + id + "." + format + "\"");
  if (full_page) {
    // RFC 8288 link to the next page, so a client can walk a large dataset page by page.
    std::string next = "/api/v1/open/datasets/" + id + "." + format +
                       "?offset=" + std::to_string(q.offset + q.limit) +
                       "&limit=" + std::to_string(q.limit);
    if (q.period.from_day) next += "&from=" + analytics::format_day(*q.period.from_day);
    if (q.period.to_day) next += "&to=" + analytics::format_day(*q.period.to_day);
    r.with_header("Link", "<" + next + ">; rel=\"next\"");
  }
  return r;
}

}  // namespace

void register_routes(http::Router& router, OpenDataService& svc) {
  auto bind = [&svc](Result<Response> (*fn)(OpenDataService&, RequestContext&)) {
    return [&svc, fn](RequestContext& ctx) { return fn(svc, ctx); };
  };
  const auto pub = Access::public_access();
  router.add({Method::kGet, "/api/v1/open/stats", pub, bind(stats)});
  router.add(
      {Method::kGet, "/api/v1/open/datasets", pub,
       [&svc](RequestContext&) -> Result<Response> { return Response::json(svc.catalog()); }});
  router.add({Method::kGet, "/api/v1/open/datasets/{id}", pub, bind(dataset)});
}

}  // namespace civicgrid::opendata
