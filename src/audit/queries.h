// Named SQL for the audit module's tables (audit_log, audit_head). Nothing else touches them.
#pragma once

namespace civicgrid::audit::queries {

// Advances the head and locks it until the transaction ends (row lock on PostgreSQL, the single
// writer on SQLite).
inline constexpr const char* kAdvanceHead =
    "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash";
inline constexpr const char* kSetHeadHash = "UPDATE audit_head SET hash = $1 WHERE id = 1";
// PostgreSQL: the entry and the new head hash in one round trip, so the head row stays locked for
// as short a time as possible.
inline constexpr const char* kInsertAndSetHeadPg =
    "WITH entry AS (INSERT INTO audit_log (seq, at, actor, action, target_type, target_id, remote, "
    "request_id, outcome, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
    "$11, $12)) UPDATE audit_head SET hash = $12 WHERE id = 1";
inline constexpr const char* kReadHead = "SELECT seq, hash FROM audit_head WHERE id = 1";
inline constexpr const char* kInsert =
    "INSERT INTO audit_log (seq, at, actor, action, target_type, target_id, remote, request_id, "
    "outcome, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";
inline constexpr const char* kScanFrom =
    "SELECT seq, at, actor, action, target_type, target_id, remote, request_id, outcome, detail, "
    "prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2";
inline constexpr const char* kList =
    "SELECT seq, at, actor, action, target_type, target_id, remote, request_id, outcome, detail, "
    "prev_hash, hash FROM audit_log WHERE seq < $1 AND ($2 = '' OR actor = $2) "
    "AND ($3 = '' OR target_type = $3) AND ($4 = '' OR target_id = $4) ORDER BY seq DESC LIMIT $5";

}  // namespace civicgrid::audit::queries
