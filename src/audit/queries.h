// Named SQL for the audit module's tables (audit_log, audit_pending, audit_head). Nothing else
// touches them.
#pragma once

namespace civicgrid::audit::queries {

// ---- SQLite: one writer, so each entry is chained inline.

// Advances the head; the single writer keeps it until the transaction ends.
inline constexpr const char* kAdvanceHead =
    "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash";
inline constexpr const char* kSetHeadHash = "UPDATE audit_head SET hash = $1 WHERE id = 1";
inline constexpr const char* kInsert =
    "INSERT INTO audit_log (seq, at, actor, action, target_type, target_id, remote, request_id, "
    "outcome, detail, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

// ---- PostgreSQL: writers insert unchained entries; the linker chains them after commit.

inline constexpr const char* kInsertPending =
    "INSERT INTO audit_pending (at, actor, action, target_type, target_id, remote, request_id, "
    "outcome, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
// The linker's lock among all processes (transaction-scoped, so a crashed linker frees it). The
// number is arbitrary but fixed and differs from the migrations' lock.
inline constexpr const char* kTryLinkerLock = "SELECT pg_try_advisory_xact_lock(7346201959)";
inline constexpr const char* kWaitLinkerLock = "SELECT pg_advisory_xact_lock(7346201959)";
inline constexpr const char* kScanPending =
    "SELECT id, at, actor, action, target_type, target_id, remote, request_id, outcome, detail "
    "FROM audit_pending ORDER BY id LIMIT $1";
// Locks the head for the linker. Under REPEATABLE READ it also fails with 40001 when another
// linker committed after this transaction's snapshot, so a linker never works from a stale head.
inline constexpr const char* kLockHead = "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE";
// Moves one batch into the chain in one round trip: $1 ids, $2 chain numbers, $3 previous hashes,
// $4 hashes (array literals, in chain order), $5/$6 the new head. Returns the rows moved.
inline constexpr const char* kMovePending =
    "WITH l AS (SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) "
    "AS l(id, seq, prev_hash, hash)), "
    "moved AS (DELETE FROM audit_pending p USING l WHERE p.id = l.id RETURNING l.seq, p.at, "
    "p.actor, p.action, p.target_type, p.target_id, p.remote, p.request_id, p.outcome, p.detail, "
    "l.prev_hash, l.hash), "
    "linked AS (INSERT INTO audit_log (seq, at, actor, action, target_type, target_id, remote, "
    "request_id, outcome, detail, prev_hash, hash) SELECT * FROM moved RETURNING seq), "
    "head AS (UPDATE audit_head SET seq = $5, hash = $6 WHERE id = 1 RETURNING seq) "
    "SELECT (SELECT count(*) FROM linked), (SELECT count(*) FROM head)";

// ---- Both engines.

inline constexpr const char* kReadHead = "SELECT seq, hash FROM audit_head WHERE id = 1";
inline constexpr const char* kCountPending = "SELECT count(*) FROM audit_pending";
inline constexpr const char* kScanFrom =
    "SELECT seq, at, actor, action, target_type, target_id, remote, request_id, outcome, detail, "
    "prev_hash, hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2";
inline constexpr const char* kList =
    "SELECT seq, at, actor, action, target_type, target_id, remote, request_id, outcome, detail, "
    "prev_hash, hash FROM audit_log WHERE seq < $1 AND ($2 = '' OR actor = $2) "
    "AND ($3 = '' OR target_type = $3) AND ($4 = '' OR target_id = $4) ORDER BY seq DESC LIMIT $5";

}  // namespace civicgrid::audit::queries
