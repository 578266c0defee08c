// Named SQL for the case module's tables. Nothing outside src/cases touches them.
#pragma once

namespace civicgrid::cases::queries {

inline constexpr const char* kCaseColumns =
    "id, tracking_code, COALESCE(external_id, ''), type, channel, urgency, title, description, "
    "category, lat, lon, address, area, grid, contact_name, contact_phone, anonymous, submitted_by, "
    "status, lead, created_at, updated_at, deadline_at, closed_at, overdue, supervisions, reworks, "
    "returns, extension_days_pending, extension_reason, result, reply, merged_into, eval_resolved, "
    "eval_satisfaction, eval_comment, evaluated_at, version";

// kCaseColumns without free texts, personal data and identifiers other than the id, for scans that
// rebuild derived views: those columns read as '' (location as NULL) except result, which reads as
// '-' when the case has one. Every column read costs: a rebuild reads millions of rows.
inline constexpr const char* kCaseColumnsLean =
    "id, '', '', type, channel, urgency, '', '', "
    "category, NULL, NULL, '', area, grid, '', '', anonymous, '', "
    "status, lead, created_at, updated_at, deadline_at, closed_at, overdue, supervisions, reworks, "
    "returns, extension_days_pending, '', CASE WHEN result = '' THEN '' ELSE '-' END, '', "
    "merged_into, eval_resolved, eval_satisfaction, '', evaluated_at, version";
// Events for scans: case, time, action, actor, and the body only of the actions whose body carries
// a workflow fact (accept: contacted; verify: ok) — the bodies are most of an event's bytes.
inline constexpr const char* kEventColumnsLean =
    "case_id, at, action, actor, CASE WHEN action IN ('accept', 'verify') THEN data ELSE '' END";
// Cases a snapshot of a derived view may have missed: created after it, or updated since a time.
inline constexpr const char* kCaseIdsAfter = "SELECT id FROM cases WHERE id > $1 ORDER BY id";
inline constexpr const char* kCaseIdsUpdatedSince =
    "SELECT id FROM cases WHERE updated_at >= $1 ORDER BY id";
// Completed with an IN list of case ids and " ORDER BY case_id, seq".
inline constexpr const char* kParticipantsOfCasesWhere =
    "SELECT case_id, unit, role, assigned_at, due_at, accepted_at, active FROM case_participants "
    "WHERE ";

inline constexpr const char* kInsertCase =
    "INSERT INTO cases (tracking_code, external_id, type, channel, urgency, title, description, "
    "category, lat, lon, address, area, grid, contact_name, contact_phone, anonymous, submitted_by, "
    "status, lead, created_at, updated_at, deadline_at, closed_at, overdue, supervisions, reworks, "
    "returns, extension_days_pending, extension_reason, result, reply, merged_into, eval_resolved, "
    "eval_satisfaction, eval_comment, evaluated_at, version) VALUES ($1, NULLIF($2, ''), $3, $4, $5, "
    "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, "
    "$26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, 1) RETURNING id";

// Optimistic concurrency: the update only applies to the version that was read.
inline constexpr const char* kUpdateCase =
    "UPDATE cases SET category = $3, status = $4, lead = $5, updated_at = $6, deadline_at = $7, "
    "closed_at = $8, overdue = $9, supervisions = $10, reworks = $11, returns = $12, "
    "extension_days_pending = $13, extension_reason = $14, result = $15, reply = $16, "
    "merged_into = $17, eval_resolved = $18, eval_satisfaction = $19, eval_comment = $20, "
    "evaluated_at = $21, version = version + 1 WHERE id = $1 AND version = $2";

inline constexpr const char* kCaseStatus = "SELECT status FROM cases WHERE id = $1";

inline constexpr const char* kParticipants =
    "SELECT unit, role, assigned_at, due_at, accepted_at, active FROM case_participants "
    "WHERE case_id = $1 ORDER BY seq";
inline constexpr const char* kParticipantsInRange =
    "SELECT case_id, unit, role, assigned_at, due_at, accepted_at, active FROM case_participants "
    "WHERE case_id >= $1 AND case_id <= $2 ORDER BY case_id, seq";
// PostgreSQL only: holds the case row until the write transaction ends.
inline constexpr const char* kLockCasePg = "SELECT id FROM cases WHERE id = $1 FOR UPDATE";
inline constexpr const char* kDeleteParticipants = "DELETE FROM case_participants WHERE case_id = $1";
inline constexpr const char* kInsertParticipant =
    "INSERT INTO case_participants (case_id, unit, role, assigned_at, due_at, accepted_at, active, seq) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

inline constexpr const char* kInsertEvent =
    "INSERT INTO case_events (case_id, at, action, actor, actor_unit, from_status, to_status, data) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
inline constexpr const char* kEvents =
    "SELECT id, case_id, at, action, actor, actor_unit, from_status, to_status, data FROM case_events "
    "WHERE case_id = $1 ORDER BY id";

// History import: cases already stored under the other system's ids. The IN form is completed with
// "$1, $2, ...)" for a whole batch.
inline constexpr const char* kCaseIdByExternalId = "SELECT id FROM cases WHERE external_id = $1";
inline constexpr const char* kCasesByExternalIdIn =
    "SELECT id, external_id FROM cases WHERE external_id IN (";

// Open cases past their deadline that are not yet flagged.
inline constexpr const char* kDueForOverdue =
    "SELECT id FROM cases WHERE overdue = 0 AND closed_at = 0 AND deadline_at < $1 "
    "AND status NOT IN ('closed', 'rejected', 'merged') ORDER BY deadline_at LIMIT 500";

// Open cases after an id, in id order, with what the similar-cases index compares (similar_cases.cpp).
inline constexpr const char* kOpenCaseTexts =
    "SELECT id, title, description, lat, lon, created_at FROM cases WHERE id > $1 "
    "AND status NOT IN ('closed', 'rejected', 'merged') ORDER BY id LIMIT $2";

// Public listings (assembled with bound parameters in case_store.cpp).
inline constexpr const char* kEventColumns =
    "id, case_id, at, action, actor, actor_unit, from_status, to_status, data";
inline constexpr const char* kPublicEventColumns =
    "e.id, e.case_id, e.at, e.action, e.actor, e.actor_unit, e.from_status, e.to_status, e.data, "
    "c.category, c.reply";

inline constexpr const char* kCategories =
    "SELECT code, name, name_en, COALESCE(parent_code, ''), level, is_public FROM categories ORDER BY code";
inline constexpr const char* kUpsertCategory =
    "INSERT INTO categories (code, name, name_en, parent_code, level, is_public) "
    "VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6) ON CONFLICT (code) DO UPDATE SET name = excluded.name, "
    "name_en = excluded.name_en, is_public = excluded.is_public";
inline constexpr const char* kRoutingRules =
    "SELECT category_code, area_code, lead_unit, co_units FROM routing_rules ORDER BY id";
// PostgreSQL only: replacing a whole table takes turns (writers run READ COMMITTED there, so two
// replacements side by side would each delete only the rows they saw and keep both new sets).
inline constexpr const char* kLockRoutingRulesPg =
    "LOCK TABLE routing_rules IN SHARE ROW EXCLUSIVE MODE";
inline constexpr const char* kLockTimeLimitsPg = "LOCK TABLE time_limits IN SHARE ROW EXCLUSIVE MODE";
inline constexpr const char* kDeleteRoutingRules = "DELETE FROM routing_rules";
inline constexpr const char* kInsertRoutingRule =
    "INSERT INTO routing_rules (category_code, area_code, lead_unit, co_units) VALUES ($1, $2, $3, $4)";
inline constexpr const char* kTimeLimits =
    "SELECT category_code, urgency, accept_working_minutes, accept_natural_minutes, "
    "handle_working_days, handle_natural_minutes FROM time_limits ORDER BY id";
inline constexpr const char* kDeleteTimeLimits = "DELETE FROM time_limits";
inline constexpr const char* kInsertTimeLimit =
    "INSERT INTO time_limits (category_code, urgency, accept_working_minutes, accept_natural_minutes, "
    "handle_working_days, handle_natural_minutes) VALUES ($1, $2, $3, $4, $5, $6)";

// Bulk load (bulk_load.cpp, SQLite only): the heads of multi-row inserts with explicit ids, the
// tuples are appended there; the secondary indexes to drop and create again.
inline constexpr const char* kCountCases = "SELECT count(*) FROM cases";
inline constexpr const char* kBulkInsertCases =
    "INSERT INTO cases (id, tracking_code, external_id, type, channel, urgency, title, description, "
    "category, lat, lon, address, area, grid, contact_name, contact_phone, anonymous, submitted_by, "
    "status, lead, created_at, updated_at, deadline_at, closed_at, overdue, supervisions, reworks, "
    "returns, extension_days_pending, extension_reason, result, reply, merged_into, eval_resolved, "
    "eval_satisfaction, eval_comment, evaluated_at, version) VALUES ";
inline constexpr const char* kBulkInsertParticipants =
    "INSERT INTO case_participants (case_id, unit, role, assigned_at, due_at, accepted_at, active, "
    "seq) VALUES ";
inline constexpr const char* kBulkInsertEvents =
    "INSERT INTO case_events (id, case_id, at, action, actor, actor_unit, from_status, to_status, "
    "data) VALUES ";

}  // namespace civicgrid::cases::queries
