#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>

#include "audit/audit.h"
#include "audit/chain_linker.h"
#include "audit/queries.h"
#include "core/crypto.h"

namespace civicgrid::audit {

namespace {

constexpr char kSeparator = '\x1f';  // unit separator: cannot occur in the JSON detail unescaped

StoredEntry from_row(const store::Row& r) {
  StoredEntry e;
  static_cast<Entry&>(e) = entry_fields(r);
  e.seq = r.i64(0);
  e.at = r.i64(1);
  e.prev_hash = r.str(10);
  e.hash = r.str(11);
  return e;
}

}  // namespace

std::string chain_hash(std::int64_t seq, Timestamp at, const Entry& e,
                       const std::string& prev_hash) {
  std::string buf;
  buf.reserve(256 + e.detail.size());
  for (const std::string& part :
       {std::to_string(seq), std::to_string(at), e.actor, e.action, e.target_type, e.target_id,
        e.remote, e.request_id, e.outcome, e.detail, prev_hash}) {
    buf += part;
    buf.push_back(kSeparator);
  }
  return crypto::blake2b_hex(buf);
}

AuditLog::AuditLog(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

AuditLog::~AuditLog() {
  stop_linker();
}

Result<void> AuditLog::append(const Entry& e) {
  return db_.write([&](store::Session& tx) { return append(tx, e); });
}

Result<void> AuditLog::append(store::Session& tx, const Entry& e) {
  const Timestamp at = clock_.now();
  if (tx.dialect() != store::Dialect::kPostgres) return append_inline(tx, e, at);
  auto ins = tx.execute(queries::kInsertPending, {at, e.actor, e.action, e.target_type, e.target_id,
                                                  e.remote, e.request_id, e.outcome, e.detail});
  if (!ins) return fail(ins.error());
  if (linker_) linker_->poke();
  return {};
}

Result<void> AuditLog::append_inline(store::Session& tx, const Entry& e, Timestamp at) {
  auto head = tx.query(queries::kAdvanceHead);
  if (!head) return fail(head.error());
  if (head->rows.empty()) return fail(Error::internal("audit_head row is missing"));
  const std::int64_t seq = head->rows[0].i64(0);
  const std::string prev = head->rows[0].str(1);
  const std::string hash = chain_hash(seq, at, e, prev);
  auto ins =
      tx.execute(queries::kInsert, {seq, at, e.actor, e.action, e.target_type, e.target_id,
                                    e.remote, e.request_id, e.outcome, e.detail, prev, hash});
  if (!ins) return fail(ins.error());
  auto upd = tx.execute(queries::kSetHeadHash, {hash});
  if (!upd) return fail(upd.error());
  return {};
}

Result<std::int64_t> AuditLog::link_pending() {
  if (db_.dialect() != store::Dialect::kPostgres) return 0;
  std::int64_t total = 0;
  for (;;) {
    auto round =
        db_.write([](store::Session& tx) { return link_batch(tx, LockWait::kWait, kLinkBatch); });
    if (!round) return fail(round.error());
    total += round->linked;
    if (round->linked < kLinkBatch) return total;
  }
}

void AuditLog::start_linker(std::chrono::milliseconds interval) {
  if (db_.dialect() != store::Dialect::kPostgres || linker_) return;
  linker_ = std::make_unique<ChainLinker>(
      [this] {
        return db_.write(
            [](store::Session& tx) { return link_batch(tx, LockWait::kTry, kLinkBatch); });
      },
      interval);
}

void AuditLog::stop_linker() {
  // The linker object stays, stopped, so that a late append may still poke it.
  if (linker_) linker_->stop();
}

Result<VerifyReport> AuditLog::verify() {
  // What cannot be linked now (the store is busy) is reported as pending below.
  if (auto linked = link_pending(); !linked)
    spdlog::warn("audit verify: linking pending entries failed: {}", linked.error().message_en());
  auto tx = db_.begin_read();
  if (!tx) return fail(tx.error());
  store::Session& s = **tx;
  VerifyReport report;
  auto pending = s.query(queries::kCountPending);
  if (!pending) return fail(pending.error());
  report.pending = pending->rows.empty() ? 0 : pending->rows[0].i64(0);
  std::string prev(64, '0');
  std::int64_t expected_seq = 1;
  constexpr std::int64_t kPage = 5000;
  for (;;) {
    auto page = s.query(queries::kScanFrom, {expected_seq - 1, kPage});
    if (!page) return fail(page.error());
    for (const auto& row : page->rows) {
      const StoredEntry e = from_row(row);
      if (e.seq != expected_seq) {
        report.broken = expected_seq;
        report.reason = "entry " + std::to_string(expected_seq) + " is missing (next present is " +
                        std::to_string(e.seq) + ")";
        return report;
      }
      if (e.prev_hash != prev) {
        report.broken = e.seq;
        report.reason = "prev_hash does not match the hash of entry " + std::to_string(e.seq - 1);
        return report;
      }
      if (chain_hash(e.seq, e.at, e, e.prev_hash) != e.hash) {
        report.broken = e.seq;
        report.reason = "content of entry " + std::to_string(e.seq) + " does not match its hash";
        return report;
      }
      prev = e.hash;
      ++expected_seq;
      ++report.count;
    }
    if (static_cast<std::int64_t>(page->rows.size()) < kPage) break;
  }
  auto head = s.query(queries::kReadHead);
  if (!head) return fail(head.error());
  if (!head->rows.empty()) {
    const std::int64_t head_seq = head->rows[0].i64(0);
    if (head_seq != report.count || head->rows[0].str(1) != prev) {
      report.broken = report.count + 1;
      report.reason = "the chain head records " + std::to_string(head_seq) +
                      " entries but the log holds " + std::to_string(report.count) +
                      " (entries removed from the end)";
    }
  }
  return report;
}

Result<std::vector<StoredEntry>> AuditLog::list(const ListFilter& f) {
  // Entries committed before the call are listed even if the background linker has not reached
  // them yet; failing that, the listing shows the chained part.
  if (auto linked = link_pending(); !linked)
    spdlog::warn("audit list: linking pending entries failed: {}", linked.error().message_en());
  auto rows = db_.read([&](store::Session& s) {
    return s.query(queries::kList,
                   {f.before_seq.value_or(std::numeric_limits<std::int64_t>::max()),
                    f.actor.value_or(""), f.target_type.value_or(""), f.target_id.value_or(""),
                    static_cast<std::int64_t>(std::clamp(f.limit, 1, 1000))});
  });
  if (!rows) return fail(rows.error());
  std::vector<StoredEntry> out;
  out.reserve(rows->rows.size());
  for (const auto& r : rows->rows) out.push_back(from_row(r));
  return out;
}

}  // namespace civicgrid::audit
