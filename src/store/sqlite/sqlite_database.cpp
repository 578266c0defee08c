#include "store/sqlite/sqlite_database.h"

#include <sqlite3.h>

#include <cctype>
#include <exception>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>

#include "store/engine_errors.h"

namespace civicgrid::store::sqlite {

namespace {

// Statements beyond this many per connection are prepared for one use and finalized, so SQL built
// at run time (e.g. IN lists of varying length) cannot grow the cache without bound.
constexpr size_t kMaxCachedStatements = 512;
// One savepoint name serves every body of a batch: each is released before the next body starts.
constexpr std::string_view kSavepoint = "SAVEPOINT cg_write";
constexpr std::string_view kRelease = "RELEASE cg_write";
constexpr std::string_view kRollbackTo = "ROLLBACK TO cg_write";

using detail::closed_error;
using detail::finished_error;
using detail::sql_excerpt;

// Maps the connection's last error to the store's error contract (see database.h).
Error map_error(sqlite3* db, std::string_view sql) {
  const int code = sqlite3_extended_errcode(db);
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      // The constraint text names tables and columns; it is not for users.
      return Error::conflict("数据已存在", "already exists");
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return Error::invalid(
          "", "引用的数据不存在，或该数据仍被其他数据引用",
          "a referenced record does not exist, or the record is still referenced");
    case SQLITE_CONSTRAINT_CHECK:
      return Error::invalid("", "数据不符合约束条件", "a value violates a check constraint");
    case SQLITE_CONSTRAINT_NOTNULL:
      return Error::invalid("", "缺少必需的值", "a required value is missing");
    default:
      break;
  }
  const int primary = code & 0xFF;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return Error::unavailable("数据库繁忙，请稍后重试", "the database is busy, try again later");
  }
  return Error::internal("sqlite error " + std::to_string(code) + " (" + sqlite3_errmsg(db) +
                         ") in: " + std::string(sql_excerpt(sql)));
}

// True when [p, end) holds only whitespace, semicolons and comments.
bool only_trivia(const char* p, const char* end) {
  while (p < end) {
    if (std::isspace(static_cast<unsigned char>(*p)) || *p == ';') {
      ++p;
    } else if (*p == '-' && p + 1 < end && p[1] == '-') {
      while (p < end && *p != '\n') ++p;
    } else if (*p == '/' && p + 1 < end && p[1] == '*') {
      p += 2;
      while (p + 1 < end && !(p[0] == '*' && p[1] == '/')) ++p;
      p = p + 1 < end ? p + 2 : end;  // an unterminated comment runs to the end
    } else {
      return false;
    }
  }
  return true;
}

bool is_ident_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

// Binds one Value. Text is bound SQLITE_STATIC: the parameters outlive the statement's use.
struct Binder {
  sqlite3_stmt* stmt;
  int index;
  int operator()(std::nullptr_t) const { return sqlite3_bind_null(stmt, index); }
  int operator()(std::int64_t v) const { return sqlite3_bind_int64(stmt, index, v); }
  int operator()(double v) const { return sqlite3_bind_double(stmt, index, v); }
  int operator()(const std::string& v) const {
    return sqlite3_bind_text64(stmt, index, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
  }
};

Value column_value(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return sqlite3_column_int64(stmt, i);
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, i);
    case SQLITE_NULL:
      return nullptr;
    default: {  // TEXT (and BLOB, which civicgrid does not use) as bytes
      const auto* text = static_cast<const char*>(sqlite3_column_blob(stmt, i));
      const int size = sqlite3_column_bytes(stmt, i);
      return text ? std::string(text, static_cast<size_t>(size)) : std::string();
    }
  }
}

}  // namespace

std::string rewrite_placeholders(std::string_view sql) {
  enum class State { kCode, kString, kIdentifier, kLineComment, kBlockComment };
  std::string out(sql);
  State state = State::kCode;
  const size_t n = out.size();
  for (size_t i = 0; i < n; ++i) {
    const char c = out[i];
    const char next = i + 1 < n ? out[i + 1] : '\0';
    switch (state) {
      case State::kCode:
        if (c == '\'') {
          state = State::kString;
        } else if (c == '"') {
          state = State::kIdentifier;
        } else if (c == '-' && next == '-') {
          state = State::kLineComment;
          ++i;
        } else if (c == '/' && next == '*') {
          state = State::kBlockComment;
          ++i;
        } else if (c == '$' && std::isdigit(static_cast<unsigned char>(next)) &&
                   (i == 0 || !is_ident_char(out[i - 1]))) {
          out[i] = '?';
        }
        break;
      // A doubled quote ('' or "") closes and reopens, which leaves the state right.
      case State::kString:
        if (c == '\'') state = State::kCode;
        break;
      case State::kIdentifier:
        if (c == '"') state = State::kCode;
        break;
      case State::kLineComment:
        if (c == '\n') state = State::kCode;
        break;
      case State::kBlockComment:
        if (c == '*' && next == '/') {
          state = State::kCode;
          ++i;
        }
        break;
    }
  }
  return out;
}

