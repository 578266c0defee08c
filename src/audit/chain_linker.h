// The linker of the audit chain on PostgreSQL (internal to the audit module): moves committed
// entries from audit_pending into audit_log, chained, in batches. See docs/adr/0004-audit-chain.md.
//
// Exactly one linker works at a time among all processes: a round holds a transaction-scoped
// advisory lock. The head row is locked too, and under REPEATABLE READ a round whose snapshot
// predates another linker's commit fails with 40001 and is run again, so chain numbers stay
// gap-free and every entry is chained exactly once even if the lock were bypassed.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "core/error.h"
#include "core/periodic_task.h"
#include "store/database.h"

namespace civicgrid::audit {

// Entries a round links at most (one statement moves them).
inline constexpr int kLinkBatch = 1000;

enum class LockWait {
  kTry,   // give up at once when another linker holds the lock (the background linker)
  kWait,  // wait for it (verify and list, which must see every committed entry chained)
};

struct LinkRound {
  bool locked = false;      // false when kTry found another linker at work
  std::int64_t linked = 0;  // entries chained by this round
};

struct Entry;

// The entry's fields from a row whose columns 2 to 9 are actor, action, target_type, target_id,
// remote, request_id, outcome, detail (after a number and the time, as audit_log and
// audit_pending are read).
Entry entry_fields(const store::Row& r);

// One round inside the caller's write transaction: the pending entries visible to it, lowest id
// first, up to `limit`. PostgreSQL only.
Result<LinkRound> link_batch(store::Session& tx, LockWait wait, int limit = kLinkBatch);

// Runs rounds on a thread of its own: shortly after poke(), and every `interval` without one (for
// entries of other processes, or of one that died before they were linked).
class ChainLinker {
 public:
  using Round = std::function<Result<LinkRound>()>;

  ChainLinker(Round round, std::chrono::milliseconds interval);
  // Stops.
  ~ChainLinker();
  ChainLinker(const ChainLinker&) = delete;
  ChainLinker& operator=(const ChainLinker&) = delete;

  // An entry was appended; its transaction commits soon. Cheap; callable from any thread, also
  // after stop().
  void poke();
  // Stops the thread after a last round. Idempotent.
  void stop();

 private:
  void drain();

  Round round_;
  PeriodicTask task_;  // last: its thread runs drain()
};

}  // namespace civicgrid::audit
