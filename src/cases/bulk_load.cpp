// The bulk loader (bulk_load.h). SQLite-only by nature (journal modes, locking mode, page cache),
// so it talks to the C API directly instead of through store::Session, and binds
// texts without copying them (SQLITE_STATIC: the rows live until the statement is reset).
#include "cases/bulk_load.h"

#include <sqlite3.h>

#include <memory>
#include <utility>

#include "cases/queries.h"

namespace civicgrid::cases {

namespace {

constexpr int kCasesPerStatement = 16;  // 16 × 38 parameters
constexpr int kRowsPerStatement = 64;   // participants (8 columns) and events (9 columns)

using Clock = std::chrono::steady_clock;

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

Error sqlite_error(sqlite3* db, std::string_view what) {
  return Error::internal("bulk load: " + std::string(what) + ": " + sqlite3_errmsg(db));
}

// "INSERT ... VALUES (?, ?), (?, ?) ..." for `rows` tuples of `columns` placeholders.
std::string multi_row(std::string_view head, int columns, int rows) {
  std::string tuple = "(";
  for (int c = 0; c < columns; ++c) tuple += c ? ", ?" : "?";
  tuple += ")";
  std::string sql(head);
  for (int r = 0; r < rows; ++r) {
    if (r) sql += ", ";
    sql += tuple;
  }
  return sql;
}

class Loader {
 public:
  explicit Loader(sqlite3* db) : db_(db) {}

  Result<void> exec(std::string_view sql) {
    char* msg = nullptr;
    if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
      std::string detail = std::string(sql) + ": " + (msg ? msg : "");
      sqlite3_free(msg);
      return fail(Error::internal("bulk load: " + detail));
    }
    return {};
  }

  Result<Stmt> prepare(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
      return fail(sqlite_error(db_, sql.substr(0, 60)));
    return Stmt(s);
  }

  // The statements for full groups and for one row (the tail of a batch).
  Result<void> prepare_all() {
    const std::pair<std::string_view, int> tables[] = {{queries::kBulkInsertCases, 38},
                                                       {queries::kBulkInsertParticipants, 8},
                                                       {queries::kBulkInsertEvents, 9}};
    for (int i = 0; i < 3; ++i) {
      const int rows = i == 0 ? kCasesPerStatement : kRowsPerStatement;
      auto many = prepare(multi_row(tables[i].first, tables[i].second, rows));
      auto one = prepare(multi_row(tables[i].first, tables[i].second, 1));
      if (!many) return fail(many.error());
      if (!one) return fail(one.error());
      many_[i] = std::move(*many);
      one_[i] = std::move(*one);
      per_row_[i] = tables[i].second;
    }
    return {};
  }

  Result<void> write(std::vector<LoadedCase>& batch) {
    for (auto& lc : batch) {
      lc.c.id = ++next_case_;
      lc.c.version = 1;
    }
    // Cases, then their participants, then their events: each table in rowid order.
    if (auto ok =
            rows(0, batch.size(), kCasesPerStatement,
                 [&](sqlite3_stmt* s, int base, size_t i) { bind_case(s, base, batch[i].c); });
        !ok)
      return ok;
    refs_.clear();
    for (const auto& lc : batch)
      for (size_t p = 0; p < lc.c.participants.size(); ++p) refs_.emplace_back(&lc.c, p);
    if (auto ok = rows(1, refs_.size(), kRowsPerStatement,
                       [&](sqlite3_stmt* s, int base, size_t i) {
                         bind_participant(s, base, *refs_[i].first, refs_[i].second);
                       });
        !ok)
      return ok;
    events_.clear();
    for (auto& lc : batch)
      for (auto& e : lc.events) {
        e.case_id = lc.c.id;
        e.id = ++next_event_;
        events_.push_back(&e);
      }
    return rows(2, events_.size(), kRowsPerStatement,
                [&](sqlite3_stmt* s, int base, size_t i) { bind_event(s, base, *events_[i]); });
  }

  std::int64_t next_case_ = 0;
  std::int64_t next_event_ = 0;

 private:
  template <typename Bind>
  Result<void> rows(int table, size_t n, int group, Bind bind) {
    size_t i = 0;
    while (i < n) {
      const bool full = n - i >= static_cast<size_t>(group);
      sqlite3_stmt* s = full ? many_[table].get() : one_[table].get();
      const int count = full ? group : 1;
      for (int r = 0; r < count; ++r) bind(s, r * per_row_[table] + 1, i + static_cast<size_t>(r));
      if (sqlite3_step(s) != SQLITE_DONE) {
        auto e = sqlite_error(db_, "insert");
        sqlite3_reset(s);
        return fail(e);
      }
      sqlite3_reset(s);
      i += static_cast<size_t>(count);
    }
    return {};
  }

  static void text(sqlite3_stmt* s, int i, std::string_view v) {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }

  // Columns in the order of queries::kBulkInsertCases.
  static void bind_case(sqlite3_stmt* s, int b, const Case& c) {
    static const std::string kNoEvaluation;
    const Evaluation* ev = c.evaluation ? &*c.evaluation : nullptr;
    sqlite3_bind_int64(s, b + 0, c.id);
    text(s, b + 1, c.tracking_code);
    if (c.external_id.empty())
      sqlite3_bind_null(s, b + 2);
    else
      text(s, b + 2, c.external_id);
    text(s, b + 3, name(c.type));
    text(s, b + 4, name(c.channel));
    text(s, b + 5, name(c.urgency));
    text(s, b + 6, c.title);
    text(s, b + 7, c.description);
    text(s, b + 8, c.category);
    if (c.location) {
      sqlite3_bind_double(s, b + 9, c.location->lat);
      sqlite3_bind_double(s, b + 10, c.location->lon);
    } else {
      sqlite3_bind_null(s, b + 9);
      sqlite3_bind_null(s, b + 10);
    }
    text(s, b + 11, c.address);
    text(s, b + 12, c.area);
    text(s, b + 13, c.grid);
    text(s, b + 14, c.contact_name);
    text(s, b + 15, c.contact_phone);
    sqlite3_bind_int(s, b + 16, c.anonymous);
    text(s, b + 17, c.submitted_by);
    text(s, b + 18, name(c.status));
    text(s, b + 19, c.lead);
    sqlite3_bind_int64(s, b + 20, c.created_at);
    sqlite3_bind_int64(s, b + 21, c.updated_at);
    sqlite3_bind_int64(s, b + 22, c.deadline_at);
    sqlite3_bind_int64(s, b + 23, c.closed_at);
    sqlite3_bind_int(s, b + 24, c.overdue);
    sqlite3_bind_int(s, b + 25, c.supervisions);
    sqlite3_bind_int(s, b + 26, c.reworks);
    sqlite3_bind_int(s, b + 27, c.returns);
    sqlite3_bind_int(s, b + 28, c.extension_days_pending);
    text(s, b + 29, c.extension_reason);
    text(s, b + 30, c.result);
    text(s, b + 31, c.reply);
    sqlite3_bind_int64(s, b + 32, c.merged_into);
    text(s, b + 33, ev ? ev->resolved : kNoEvaluation);
    text(s, b + 34, ev ? ev->satisfaction : kNoEvaluation);
    text(s, b + 35, ev ? ev->comment : kNoEvaluation);
    sqlite3_bind_int64(s, b + 36, ev ? ev->at : 0);
    sqlite3_bind_int64(s, b + 37, c.version);
  }

  static void bind_participant(sqlite3_stmt* s, int b, const Case& c, size_t i) {
    const Participant& p = c.participants[i];
    sqlite3_bind_int64(s, b + 0, c.id);
    text(s, b + 1, p.unit);
    text(s, b + 2, p.role);
    sqlite3_bind_int64(s, b + 3, p.assigned_at);
    sqlite3_bind_int64(s, b + 4, p.due_at);
    sqlite3_bind_int64(s, b + 5, p.accepted_at);
    sqlite3_bind_int(s, b + 6, p.active ? 1 : 0);
    sqlite3_bind_int64(s, b + 7, static_cast<std::int64_t>(i) + 1);
  }

  static void bind_event(sqlite3_stmt* s, int b, const CaseEvent& e) {
    sqlite3_bind_int64(s, b + 0, e.id);
    sqlite3_bind_int64(s, b + 1, e.case_id);
    sqlite3_bind_int64(s, b + 2, e.at);
    text(s, b + 3, name(e.action));
    text(s, b + 4, e.actor);
    text(s, b + 5, e.actor_unit);
    text(s, b + 6, name(e.from));
    text(s, b + 7, name(e.to));
    text(s, b + 8, e.data);
  }

  sqlite3* db_;
  Stmt many_[3], one_[3];
  int per_row_[3] = {0, 0, 0};
  std::vector<std::pair<const Case*, size_t>> refs_;
  std::vector<CaseEvent*> events_;
};

}  // namespace

Result<BulkLoadStats> bulk_load_sqlite(const std::string& db_file, const NextBatch& next,
                                       const LoadProgress& progress) {
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(db_file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    sqlite3_close_v2(raw);
    return fail(Error::unavailable("无法打开数据库", "cannot open " + db_file));
  }
  std::unique_ptr<sqlite3, DbCloser> db(raw);
  Loader l(raw);
  // Leaving WAL needs the only connection; the exclusive lock keeps it that way until we close.
  for (const char* pragma :
       {"PRAGMA locking_mode=EXCLUSIVE", "PRAGMA journal_mode=OFF", "PRAGMA synchronous=OFF",
        "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-1048576"})
    if (auto ok = l.exec(pragma); !ok) return fail(ok.error());

  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(raw, queries::kCountCases, -1, &st, nullptr);
  const bool empty = st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) == 0;
  sqlite3_finalize(st);
  if (!empty)
    return fail(Error::conflict("数据库中已有案件，请使用新的数据目录",
                                "the store already has cases; use a new data directory"));

  // The secondary indexes stay in place while loading. Rows arrive in intake order, so every index
  // is written at a few hot spots: its key either grows with the load (ids, intake times, event
  // ids) or leads with a column of few values (status, area, lead, category, unit) followed by one
  // that grows, and the pages being written stay in the cache. Dropping them and building them
  // again afterwards measured twice the CPU at 100 k cases, and far worse at 1 M, where each of the
  // nine CREATE INDEX on cases read the whole table again from disk (ADR 0013).
  BulkLoadStats stats;
  const auto start = Clock::now();
  if (auto ok = l.exec("BEGIN"); !ok) return fail(ok.error());
  if (auto ok = l.prepare_all(); !ok) return fail(ok.error());
  std::vector<LoadedCase> batch;
  while (true) {
    if (!next(batch)) break;
    if (auto ok = l.write(batch); !ok) return fail(ok.error());
    if (progress) progress(l.next_case_);
  }
  if (auto ok = l.exec("COMMIT"); !ok) return fail(ok.error());
  stats.insert_time = Clock::now() - start;
  for (const char* pragma : {"PRAGMA journal_mode=WAL", "PRAGMA locking_mode=NORMAL"})
    if (auto ok = l.exec(pragma); !ok) return fail(ok.error());
  stats.cases = l.next_case_;
  stats.events = l.next_event_;
  return stats;
}

}  // namespace civicgrid::cases