// One sqlite3 handle, used by one thread at a time (opened NOMUTEX), with its statement cache.
class Connection {
 public:
  explicit Connection(sqlite3* db) : db_(db) {}
  ~Connection() {
    for (auto& entry : cache_) sqlite3_finalize(entry.second);
    sqlite3_close_v2(db_);
  }
  Connection(const Connection&) = delete;

  static Result<std::unique_ptr<Connection>> open(const std::string& path, bool writer,
                                                  int busy_timeout_ms) {
    sqlite3* db = nullptr;
    const int flags =
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    auto conn = std::make_unique<Connection>(db);  // owns (and closes) the handle even on failure
    if (rc != SQLITE_OK) {
      return fail(Error::internal("cannot open sqlite database " + path + ": " +
                                  (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc))));
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, busy_timeout_ms);
    auto mode = conn->query("PRAGMA journal_mode=WAL", {});
    if (!mode) return fail(mode.error());
    if (mode->rows.empty() || mode->rows[0].str(0) != "wal") {
      return fail(Error::internal("sqlite database " + path + " could not switch to WAL mode"));
    }
    // synchronous=FULL: in WAL mode NORMAL may lose the last commits on power loss; FULL syncs the
    // WAL on every commit. Readers open read-write with query_only rather than SQLITE_OPEN_READONLY
    // so that any connection can rebuild the WAL index after a crash.
    // temp_store=MEMORY: the statement journals of group-commit savepoints stay in memory instead
    // of spilling to temporary files once they pass 64 KiB.
    const char* pragmas = writer ? "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; "
                                   "PRAGMA temp_store=MEMORY;"
                                 : "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL; "
                                   "PRAGMA temp_store=MEMORY; PRAGMA query_only=1;";
    if (auto r = conn->exec_script(pragmas); !r) return fail(r.error());
    return conn;
  }

  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

  Result<QueryResult> query(std::string_view sql, std::span<const Value> params) {
    auto prepared = prepare(sql);
    if (!prepared) return fail(prepared.error());
    StatementScope scope(*prepared);
    sqlite3_stmt* stmt = prepared->stmt;
    const int expected = sqlite3_bind_parameter_count(stmt);
    if (expected != static_cast<int>(params.size())) {
      return fail(Error::internal("statement takes " + std::to_string(expected) +
                                  " parameters but was given " + std::to_string(params.size()) +
                                  ": " + std::string(sql_excerpt(sql))));
    }
    for (int i = 0; i < expected; ++i) {
      if (std::visit(Binder{stmt, i + 1}, params[static_cast<size_t>(i)]) != SQLITE_OK) {
        return fail(map_error(db_, sql));
      }
    }
    QueryResult out;
    const int columns = sqlite3_column_count(stmt);
    if (columns > 0) {
      out.columns.reserve(static_cast<size_t>(columns));
      for (int i = 0; i < columns; ++i) {
        const char* name = sqlite3_column_name(stmt, i);
        out.columns.emplace_back(name ? name : "");
      }
    }
    const auto changes_before = sqlite3_total_changes64(db_);
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return fail(map_error(db_, sql));
      std::vector<Value> values;
      values.reserve(static_cast<size_t>(columns));
      for (int i = 0; i < columns; ++i) values.push_back(column_value(stmt, i));
      out.rows.emplace_back(std::move(values));
    }
    // sqlite3_changes keeps the count of the last INSERT/UPDATE/DELETE even across DDL and SELECT;
    // the total only moves when this statement changed rows.
    if (sqlite3_total_changes64(db_) != changes_before) out.affected_rows = sqlite3_changes64(db_);
    return out;
  }

  // Runs a parameterless statement from the cache and discards any rows.
  Result<void> exec(std::string_view sql) {
    auto prepared = prepare(sql);
    if (!prepared) return fail(prepared.error());
    StatementScope scope(*prepared);
    int rc;
    while ((rc = sqlite3_step(prepared->stmt)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) return fail(map_error(db_, sql));
    return {};
  }

  Result<void> exec_script(std::string_view sql) {
    const std::string text(sql);  // sqlite3_exec wants a terminated string
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) {
      return fail(map_error(db_, sql));
    }
    return {};
  }

 private:
  struct Prepared {
    sqlite3_stmt* stmt;
    bool cached;  // false: prepared for one use, finalized by StatementScope
  };

  // Resets a cached statement (releasing its read snapshot) and clears its bindings, or finalizes
  // an uncached one, when the statement's use ends.
  class StatementScope {
   public:
    explicit StatementScope(Prepared p) : p_(p) {}
    ~StatementScope() {
      if (p_.cached) {
        sqlite3_reset(p_.stmt);
        sqlite3_clear_bindings(p_.stmt);
      } else {
        sqlite3_finalize(p_.stmt);
      }
    }
    StatementScope(const StatementScope&) = delete;

   private:
    Prepared p_;
  };

  Result<Prepared> prepare(std::string_view sql) {
    if (auto it = cache_.find(sql); it != cache_.end()) return Prepared{it->second, true};
    const std::string text = rewrite_placeholders(sql);
    const bool cache = cache_.size() < kMaxCachedStatements;
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db_, text.data(), static_cast<int>(text.size()),
                                      cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, &tail);
    if (rc != SQLITE_OK) return fail(map_error(db_, sql));
    if (stmt == nullptr) {
      return fail(Error::internal("empty SQL statement: " + std::string(sql_excerpt(sql))));
    }
    if (!only_trivia(tail, text.data() + text.size())) {
      sqlite3_finalize(stmt);
      return fail(Error::internal("query() runs exactly one statement (use exec_script): " +
                                  std::string(sql_excerpt(sql))));
    }
    if (cache) cache_.emplace(std::string(sql), stmt);
    return Prepared{stmt, cache};
  }

  sqlite3* db_;
  // Keyed by the SQL text as the caller wrote it, so a hit costs no rewrite and no allocation.
  std::unordered_map<std::string, sqlite3_stmt*, StringHash, std::equal_to<>> cache_;
};

