// Residents' side: follow a case by its tracking code, and evaluate it once it is closed.
#include "cases/case_store.h"
#include "cases/cases.h"
#include "cases/tracking_code.h"

namespace civicgrid::cases {

namespace {

Error no_such_code() {
  return Error::not_found("查询码不存在，请核对后重试", "no appeal has this tracking code");
}

}  // namespace

Result<CaseDetail> CaseService::track(std::string_view tracking_code) {
  auto code = normalize_tracking_code(tracking_code);
  if (!code) return fail(no_such_code());
  return db_.read([&](store::Session& s) -> Result<CaseDetail> {
    auto c = case_store::load_by_tracking_code(s, *code);
    if (!c) return fail(c.error().code() == ErrorCode::kNotFound ? no_such_code() : c.error());
    auto ev = case_store::events(s, c->id);
    if (!ev) return fail(ev.error());
    return CaseDetail{std::move(*c), std::move(*ev)};
  });
}

Result<CaseDetail> CaseService::evaluate(std::string_view tracking_code, const boost::json::object& body,
                                         const audit::Entry& audit_entry) {
  auto code = normalize_tracking_code(tracking_code);
  if (!code) return fail(no_such_code());
  auto tree = identity_.org_tree();
  auto cat = catalog();
  Actor resident;  // whoever holds the code; the relation kResident needs no role
  resident.principal.kind = Principal::Kind::kAnonymous;
  auto done = db_.write([&](store::Session& s) -> Result<CaseDetail> {
    auto c = case_store::load_by_tracking_code(s, *code);
    if (!c) return fail(c.error().code() == ErrorCode::kNotFound ? no_such_code() : c.error());
    if (s.dialect() == store::Dialect::kPostgres) {
      c = case_store::load_for_update(s, c->id);  // the row as it is once no one else holds it
      if (!c) return fail(c.error());
    }
    auto ev = apply(*c, Action::kEvaluate, body, resident, clock_.now(), rule_context(s, *tree, *cat));
    if (!ev) return fail(ev.error());
    ev->actor = "resident";
    if (auto ok = case_store::update(s, *c); !ok) return fail(ok.error());
    if (auto ok = case_store::insert_event(s, *ev); !ok) return fail(ok.error());
    audit::Entry a = audit_entry;
    a.action = "case.evaluate";
    a.target_type = "case";
    a.target_id = std::to_string(c->id);
    auto events = case_store::events(s, c->id);
    if (!events) return fail(events.error());
    // Last: on SQLite the audit head is then held only until the commit (PostgreSQL appends
    // unchained entries and touches no shared row).
    if (auto ok = audit_.append(s, a); !ok) return fail(ok.error());
    return CaseDetail{std::move(*c), std::move(*events)};
  });
  if (done) notify_changed(done->c, done->events);
  return done;
}

}  // namespace civicgrid::cases
