// Public reads of cases for feeds such as Open311 GeoReport: no data scope, so the callers publish
// only fields without personal data.
#include <unordered_map>

#include "cases/case_store.h"
#include "cases/cases.h"

namespace civicgrid::cases {

Result<std::vector<CaseDetail>> CaseService::list_public(const PublicCaseFilter& f) {
  return db_.read([&](store::Session& s) -> Result<std::vector<CaseDetail>> {
    auto cases = case_store::list_public(s, f);
    if (!cases) return fail(cases.error());
    std::vector<CaseDetail> out;
    out.reserve(cases->size());
    std::unordered_map<std::int64_t, size_t> index;
    std::vector<std::int64_t> ids;
    for (auto& c : *cases) {
      index[c.id] = out.size();
      ids.push_back(c.id);
      out.push_back(CaseDetail{std::move(c), {}});
    }
    if (f.with_events && !ids.empty()) {
      auto events = case_store::events_of(s, ids);
      if (!events) return fail(events.error());
      for (auto& e : *events) out[index.at(e.case_id)].events.push_back(std::move(e));
    }
    return out;
  });
}

Result<CaseDetail> CaseService::get_public(std::int64_t id) {
  return db_.read([&](store::Session& s) -> Result<CaseDetail> {
    auto c = case_store::load(s, id);
    if (!c) return fail(c.error());
    auto ev = case_store::events(s, id);
    if (!ev) return fail(ev.error());
    return CaseDetail{std::move(*c), std::move(*ev)};
  });
}

Result<std::vector<PublicCaseEvent>> CaseService::list_public_events(const PublicEventFilter& f) {
  return db_.read([&](store::Session& s) { return case_store::list_public_events(s, f); });
}

}  // namespace civicgrid::cases