namespace {

// The Session handed to run_write() bodies: the writer inside the batch's transaction.
class BatchSession final : public Session {
 public:
  explicit BatchSession(Connection& conn) : conn_(conn) {}
  using Session::query;
  Dialect dialect() const override { return Dialect::kSqlite; }
  Result<QueryResult> query(std::string_view sql, std::span<const Value> params) override {
    return conn_.query(sql, params);
  }
  Result<void> exec_script(std::string_view sql) override { return conn_.exec_script(sql); }

 private:
  Connection& conn_;
};

}  // namespace

// Common part of read and write transactions: a connection inside BEGIN until commit().
class ConnectionTransaction : public Transaction {
 public:
  explicit ConnectionTransaction(Connection* conn) : conn_(conn) {}
  using Session::query;
  Dialect dialect() const override { return Dialect::kSqlite; }
  Result<QueryResult> query(std::string_view sql, std::span<const Value> params) override {
    if (finished_) return fail(finished_error());
    return conn_->query(sql, params);
  }
  Result<void> exec_script(std::string_view sql) override {
    if (finished_) return fail(finished_error());
    return conn_->exec_script(sql);
  }

 protected:
  Result<void> commit_connection() {
    if (finished_) return fail(finished_error());
    finished_ = true;
    auto r = conn_->exec("COMMIT");
    // A failed COMMIT (e.g. a deferred foreign key) leaves the transaction open.
    if (!r && conn_->in_transaction()) (void)conn_->exec("ROLLBACK");
    return r;
  }
  void end_if_open() {
    if (conn_->in_transaction()) (void)conn_->exec("ROLLBACK");
  }

  Connection* conn_;
  bool finished_ = false;
};

class ReadTransaction final : public ConnectionTransaction {
 public:
  ReadTransaction(SqliteDatabase* owner, Connection* conn)
      : ConnectionTransaction(conn), owner_(owner) {}
  ~ReadTransaction() override {
    end_if_open();
    owner_->release_reader(conn_);
  }
  Result<void> commit() override { return commit_connection(); }

 private:
  SqliteDatabase* owner_;
};

