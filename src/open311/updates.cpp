// The mySociety update extension: GET servicerequestupdates publishes the public timeline of
// requests; POST servicerequestupdates stores a client's comment on a request (FixMyStreet pushes
// its users' updates this way). A pushed update changes no case state: the closed loop stays with
// the staff, who see the comment beside the case.
#include <boost/json.hpp>

#include "open311/open311.h"
#include "open311/queries.h"

namespace civicgrid::open311 {

namespace json = boost::json;

Result<std::vector<cases::PublicCaseEvent>> Open311Service::updates(Timestamp from, Timestamp to) {
  cases::PublicEventFilter f;
  f.from = from;
  f.to = to;
  f.exclude_categories = unpublished();
  f.exclude_actions = {cases::Action::kSubmit};  // the report itself is not an update of it
  f.limit = 1000;
  return cases_.list_public_events(f);
}

Result<std::int64_t> Open311Service::post_update(const NewClientUpdate& u, const Principal& client,
                                                 const audit::Entry& audit_entry) {
  if (auto r = get(u.case_id); !r) return fail(r.error());
  json::array media;
  for (const auto& m : u.media_urls) media.emplace_back(m);
  return db_.write([&](store::Session& s) -> Result<std::int64_t> {
    // A retried POST (same client, same update_id) answers with the update it created before.
    auto existing = s.query(queries::kFindUpdate, {client.name, u.external_id});
    if (!existing) return fail(existing.error());
    if (!existing->rows.empty()) {
      if (existing->rows[0].i64(1) != u.case_id)
        return fail(Error::invalid("update_id", "update_id 已用于另一诉求",
                                   "update_id was already used for another request"));
      return existing->rows[0].i64(0);
    }
    auto id = s.query(queries::kInsertUpdate,
                      {u.case_id, client.name, u.external_id, u.status, u.description,
                       json::serialize(media), u.updated_at, clock_.now()});
    if (!id) return fail(id.error());
    const std::int64_t update_id = id->rows.at(0).i64(0);
    audit::Entry a = audit_entry;
    a.target_type = "case";
    a.target_id = std::to_string(u.case_id);
    a.detail = json::serialize(json::object{{"open311_update", update_id}, {"status", u.status}});
    if (auto ok = audit_.append(s, a); !ok) return fail(ok.error());
    return update_id;
  });
}

}  // namespace civicgrid::open311
