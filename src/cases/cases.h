// The case workflow's public interface (接诉即办 closed loop). Other modules and the app use
// CaseService; nobody else reads the module's tables.
//
// Tables owned: categories, routing_rules, time_limits, cases, case_participants, case_events.
// Thread-safe: one CaseService serves all request threads.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "cases/case.h"
#include "cases/case_rules.h"
#include "cases/catalog.h"
#include "cases/grid_locator.h"
#include "core/error.h"
#include "core/time.h"
#include "core/work_calendar.h"
#include "identity/identity.h"
#include "store/database.h"
#include "store/migration.h"
#include "text/text.h"

namespace civicgrid::cases {

store::MigrationSet migrations();

struct AppealInput {
  AppealType type = AppealType::kComplaint;
  std::string title;
  std::string description;
  std::string category;
  Urgency urgency = Urgency::kNormal;
  std::optional<Location> location;
  std::string address;
  std::string grid;
  std::string contact_name;
  std::string contact_phone;
  Channel channel = Channel::kWeb;
  bool anonymous = false;
};

// Validates an intake body (POST /api/v1/appeals, import lines). Field errors name the field.
Result<AppealInput> parse_appeal(const boost::json::object& body);

struct Submitted {
  std::int64_t id = 0;
  std::string tracking_code;
  Status status = Status::kSubmitted;
  Timestamp deadline_at = 0;
  std::string grid;
};

struct CaseFilter {
  std::optional<Status> status;
  std::optional<std::string> category;    // any level: matches the category and its descendants
  std::optional<std::string> area;        // any area: the unit and everything below it
  std::optional<std::string> department;  // the current lead department
  std::optional<bool> overdue;
  std::optional<bool> supervised;        // true: supervised (督办) at least once; false: never
  std::optional<std::string> text;        // in title or description
  std::optional<Timestamp> from;          // created_at ≥ from
  std::optional<Timestamp> to;            // created_at < to
  std::optional<std::int64_t> cursor;     // ids below this (newest first)
  int limit = 50;
};

struct CasePage {
  std::vector<Case> cases;
  std::optional<std::int64_t> next_cursor;
};

struct CaseDetail {
  Case c;
  std::vector<CaseEvent> events;
};

// Public listing (Open311 GeoReport, open data). No data scope applies: every case matching the
// filter is returned, so callers must publish only fields without personal data (never contact_name,
// contact_phone or submitted_by). Newest first (created_at, then id).
struct PublicCaseFilter {
  std::vector<std::int64_t> ids;                 // non-empty: only these cases
  std::vector<std::string> categories;           // non-empty: only these exact category codes
  std::vector<std::string> exclude_categories;   // never these (non-public categories)
  bool require_category = true;                  // cases not yet categorised are left out
  std::optional<bool> open;                      // true: is_open(status); false: terminal states
  std::optional<Timestamp> created_from;         // created_at >= created_from
  std::optional<Timestamp> created_to;           // created_at < created_to
  std::optional<Timestamp> updated_after;        // updated_at > updated_after
  std::optional<Timestamp> updated_before;       // updated_at < updated_before
  std::int64_t offset = 0;
  int limit = 1000;                              // clamped to 1..1000
  bool with_events = false;                      // fill CaseDetail::events (one extra query)
};

// A timeline event with what a public feed needs from its case.
struct PublicCaseEvent {
  CaseEvent event;
  std::string category;
  std::string reply;  // the case's current reply to the resident (mask before publishing)
};

struct PublicEventFilter {
  Timestamp from = 0;  // at >= from
  Timestamp to = 0;    // at < to
  std::vector<std::string> exclude_categories;
  std::vector<Action> exclude_actions;  // e.g. kSubmit: the report itself is no update
  int limit = 1000;                     // clamped to 1..1000; oldest first
};

// Runs inside intake's write transaction after the case and its first event are inserted, so data
// another module keeps about the new case commits (or rolls back) together with it.
using SubmitHook = std::function<Result<void>(store::Session&, std::int64_t case_id)>;

// Told about a case after a transaction that changed it has committed (submit, act, evaluate, the
// overdue sweep, the history import): its new state and events of it known to the caller, oldest
// first (at least those written by that transaction). Called on the committing thread, outside any
// lock of this module; listeners must be quick and must not call back into CaseService writes.
using ChangeListener = std::function<void(const Case&, std::span<const CaseEvent>)>;

class SimilarCases;  // similar_cases.h

class CaseService {
 public:
  CaseService(store::Database& db, const Clock& clock, const WorkCalendar& calendar,
              identity::IdentityService& identity, audit::AuditLog& audit);

  // Loads the catalog (categories, rules, limits) and the grid polygons. Call after migrations.
  Result<void> load();
  std::shared_ptr<const Catalog> catalog() const;
  // Rebuilds the grid index from the organisation tree (after units change).
  void refresh_grids();

  // --- intake: the appeal is durably committed, with its audit entry, before this returns.
  Result<Submitted> submit(const AppealInput& in, const Principal& who, const audit::Entry& audit_entry);
  // As submit(), and `also` runs in the same transaction (its failure rolls the appeal back).
  Result<Submitted> submit(const AppealInput& in, const Principal& who,
                           const audit::Entry& audit_entry, const SubmitHook& also);