class WriteTransaction final : public ConnectionTransaction {
 public:
  WriteTransaction(SqliteDatabase* owner, std::unique_lock<std::mutex> lock, Connection* conn)
      : ConnectionTransaction(conn), owner_(owner), lock_(std::move(lock)) {}
  // Rolls back unless committed; lock_ then releases the writer.
  ~WriteTransaction() override { end_if_open(); }
  Result<void> commit() override {
    auto r = commit_connection();
    if (r) {
      owner_->write_transactions_.fetch_add(1, std::memory_order_relaxed);
      owner_->write_batches_.fetch_add(1, std::memory_order_relaxed);
    }
    return r;
  }

 private:
  SqliteDatabase* owner_;
  std::unique_lock<std::mutex> lock_;
};

// A queued run_write() call; lives on its caller's stack until the caller returns.
struct SqliteDatabase::WriteRequest {
  const std::function<Result<void>(Session&)>* body = nullptr;
  WriteRequest* next = nullptr;  // guarded by queue_mu_
  std::condition_variable cv;
  bool done = false;  // guarded by queue_mu_
  // Written by the leader before `done` is set under queue_mu_.
  std::optional<Error> error;
  std::exception_ptr exception;
};

SqliteDatabase::SqliteDatabase() = default;

SqliteDatabase::~SqliteDatabase() {
  close();
}

Result<std::unique_ptr<SqliteDatabase>> SqliteDatabase::open(const std::string& path,
                                                             const DatabaseOptions& options) {
  if (options.readers < 1) {
    return fail(
        Error::invalid("db", "读连接数至少为 1", "at least one reader connection is needed"));
  }
  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase());
  auto writer = Connection::open(path, true, options.busy_timeout_ms);
  if (!writer) return fail(writer.error());
  db->writer_ = std::move(*writer);
  for (int i = 0; i < options.readers; ++i) {
    auto reader = Connection::open(path, false, options.busy_timeout_ms);
    if (!reader) return fail(reader.error());
    db->free_readers_.push_back(reader->get());
    db->readers_.push_back(std::move(*reader));
  }
  db->readers_total_ = options.readers;
  return db;
}

Result<std::unique_ptr<Transaction>> SqliteDatabase::begin_read() {
  Connection* conn = nullptr;
  {
    std::unique_lock lock(pool_mu_);
    pool_cv_.wait(lock, [&] { return closed_.load() || !free_readers_.empty(); });
    if (closed_.load()) return fail(closed_error());
    conn = free_readers_.back();
    free_readers_.pop_back();
  }
  auto tx = std::make_unique<ReadTransaction>(this, conn);  // returns the reader when destroyed
  if (auto r = conn->exec("BEGIN"); !r) return fail(r.error());
  return std::unique_ptr<Transaction>(std::move(tx));
}

void SqliteDatabase::release_reader(Connection* reader) {
  std::lock_guard lock(pool_mu_);
  free_readers_.push_back(reader);
  // Notify under the lock: once close() sees every reader back it may destroy pool_cv_.
  if (closed_.load()) {
    pool_cv_.notify_all();
  } else {
    pool_cv_.notify_one();
  }
}

Result<std::unique_ptr<Transaction>> SqliteDatabase::begin_write() {
  if (closed_.load()) return fail(closed_error());
  writers_waiting_.fetch_add(1, std::memory_order_relaxed);
  std::unique_lock lock(writer_mu_);
  writers_waiting_.fetch_sub(1, std::memory_order_relaxed);
  if (closed_.load() || !writer_) return fail(closed_error());
  if (auto r = writer_->exec("BEGIN IMMEDIATE"); !r) return fail(r.error());
  return std::unique_ptr<Transaction>(new WriteTransaction(this, std::move(lock), writer_.get()));
}

Result<void> SqliteDatabase::run_write(const std::function<Result<void>(Session&)>& body) {
  if (closed_.load()) return fail(closed_error());
  WriteRequest req;
  req.body = &body;
  std::unique_lock lock(queue_mu_);
  if (queue_tail_) {
    queue_tail_->next = &req;
  } else {
    queue_head_ = &req;
  }
  queue_tail_ = &req;
  writers_waiting_.fetch_add(1, std::memory_order_relaxed);
  while (!req.done && queue_head_ != &req) req.cv.wait(lock);
  if (!req.done) {
    // This caller heads the queue: it leads a batch of everything queued so far. Callers arriving
    // meanwhile queue behind `last` and form the next batch.
    WriteRequest* last = &req;
    for (int n = 1; last->next && n < kMaxBatch; ++n) last = last->next;
    lock.unlock();
    run_batch(&req, last);
    lock.lock();
    WriteRequest* rest = last->next;
    for (WriteRequest* p = req.next; p != rest;) {
      WriteRequest* following = p->next;
      p->done = true;  // its owner may return (and free p) as soon as queue_mu_ is released
      p->cv.notify_one();
      p = following;
    }
    queue_head_ = rest;
    if (rest) {
      rest->cv.notify_one();  // the next leader
    } else {
      queue_tail_ = nullptr;
    }
  }
  lock.unlock();
  if (req.exception) std::rethrow_exception(req.exception);
  if (req.error) return fail(std::move(*req.error));
  return {};
}

