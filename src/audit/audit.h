// The audit log: who did what to which record, when, from where, and with what outcome; every
// state-changing request and every read of personal data. Entries are append-only and chained with
// BLAKE2b: hash(n) = BLAKE2b(fields(n) ‖ hash(n-1)), so any altered or deleted row is detected.
//
// Thread-safe: appends serialise on the chain head inside the store's write transaction.
#pragma once

#include <cstdint>
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
  std::string actor;        // Principal::actor(): "user:alice", "apikey:fms", "anonymous", "cli:root"
  std::string action;       // "case.dispatch", "POST /api/v1/auth/login", "user.create" ...
  std::string target_type;  // "case", "user", "org_unit" ...
  std::string target_id;
  std::string remote;       // client address
  std::string request_id;
  std::string outcome;      // HTTP status ("201", "403") or "ok"/"error" for CLI actions
  std::string detail = "{}";  // a JSON object
};

struct StoredEntry : Entry {
  std::int64_t seq = 0;
  Timestamp at = 0;
  std::string prev_hash;
  std::string hash;
};

struct VerifyReport {
  std::int64_t count = 0;              // entries checked
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

class AuditLog {
 public:
  AuditLog(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Appends in a transaction of its own; returns the sequence number.
  Result<std::int64_t> append(const Entry& e);
  // Appends inside the caller's write transaction, so the entry commits or rolls back with it.
  Result<std::int64_t> append(store::Session& tx, const Entry& e);

  // Walks the whole chain in order.
  Result<VerifyReport> verify();

  // Newest first.
  Result<std::vector<StoredEntry>> list(const ListFilter& filter);

 private:
  store::Database& db_;
  const Clock& clock_;
};

// The hash of one entry given the previous hash (exposed for tests).
std::string chain_hash(std::int64_t seq, Timestamp at, const Entry& e, const std::string& prev_hash);

}  // namespace civicgrid::audit