  // --- staff
  Result<CasePage> list(const CaseFilter& f, const Principal& who);
  // kNotFound when the case does not exist or lies outside the caller's scope.
  Result<CaseDetail> get(std::int64_t id, const Principal& who);
  // kConflict when expected_version is given and differs from the stored version.
  Result<CaseDetail> act(std::int64_t id, Action action, const boost::json::object& body,
                         const Principal& who, std::optional<std::int64_t> expected_version,
                         const audit::Entry& audit_entry);
  std::optional<DispatchSuggestion> suggest_dispatch(const Case& c) const;

  // --- category suggestions from the text classifier. The app sets the suggester once, before
  // serving requests; without one, suggest_category() gives nullopt.
  void set_category_suggester(text::CategorySuggester suggester) {
    suggester_ = std::move(suggester);
  }
  std::optional<text::CategorySuggestion> suggest_category(std::string_view title,
                                                           std::string_view description) const;
  std::vector<Action> allowed_actions(const Case& c, const Principal& who) const;

  // --- similar open cases (possible duplicates). The app sets the index once, before serving
  // requests; without one, case details and intake responses carry no "similar" list.
  void set_similar_cases(const SimilarCases* similar) { similar_ = similar; }
  const SimilarCases* similar_cases() const { return similar_; }
  // The cases with these ids that `who` may read (as get() decides), in the order given; ids that
  // do not exist or lie outside the scope are left out.
  Result<std::vector<Case>> get_visible(std::span<const std::int64_t> ids, const Principal& who);

  // --- residents (by tracking code)
  Result<CaseDetail> track(std::string_view tracking_code);
  Result<CaseDetail> evaluate(std::string_view tracking_code, const boost::json::object& body,
                              const audit::Entry& audit_entry);

  // --- public views (see PublicCaseFilter): no scope, no personal data may be published from them.
  Result<std::vector<CaseDetail>> list_public(const PublicCaseFilter& f);
  // The case with its events; kNotFound when it does not exist.
  Result<CaseDetail> get_public(std::int64_t id);
  Result<std::vector<PublicCaseEvent>> list_public_events(const PublicEventFilter& f);

  // --- time limits: marks open cases past their deadline as overdue with an automatic supervision.
  // Returns how many cases became overdue.
  Result<int> sweep_overdue();

  // --- change notification (see ChangeListener). Register listeners before serving requests.
  void on_change(ChangeListener listener);
  // For use cases of this module: tells every listener (after the commit).
  void notify_changed(const Case& c, std::span<const CaseEvent> events) const;
  // Re-reads case `id` with all its events and tells every listener, as if this process had
  // changed it: for changes committed by another process on the same store (several servers over
  // PostgreSQL). kNotFound when the case does not exist.
  Result<void> notify_external_change(std::int64_t id) const;
  // Every case in id order with its participants and its events whose action is in `with_events`
  // (none when empty), read in pages of read snapshots; for rebuilding derived in-memory views.
  // Free texts and personal data are not loaded (title, description, address, contact, reply,
  // extension reason and evaluation comment are empty; result is "-" when the case has one).
  // Events carry only case id, time, action, actor, and the body (data) of accept and verify.
  Result<std::int64_t> scan(std::span<const Action> with_events, const ChangeListener& visit);
  // The same for the cases a snapshot of a derived view may have missed: those with an id above
  // `after_id` or updated at or after `updated_since` (each with all its events in
  // `with_events`, so a view that keeps the newest version of a case may see one twice). Reads
  // the primary store even with a scan source set. Returns how many cases it visited.
  Result<std::int64_t> scan_changed(std::int64_t after_id, Timestamp updated_since,
                                    std::span<const Action> with_events,
                                    const ChangeListener& visit);
  // How many cases the store holds (primary).
  Result<std::int64_t> count();
  // Where scan() reads: a read replica (it must outlive this service), or nullptr for the store.
  void set_scan_source(store::Database* replica) { scan_db_ = replica; }

  // --- configuration
  Result<void> put_categories(const std::vector<Category>& categories);
  Result<void> put_routing_rules(const std::vector<RoutingRule>& rules);
  Result<void> put_time_limits(const std::vector<TimeLimit>& limits);

  identity::DataScope scope_of(const Principal& who) const { return identity_.scope_of(who); }
  const WorkCalendar& calendar() const { return calendar_; }
  std::shared_ptr<const identity::OrgTree> org_tree() const { return identity_.org_tree(); }
  store::Database& db() { return db_; }
  // For use cases of this module that write their own audit entries (the history import).
  audit::AuditLog& audit_log() { return audit_; }
  const Clock& clock() const { return clock_; }
  RuleContext rule_context(store::Session& s, const identity::OrgTree& tree,
                           const Catalog& catalog) const;

 private:
  Result<void> reload_catalog();
  Actor actor_for(const Principal& who) const;
  bool visible(const Case& c, const Principal& who, const identity::DataScope& scope) const;

  store::Database& db_;
  const Clock& clock_;
  const WorkCalendar& calendar_;
  identity::IdentityService& identity_;
  audit::AuditLog& audit_;
  mutable std::mutex mu_;
  std::shared_ptr<const Catalog> catalog_;
  std::shared_ptr<const GridLocator> grids_;
  text::CategorySuggester suggester_;
  std::vector<ChangeListener> listeners_;
  const SimilarCases* similar_ = nullptr;
  store::Database* scan_db_ = nullptr;
};

}  // namespace civicgrid::cases
