#include "app/case_change_relay.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>

namespace civicgrid::app {

namespace {

// Oldest first, so a backlog drains in commit order; SKIP LOCKED lets the relays of several
// servers take disjoint batches at once.
constexpr const char* kTakeBatch = R"__sql__(
DELETE FROM case_changes_pending WHERE id IN (
  SELECT id FROM case_changes_pending ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
RETURNING case_id)__sql__";

constexpr const char* kNotify = "SELECT pg_notify('civicgrid_changes', $1)";

constexpr const char* kCount = "SELECT count(*) FROM case_changes_pending";

}  // namespace

std::vector<std::string> case_payloads(std::span<const std::int64_t> ids, std::size_t limit) {
  std::vector<std::string> out;
  std::string current;
  for (std::int64_t id : ids) {
    const std::string text = std::to_string(id);
    if (!current.empty() && current.size() + 1 + text.size() > limit) {
      out.push_back(std::move(current));
      current.clear();
    }
    current += current.empty() ? std::string(kCasesPrefix) : ",";
    current += text;
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

std::vector<std::int64_t> parse_case_payload(std::string_view payload) {
  if (!payload.starts_with(kCasesPrefix)) return {};
  std::vector<std::int64_t> ids;
  const char* p = payload.data() + kCasesPrefix.size();
  const char* end = payload.data() + payload.size();
  while (p < end) {
    std::int64_t id = 0;
    auto [next, ec] = std::from_chars(p, end, id);
    if (ec != std::errc() || (next != end && *next != ',')) return {};
    ids.push_back(id);
    p = next == end ? end : next + 1;
  }
  return ids;
}

Result<RelayRound> relay_batch(store::Session& tx, int limit) {
  RelayRound out;
  auto taken = tx.query(kTakeBatch, {static_cast<std::int64_t>(limit)});
  if (!taken) return fail(taken.error());
  if (taken->rows.empty()) return out;
  std::vector<std::int64_t> ids;
  ids.reserve(taken->rows.size());
  for (const auto& r : taken->rows) ids.push_back(r.i64(0));
  out.rows = static_cast<std::int64_t>(ids.size());
  // A case changed several times (intake, then routing) is announced once per batch.
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  out.cases = static_cast<std::int64_t>(ids.size());
  for (const std::string& payload : case_payloads(ids)) {
    auto sent = tx.query(kNotify, {payload});
    if (!sent) return fail(sent.error());
    ++out.notifications;
  }
  return out;
}

Result<std::int64_t> pending_case_changes(store::Database& db) {
  return db.read([](store::Session& s) -> Result<std::int64_t> {
    auto r = s.query(kCount);
    if (!r) return fail(r.error());
    return r->rows.empty() ? 0 : r->rows[0].i64(0);
  });
}

CaseChangeRelay::CaseChangeRelay(store::Database& db, std::chrono::milliseconds interval)
    : db_(db), task_(interval, [this] { drain(); }, {.final_run = true}) {}

CaseChangeRelay::~CaseChangeRelay() {
  stop();
}

void CaseChangeRelay::stop() {
  task_.stop();
}

// Each round is its own write transaction, run again by the store after a serialization failure
// (another relay deleted a row after this round's snapshot was taken). A round that found nothing
// commits a transaction that wrote nothing, which costs no WAL flush.
Result<RelayRound> CaseChangeRelay::round() {
  return db_.write([](store::Session& tx) { return relay_batch(tx); });
}

void CaseChangeRelay::drain() {
  for (;;) {
    auto r = round();
    if (!r) {
      // Rolled back: the rows stay pending and the next round (of any server) relays them.
      spdlog::warn("case change relay: round failed, retrying later: {} {}", r.error().message_en(),
                   r.error().detail());
      return;
    }
    if (r->rows < kRelayBatch) return;
  }
}

}  // namespace civicgrid::app
