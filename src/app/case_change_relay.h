// The relay of case changes between servers on PostgreSQL (internal to cluster sync). The `cases`
// trigger of the `cluster` migration set records each changed case id in case_changes_pending
// instead of notifying from the writing transaction: a transaction that sent NOTIFY holds
// PostgreSQL's notification-queue lock until its commit is flushed, so intakes committed one at a
// time across all servers. A relay in each server takes a batch of committed pending rows, deletes
// them and notifies their case ids in the same transaction. Notifications are delivered at commit
// and only then, so the ids go out exactly when their rows disappear; a relay that dies before
// committing leaves the rows for the next round of any server. Relays of several servers skip each
// other's locked rows (SKIP LOCKED) instead of waiting. See docs/adr/0016-postgresql-back-end.md.
//
// Payload: `cases:<id>,<id>,…` (distinct ids, ascending), several notifications per batch so that
// each stays under PostgreSQL's 8,000-byte payload limit.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/periodic_task.h"
#include "store/database.h"

namespace civicgrid::app {

// Pending rows a round takes at most.
inline constexpr int kRelayBatch = 2000;
// The longest payload sent; PostgreSQL refuses 8,000 bytes and more.
inline constexpr std::size_t kRelayPayloadLimit = 7900;
inline constexpr std::string_view kCasesPrefix = "cases:";

// `ids` (distinct, in order) as payloads of at most `limit` bytes each.
std::vector<std::string> case_payloads(std::span<const std::int64_t> ids,
                                       std::size_t limit = kRelayPayloadLimit);

// The case ids of a `cases:` payload; empty when it is malformed.
std::vector<std::int64_t> parse_case_payload(std::string_view payload);

struct RelayRound {
  std::int64_t rows = 0;           // pending rows deleted
  std::int64_t cases = 0;          // distinct case ids among them
  std::int64_t notifications = 0;  // payloads sent
};

// One round inside the caller's write transaction (PostgreSQL only): deletes up to `limit`
// committed pending rows not locked by another relay and notifies their case ids. Nothing is sent
// unless the caller commits.
Result<RelayRound> relay_batch(store::Session& tx, int limit = kRelayBatch);

// Rows in case_changes_pending (for tests and monitoring).
Result<std::int64_t> pending_case_changes(store::Database& db);

// Runs rounds on a thread of its own every `interval`, each round its own transaction; stop()
// (and the destructor) runs a last drain so that a server stopping normally leaves nothing of its
// own pending.
class CaseChangeRelay {
 public:
  CaseChangeRelay(store::Database& db, std::chrono::milliseconds interval);
  ~CaseChangeRelay();
  CaseChangeRelay(const CaseChangeRelay&) = delete;
  CaseChangeRelay& operator=(const CaseChangeRelay&) = delete;

  // Stops the thread after a last drain. Idempotent.
  void stop();

 private:
  void drain();
  Result<RelayRound> round();

  store::Database& db_;
  PeriodicTask task_;  // last: its thread runs drain()
};

}  // namespace civicgrid::app
