// Service requests: POST through the cases module's intake, reads through its public listing.
#include <boost/json.hpp>
#include <unordered_map>

#include "open311/open311.h"
#include "open311/queries.h"
#include "open311/request_params.h"

namespace civicgrid::open311 {

namespace json = boost::json;

namespace {

// "($1, $2, ..., $n)".
std::string placeholders(size_t n) {
  std::string out = "(";
  for (size_t i = 1; i <= n; ++i) out += (i > 1 ? ", $" : "$") + std::to_string(i);
  return out + ")";
}

std::vector<std::string> strings_from(const std::string& text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& s : v.get_array())
    if (s.is_string()) out.emplace_back(s.get_string());
  return out;
}

std::string strings_json(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return json::serialize(a);
}

Error not_found_request(std::int64_t id) {
  return Error::not_found("诉求不存在：" + std::to_string(id),
                          "service_request_id " + std::to_string(id) + " not found");
}

}  // namespace

Result<Principal> Open311Service::authorize_client(const std::optional<std::string>& api_key,
                                                   const Principal& from_header,
                                                   std::string_view operation) {
  const std::string op(operation);
  Principal who = from_header;
  if (api_key) {
    auto p = identity_.authenticate("", *api_key);
    if (!p)
      return fail(Error::forbidden("api_key 无效，无法继续（" + op + "）",
                                   "Invalid api_key received -- can't proceed with " + op + "."));
    who = std::move(*p);
  }
  if (who.kind != Principal::Kind::kApiKey)
    return fail(Error::forbidden("缺少 api_key，无法继续（" + op + "）",
                                 "api_key is required -- can't proceed with " + op + "."));
  if (!who.has_scope(kScope))
    return fail(
        Error::forbidden("该 api_key 无 open311 权限（" + op + "）",
                         "This api_key has no open311 scope -- can't proceed with " + op + "."));
  return who;
}

Result<CreatedRequest> Open311Service::submit(const NewRequest& r, const Principal& client,
                                              const audit::Entry& audit_entry) {
  const std::string& code = r.appeal.category;
  if (auto s = service(code); !s) return fail(s.error());
  auto defs = attributes(code);
  if (!defs) return fail(defs.error());
  auto answers = validate_answers(*defs, r.attributes);
  if (!answers) return fail(answers.error());
  const Timestamp now = clock_.now();
  // What the client sent beyond the case commits in the same transaction as the case.
  auto also = [&](store::Session& s, std::int64_t id) -> Result<void> {
    auto ok = s.execute(queries::kInsertRequest, {id, client.name, r.address_id, r.device_id,
                                                  r.account_id, strings_json(r.media_urls), now});
    if (!ok) return fail(ok.error());
    for (const auto& a : *answers)
      for (size_t i = 0; i < a.values.size(); ++i)
        if (auto ins = s.execute(queries::kInsertAnswer,
                                 {id, a.code, static_cast<std::int64_t>(i), a.values[i]});
            !ins)
          return fail(ins.error());
    return {};
  };
  auto sub = cases_.submit(r.appeal, client, audit_entry, also);
  if (!sub) return fail(sub.error());
  return CreatedRequest{sub->id, sub->tracking_code, sub->deadline_at};
}

Result<void> Open311Service::fill_extras(std::vector<RequestRecord>& records, bool details) {
  if (records.empty()) return {};
  std::vector<std::int64_t> ids;
  std::unordered_map<std::int64_t, RequestRecord*> by_id;
  for (auto& r : records) {
    ids.push_back(r.c.id);
    by_id[r.c.id] = &r;
  }
  return db_.read([&](store::Session& s) -> Result<void> {
    // The three queries share one parameter list: the ids.
    const std::vector<store::Value> params(ids.begin(), ids.end());
    const std::string in = placeholders(ids.size());
    auto rows = s.query(queries::kRequestsOfPrefix + in, std::span<const store::Value>(params));
    if (!rows) return fail(rows.error());
    for (const auto& row : rows->rows) {
      RequestRecord* r = by_id.at(row.i64(0));
      r->address_id = row.str(1);
      r->media_urls = strings_from(row.str(2));
    }
    if (!details) return {};
    auto answers = s.query(queries::kAnswersOfPrefix + in + queries::kAnswersOfSuffix,
                           std::span<const store::Value>(params));
    if (!answers) return fail(answers.error());
    for (const auto& row : answers->rows) {
      auto& list = by_id.at(row.i64(0))->answers;
      if (list.empty() || list.back().code != row.str(1)) list.push_back({row.str(1), {}});
      list.back().values.push_back(row.str(2));
    }
    auto updates = s.query(queries::kUpdatesOfPrefix + in + queries::kUpdatesOfSuffix,
                           std::span<const store::Value>(params));
    if (!updates) return fail(updates.error());
    for (const auto& row : updates->rows)
      by_id.at(row.i64(1))
          ->updates.push_back(
              {row.i64(0), row.i64(1), row.str(2), row.str(3), row.str(4), row.str(5), row.i64(6)});
    return {};
  });
}

Result<std::vector<RequestRecord>> Open311Service::list(const RequestQuery& q) {
  cases::PublicCaseFilter f;
  f.exclude_categories = unpublished();
  f.with_events = q.extensions;
  if (q.ids) {
    if (q.ids->empty()) return std::vector<RequestRecord>{};
    f.ids = *q.ids;
    f.limit = kMaxRequests;
  } else {
    f.categories = q.service_codes;
    f.open = q.open;
    f.created_from = q.start;
    f.created_to = q.end;
    f.updated_after = q.updated_after;
    f.updated_before = q.updated_before;
    f.offset = q.offset;
    f.limit = q.limit;
  }
  auto cases = cases_.list_public(f);
  if (!cases) return fail(cases.error());
  std::vector<RequestRecord> out;
  out.reserve(cases->size());
  for (auto& d : *cases) {
    RequestRecord r;
    r.c = std::move(d.c);
    r.events = std::move(d.events);
    out.push_back(std::move(r));
  }
  if (auto ok = fill_extras(out, q.extensions); !ok) return fail(ok.error());
  return out;
}

Result<RequestRecord> Open311Service::get(std::int64_t id) {
  auto d = cases_.get_public(id);
  if (!d) return fail(d.error().code() == ErrorCode::kNotFound ? not_found_request(id) : d.error());
  if (!published(d->c.category)) return fail(not_found_request(id));
  std::vector<RequestRecord> one(1);
  one[0].c = std::move(d->c);
  one[0].events = std::move(d->events);
  if (auto ok = fill_extras(one, true); !ok) return fail(ok.error());
  return std::move(one[0]);
}

Result<std::int64_t> Open311Service::token(std::string_view token) {
  auto unknown = [&] {
    return Error::not_found("token 不存在：" + std::string(token),
                            "token " + std::string(token) + " not found");
  };
  auto d = cases_.track(token);
  if (!d) return fail(d.error().code() == ErrorCode::kNotFound ? unknown() : d.error());
  if (!published(d->c.category)) return fail(unknown());
  return d->c.id;
}

}  // namespace civicgrid::open311