void SqliteDatabase::run_batch(WriteRequest* first, WriteRequest* last) {
  // Only first..last are touched: last->next may be written concurrently by new arrivals.
  auto for_each = [&](auto&& fn) {
    for (WriteRequest* p = first;; p = p->next) {
      fn(*p);
      if (p == last) break;
    }
  };
  std::lock_guard writer_lock(writer_mu_);
  for_each([&](WriteRequest&) { writers_waiting_.fetch_sub(1, std::memory_order_relaxed); });
  if (closed_.load() || !writer_) {
    for_each([](WriteRequest& r) { r.error = closed_error(); });
    return;
  }
  Connection& conn = *writer_;
  if (auto r = conn.exec("BEGIN IMMEDIATE"); !r) {
    for_each([&](WriteRequest& req) { req.error = r.error(); });
    return;
  }
  BatchSession session(conn);
  // Set when the physical transaction is lost or cannot commit: then no body of the batch commits.
  // Deferred foreign keys are only checked at COMMIT, so with them one bad body fails its batch.
  std::optional<Error> batch_error;
  for_each([&](WriteRequest& req) {
    if (batch_error) return;
    if (auto sp = conn.exec(kSavepoint); !sp) {
      req.error = sp.error();
      if (!conn.in_transaction()) batch_error = sp.error();
      return;
    }
    Result<void> result;
    try {
      result = (*req.body)(session);
    } catch (...) {
      req.exception = std::current_exception();
    }
    if (!result) req.error = std::move(result.error());
    if (!conn.in_transaction()) {
      batch_error = Error::internal(
          "a write batch lost its transaction (the engine rolled back, or a body ended it)");
      return;
    }
    if (!req.error && !req.exception) {
      auto released = conn.exec(kRelease);
      if (released) return;
      req.error = released.error();
    }
    // Undo this body only; the savepoint keeps the others' work.
    auto undone = conn.exec(kRollbackTo);
    auto released = conn.exec(kRelease);
    if (!undone || !released) {
      batch_error = undone ? released.error() : undone.error();
    }
  });
  if (!batch_error) {
    if (auto r = conn.exec("COMMIT"); !r) batch_error = r.error();
  }
  if (batch_error && conn.in_transaction()) (void)conn.exec("ROLLBACK");
  std::int64_t committed = 0;
  for_each([&](WriteRequest& req) {
    if (req.error || req.exception) return;
    if (batch_error) {
      req.error = *batch_error;
    } else {
      ++committed;
    }
  });
  if (!batch_error) {
    write_batches_.fetch_add(1, std::memory_order_relaxed);
    write_transactions_.fetch_add(committed, std::memory_order_relaxed);
  }
}

PoolStats SqliteDatabase::stats() const {
  PoolStats s;
  {
    std::lock_guard lock(pool_mu_);
    s.readers_total = readers_total_;
    s.readers_in_use = static_cast<int>(readers_.size() - free_readers_.size());
  }
  s.writers_waiting = writers_waiting_.load(std::memory_order_relaxed);
  s.write_transactions = write_transactions_.load(std::memory_order_relaxed);
  s.write_batches = write_batches_.load(std::memory_order_relaxed);
  return s;
}

void SqliteDatabase::close() {
  {
    std::unique_lock lock(pool_mu_);
    if (closed_.exchange(true)) return;
    pool_cv_.notify_all();  // waiting begin_read() callers give up
    pool_cv_.wait(lock, [&] { return free_readers_.size() == readers_.size(); });
    free_readers_.clear();
    readers_.clear();
  }
  // Waits for an open write transaction or a running batch; later ones see closed_.
  std::lock_guard writer_lock(writer_mu_);
  if (writer_) {
    // Folds the WAL into the database file so the closed database is one self-contained file.
    (void)writer_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    writer_.reset();
  }
}

}  // namespace civicgrid::store::sqlite
