// Reading and writing cases, their participants and events inside a store session. Internal to the
// cases module: the service and the history import call it within their transactions.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cases/case.h"
#include "cases/cases.h"
#include "core/error.h"
#include "store/database.h"

namespace civicgrid::cases::case_store {

// Inserts a new case with its participants; returns its id (also set on `c`).
Result<std::int64_t> insert(store::Session& s, Case& c);
// Writes the mutable fields and participants; kConflict when the stored version is not c.version.
// On success c.version is incremented.
Result<void> update(store::Session& s, Case& c);
Result<void> insert_event(store::Session& s, const CaseEvent& e);
// Multi-row inserts for the history import (case_store_bulk.cpp). insert_many sets each case's id
// and writes its participants as insert() does; events get ids in the order given.
Result<void> insert_many(store::Session& s, std::span<Case* const> cases);
Result<void> insert_events(store::Session& s, std::span<const CaseEvent> events);

// kNotFound when absent.
Result<Case> load(store::Session& s, std::int64_t id);
// load() for a write transaction that will update the case: on PostgreSQL, whose writers run
// READ COMMITTED side by side, it first locks the row, so a concurrent change of the case commits
// before this one reads it instead of turning the versioned update into a conflict.
Result<Case> load_for_update(store::Session& s, std::int64_t id);
Result<Case> load_by_tracking_code(store::Session& s, std::string_view code);
Result<std::vector<CaseEvent>> events(store::Session& s, std::int64_t case_id);
Result<Status> status_of(store::Session& s, std::int64_t id);

// A page of cases (newest first), restricted to the given areas/departments unless `all`.
Result<CasePage> list(store::Session& s, const CaseFilter& f, const identity::DataScope& scope,
                      const std::vector<std::string>& category_codes,
                      const std::vector<std::string>& area_codes, Timestamp now);

// Public listing without data scope (see PublicCaseFilter); events are not loaded here.
Result<std::vector<Case>> list_public(store::Session& s, const PublicCaseFilter& f);
// Events of several cases, by case id then event id.
Result<std::vector<CaseEvent>> events_of(store::Session& s,
                                         const std::vector<std::int64_t>& case_ids);
Result<std::vector<PublicCaseEvent>> list_public_events(store::Session& s,
                                                        const PublicEventFilter& f);

// Cases with id > after_id in id order (at most `limit`), with their participants but without free
// texts and personal data (kCaseColumnsLean: result is "-" when the case has one); and the events
// of those cases whose action is one of `actions`, by case id then event id, lean
// (kEventColumnsLean: case id, time, action, actor, and the body of accept and verify only).
Result<std::vector<Case>> scan_page(store::Session& s, std::int64_t after_id, int limit);
Result<std::vector<CaseEvent>> scan_events(store::Session& s, std::int64_t first_id,
                                           std::int64_t last_id, std::span<const Action> actions);
// The same for the cases with the given ids (ascending): lean cases and their events.
Result<std::vector<Case>> scan_cases(store::Session& s, std::span<const std::int64_t> ids);
Result<std::vector<CaseEvent>> scan_events_of(store::Session& s,
                                              std::span<const std::int64_t> ids,
                                              std::span<const Action> actions);
// Ids of the cases with an id above `after_id` or updated at or after `updated_since`, ascending.
Result<std::vector<std::int64_t>> changed_case_ids(store::Session& s, std::int64_t after_id,
                                                   Timestamp updated_since);
Result<std::int64_t> count_cases(store::Session& s);

Result<std::vector<std::int64_t>> due_for_overdue(store::Session& s, Timestamp now);

}  // namespace civicgrid::cases::case_store
