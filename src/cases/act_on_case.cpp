// Staff actions on a case and the time-limit sweep: load, apply the rules, store the case and its
// event (and the audit entry) in one transaction, with optimistic concurrency on the case version.
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include "cases/case_store.h"
#include "cases/cases.h"

namespace civicgrid::cases {

namespace json = boost::json;

Result<CaseDetail> CaseService::act(std::int64_t id, Action action, const json::object& body,
                                    const Principal& who, std::optional<std::int64_t> expected_version,
                                    const audit::Entry& audit_entry) {
  const Actor actor = actor_for(who);
  auto tree = identity_.org_tree();
  auto cat = catalog();
  auto done = db_.write([&](store::Session& s) -> Result<CaseDetail> {
    auto c = case_store::load_for_update(s, id);
    if (!c) return fail(c.error());
    if (!visible(*c, who, actor.scope)) return fail(Error::not_found("案件不存在", "no such case"));
    if (expected_version && *expected_version != c->version) {
      Error e = Error::conflict("案件已被他人修改，请刷新后重试", "the case was changed by someone else; reload it",
                                "version");
      e.with_extra("version", c->version);
      e.with_extra("state", json::string(name(c->status)));
      return fail(std::move(e));
    }
    auto ev = apply(*c, action, body, actor, clock_.now(), rule_context(s, *tree, *cat));
    if (!ev) return fail(ev.error());
    if (auto ok = case_store::update(s, *c); !ok) return fail(ok.error());
    if (auto ok = case_store::insert_event(s, *ev); !ok) return fail(ok.error());
    if (action == Action::kMerge) {
      // The target's timeline records what was merged into it.
      CaseEvent note = *ev;
      note.case_id = c->merged_into;
      note.data = json::serialize(json::object{{"merged_case", c->id}});
      auto target = case_store::status_of(s, c->merged_into);
      if (!target) return fail(target.error());
      note.from = note.to = *target;
      if (auto ok = case_store::insert_event(s, note); !ok) return fail(ok.error());
    }
    audit::Entry a = audit_entry;
    a.action = "case." + std::string(name(action));
    a.target_type = "case";
    a.target_id = std::to_string(id);
    auto events = case_store::events(s, id);
    if (!events) return fail(events.error());
    // Last: on SQLite the audit head is then held only until the commit (PostgreSQL appends
    // unchained entries and touches no shared row).
    if (auto ok = audit_.append(s, a); !ok) return fail(ok.error());
    return CaseDetail{std::move(*c), std::move(*events)};
  });
  if (done) notify_changed(done->c, done->events);
  return done;
}

Result<int> CaseService::sweep_overdue() {
  auto tree = identity_.org_tree();
  auto cat = catalog();
  Actor system;
  system.system = true;
  int flagged = 0;
  for (;;) {
    const Timestamp now = clock_.now();
    auto ids = db_.read([&](store::Session& s) { return case_store::due_for_overdue(s, now); });
    if (!ids) return fail(ids.error());
    if (ids->empty()) break;
    const int before = flagged;
    for (std::int64_t id : *ids) {
      Case changed;
      CaseEvent written[2];
      auto r = db_.write([&](store::Session& s) -> Result<bool> {
        auto c = case_store::load_for_update(s, id);
        if (!c) return fail(c.error());
        if (c->overdue || !is_open(c->status) || c->deadline_at >= now) return false;
        const RuleContext ctx = rule_context(s, *tree, *cat);
        auto overdue = apply(*c, Action::kOverdue, {}, system, now, ctx);
        if (!overdue) return fail(overdue.error());
        // An overdue case is supervised automatically (督办).
        auto supervise = apply(*c, Action::kSupervise,
                               json::object{{"note", "超过办理时限，系统自动督办"}}, system, now, ctx);
        if (!supervise) return fail(supervise.error());
        if (auto ok = case_store::update(s, *c); !ok) return fail(ok.error());
        if (auto ok = case_store::insert_event(s, *overdue); !ok) return fail(ok.error());
        if (auto ok = case_store::insert_event(s, *supervise); !ok) return fail(ok.error());
        if (auto ok = audit_.append(s, {"system", "case.overdue", "case", std::to_string(id), "", "", "ok"}); !ok)
          return fail(ok.error());
        changed = std::move(*c);
        written[0] = std::move(*overdue);
        written[1] = std::move(*supervise);
        return true;
      });
      if (!r) {
        spdlog::warn("overdue sweep: case {}: {}", id, r.error().message_en());
        continue;
      }
      if (*r) notify_changed(changed, written);
      flagged += *r;
    }
    // Stop when a full page made no progress (every case in it failed): the next run retries them.
    if (ids->size() < 500 || flagged == before) break;
  }
  return flagged;
}

}  // namespace civicgrid::cases
