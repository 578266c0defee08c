#include <limits>

#include "audit/audit.h"
#include "audit/queries.h"
#include "core/crypto.h"

namespace civicgrid::audit {

namespace {

constexpr char kSeparator = '\x1f';  // unit separator: cannot occur in the JSON detail unescaped

StoredEntry from_row(const store::Row& r) {
  StoredEntry e;
  e.seq = r.i64(0);
  e.at = r.i64(1);
  e.actor = r.str(2);
  e.action = r.str(3);
  e.target_type = r.str(4);
  e.target_id = r.str(5);
  e.remote = r.str(6);
  e.request_id = r.str(7);
  e.outcome = r.str(8);
  e.detail = r.str(9);
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

Result<std::int64_t> AuditLog::append(const Entry& e) {
  return db_.write([&](store::Session& tx) { return append(tx, e); });
}

Result<std::int64_t> AuditLog::append(store::Session& tx, const Entry& e) {
  auto head = tx.query(queries::kAdvanceHead);
  if (!head) return fail(head.error());
  if (head->rows.empty()) return fail(Error::internal("audit_head row is missing"));
  const std::int64_t seq = head->rows[0].i64(0);
  const std::string prev = head->rows[0].str(1);
  const Timestamp at = clock_.now();
  const std::string hash = chain_hash(seq, at, e, prev);
  const std::vector<store::Value> row{seq,           at,          e.actor,  e.action,
                                      e.target_type, e.target_id, e.remote, e.request_id,
                                      e.outcome,     e.detail,    prev,     hash};
  if (tx.dialect() == store::Dialect::kPostgres) {
    auto both = tx.query(queries::kInsertAndSetHeadPg, row);
    if (!both) return fail(both.error());
    return seq;
  }
  auto ins = tx.query(queries::kInsert, row);
  if (!ins) return fail(ins.error());
  auto upd = tx.execute(queries::kSetHeadHash, {hash});
  if (!upd) return fail(upd.error());
  return seq;
}

Result<VerifyReport> AuditLog::verify() {
  auto tx = db_.begin_read();
  if (!tx) return fail(tx.error());
  store::Session& s = **tx;
  VerifyReport report;
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
