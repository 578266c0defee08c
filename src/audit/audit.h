// The audit log: who did what to which record, when, from where, and with what outcome; every
// state-changing request and every read of personal data. Entries are append-only and chained with
// BLAKE2b: hash(n) = BLAKE2b(fields(n) ‖ hash(n-1)), so any altered or deleted row is detected.
//
// Where an entry is chained depends on the engine (docs/adr/0004-audit-chain.md):
// - SQLite (one writer): inline, the append advances the chain head in the caller's transaction.
// - PostgreSQL (writers side by side): the append inserts the entry unchained into audit_pending,
//   so no write transaction touches a shared row; a linker chains committed entries in batches
//   shortly after commit, in the order they became visible, one linker at a time among all
//   processes. An entry is durable once its transaction commits, linked or not.
// verify() and list() link pending entries first, so both engines answer alike.
//
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/time.h"
#include "store/database.h"
#include "store/migration.h"

namespace civicgrid::audit {

store::MigrationSet migrations();

struct Entry {
  std::string actor;   // Principal::actor(): "user:alice", "apikey:fms", "anonymous", "cli:root"
  std::string action;  // "case.dispatch", "POST /api/v1/auth/login", "user.create" ...
  std::string target_type;  // "case", "user", "org_unit" ...
  std::string target_id;
  std::string remote;  // client address
  std::string request_id;
  std::string outcome;        // HTTP status ("201", "403") or "ok"/"error" for CLI actions
  std::string detail = "{}";  // a JSON object
};

struct StoredEntry : Entry {
  std::int64_t seq = 0;
  Timestamp at = 0;
  std::string prev_hash;
  std::string hash;
};

struct VerifyReport {
  std::int64_t count = 0;  // entries checked
  // Committed entries still unchained after verify linked what it could (those committed while it
  // ran, or all of them when linking failed). They are not covered by the check.
  std::int64_t pending = 0;
  std::optional<std::int64_t> broken;  // sequence number of the first entry that fails
  std::string reason;                  // why it fails
  bool ok() const { return !broken.has_value(); }
};

struct ListFilter {
  std::optional<std::string> actor;
  std::optional<std::string> target_type;
  std::optional<std::string> target_id;
  std::optional<std::int64_t> before_seq;  // cursor: entries with seq < this
  int limit = 100;
};

class ChainLinker;

class AuditLog {
 public:
  AuditLog(store::Database& db, const Clock& clock);
  // Stops the linker (see stop_linker).
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends in a transaction of its own.
  Result<void> append(const Entry& e);
  // Appends inside the caller's write transaction, so the entry commits or rolls back with it.
  Result<void> append(store::Session& tx, const Entry& e);

  // Chains every entry committed before the call, waiting for a linker of another process that is
  // at work. Returns how many entries this call linked. Nothing to do on SQLite.
  Result<std::int64_t> link_pending();

  // PostgreSQL: links in the background from now on, shortly after each append of this process
  // commits and at least every `interval` for entries of other processes or of a process that
  // died before linking them. No-op on SQLite or when already running.
  void start_linker(std::chrono::milliseconds interval);
  // Stops the background linker after a last round; call before closing the store.
  void stop_linker();

  // Links pending entries, then walks the whole chain in order and checks the head.
  Result<VerifyReport> verify();

  // Newest first (pending entries are linked first).
  Result<std::vector<StoredEntry>> list(const ListFilter& filter);

 private:
  Result<void> append_inline(store::Session& tx, const Entry& e, Timestamp at);

  store::Database& db_;
  const Clock& clock_;
  std::unique_ptr<ChainLinker> linker_;
};

// The hash of one entry given the previous hash (exposed for tests).
std::string chain_hash(std::int64_t seq, Timestamp at, const Entry& e,
                       const std::string& prev_hash);

}  // namespace civicgrid::audit
