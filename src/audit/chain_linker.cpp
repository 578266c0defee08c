#include "audit/chain_linker.h"

#include <spdlog/spdlog.h>

#include <string>
#include <vector>

#include "audit/audit.h"
#include "audit/queries.h"

namespace civicgrid::audit {

namespace {

// After a poke, the appending transaction still has to commit; waiting this long lets it, and
// lets the entries of other requests gather into the same round.
constexpr std::chrono::milliseconds kSettle{2};

// Appends one element to a PostgreSQL array literal under construction ("{a,b").
void push(std::string& array, const std::string& element) {
  array += array.empty() ? '{' : ',';
  array += element;
}

}  // namespace

Entry entry_fields(const store::Row& r) {
  return Entry{r.str(2), r.str(3), r.str(4), r.str(5), r.str(6), r.str(7), r.str(8), r.str(9)};
}

Result<LinkRound> link_batch(store::Session& tx, LockWait wait, int limit) {
  LinkRound out;
  auto lock =
      tx.query(wait == LockWait::kWait ? queries::kWaitLinkerLock : queries::kTryLinkerLock);
  if (!lock) return fail(lock.error());
  if (wait == LockWait::kTry && (lock->rows.empty() || lock->rows[0].i64(0) == 0)) return out;
  out.locked = true;
  auto pending = tx.query(queries::kScanPending, {static_cast<std::int64_t>(limit)});
  if (!pending) return fail(pending.error());
  if (pending->rows.empty()) return out;
  auto head = tx.query(queries::kLockHead);
  if (!head) return fail(head.error());
  if (head->rows.empty()) return fail(Error::internal("audit_head row is missing"));
  std::int64_t seq = head->rows[0].i64(0);
  std::string prev = head->rows[0].str(1);

  // Hex hashes and integers need no quoting inside an array literal.
  std::string ids, seqs, prevs, hashes;
  for (const auto& r : pending->rows) {
    const Entry e = entry_fields(r);
    const std::int64_t id = r.i64(0);
    const Timestamp at = r.i64(1);
    ++seq;
    std::string hash = chain_hash(seq, at, e, prev);
    push(ids, std::to_string(id));
    push(seqs, std::to_string(seq));
    push(prevs, prev);
    push(hashes, hash);
    prev = std::move(hash);
  }
  for (std::string* a : {&ids, &seqs, &prevs, &hashes}) *a += '}';
  auto moved = tx.query(queries::kMovePending, {ids, seqs, prevs, hashes, seq, prev});
  if (!moved) return fail(moved.error());
  const auto want = static_cast<std::int64_t>(pending->rows.size());
  if (moved->rows.empty() || moved->rows[0].i64(0) != want || moved->rows[0].i64(1) != 1)
    return fail(Error::internal("audit linker: moving " + std::to_string(want) +
                                " pending entries into the chain did not move them all"));
  out.linked = want;
  return out;
}

ChainLinker::ChainLinker(Round round, std::chrono::milliseconds interval)
    : round_(std::move(round)),
      task_(interval, [this] { drain(); }, {.final_run = true, .settle = kSettle}) {}

// A last round at stop, so that a process stopping normally leaves nothing of its own unlinked.
ChainLinker::~ChainLinker() {
  stop();
}

void ChainLinker::poke() {
  task_.wake();
}

void ChainLinker::stop() {
  task_.stop();
}

void ChainLinker::drain() {
  for (;;) {
    auto r = round_();
    if (!r) {
      // The entries stay pending and the next round takes them; nothing is lost.
      spdlog::warn("audit linker: round failed, retrying later: {} {}", r.error().message_en(),
                   r.error().detail());
      return;
    }
    if (!r->locked || r->linked < kLinkBatch) return;
  }
}

}  // namespace civicgrid::audit
