#include "store/postgres/pg_database.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

#include "store/engine_errors.h"

namespace civicgrid::store::postgres {

namespace {

// Statements beyond this many per connection run unnamed (prepared for one use), so SQL built at
// run time cannot grow the server-side cache without bound.
constexpr size_t kMaxCachedStatements = 512;

// Type OIDs from pg_type.h (stable since PostgreSQL 7).
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kOidOid = 26;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

using detail::closed_error;
using detail::finished_error;
using detail::sql_excerpt;

bool retryable(std::string_view state) {
  return state == "40001" || state == "40P01";
}

// Maps a failed result (or, without one, the connection's state) to the store's error contract.
Error map_error(PGconn* conn, const PGresult* res, std::string_view sql) {
  const char* state_c = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view state = state_c ? state_c : "";
  if (state == "23505") return Error::conflict("数据已存在", "already exists");
  if (state == "23503") {
    return Error::invalid("", "引用的数据不存在，或该数据仍被其他数据引用",
                          "a referenced record does not exist, or the record is still referenced");
  }
  if (state == "23514")
    return Error::invalid("", "数据不符合约束条件", "a value violates a check constraint");
  if (state == "23502") return Error::invalid("", "缺少必需的值", "a required value is missing");
  if (retryable(state) || state == "55P03" || state == "57014" || state.starts_with("08") ||
      state == "57P01" || state == "57P03" || PQstatus(conn) != CONNECTION_OK) {
    return Error::unavailable("数据库繁忙，请稍后重试", "the database is busy, try again later");
  }
  const char* msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
  std::string text = msg ? msg : "";
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return Error::internal("postgres error " + std::string(state.empty() ? "?" : state) + " (" +
                         text + ") in: " + std::string(sql_excerpt(sql)));
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

Value column_value(const PGresult* res, int row, int col) {
  if (PQgetisnull(res, row, col)) return nullptr;
  const char* text = PQgetvalue(res, row, col);
  const int len = PQgetlength(res, row, col);
  const Oid type = PQftype(res, col);
  switch (type) {
    case kBoolOid:
      return std::int64_t{text[0] == 't' ? 1 : 0};
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid:
    case kOidOid: {
      std::int64_t v = 0;
      std::from_chars(text, text + len, v);
      return v;
    }
    case kNumericOid: {
      // SUM over BIGINT yields numeric: whole values read as integers, the rest as reals.
      std::int64_t v = 0;
      auto [p, ec] = std::from_chars(text, text + len, v);
      if (ec == std::errc() && p == text + len) return v;
      double d = 0;
      std::from_chars(text, text + len, d);
      return d;
    }
    case kFloat4Oid:
    case kFloat8Oid: {
      double d = 0;
      std::from_chars(text, text + len, d);
      return d;
    }
    default:
      return std::string(text, static_cast<size_t>(len));
  }
}

}  // namespace

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// One PGconn, used by one thread at a time, with its prepared statements by SQL text and parameter
// types. Records whether the current transaction hit a serialization failure or a deadlock.
class Connection {
 public:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  ~Connection() { PQfinish(conn_); }
  Connection(const Connection&) = delete;

  static Result<std::unique_ptr<Connection>> open(const std::string& url,
                                                  int statement_timeout_ms) {
    auto conn = std::make_unique<Connection>(PQconnectdb(url.c_str()));
    if (PQstatus(conn->conn_) != CONNECTION_OK) {
      std::string msg = PQerrorMessage(conn->conn_);
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      // The URL may hold a password, so only the server's words are kept.
      return fail(Error::unavailable("无法连接 PostgreSQL：" + msg,
                                     "cannot connect to PostgreSQL: " + msg));
    }
    // UTC and UTF-8 whatever the server's defaults; a statement that runs away is cancelled.
    std::string setup =
        "SET client_encoding = 'UTF8'; SET TimeZone = 'UTC'; SET client_min_messages = warning;";
    if (statement_timeout_ms > 0)
      setup += " SET statement_timeout = " + std::to_string(statement_timeout_ms) + ";";
    if (auto r = conn->exec_script(setup); !r) return fail(r.error());
    return conn;
  }

  bool ok() const { return PQstatus(conn_) == CONNECTION_OK; }
  bool in_transaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }
  bool retry_wanted() const { return retry_wanted_; }
  void reset_flags() { retry_wanted_ = false; }

  Result<QueryResult> query(std::string_view sql, std::span<const Value> params) {
    const size_t n = params.size();
    std::vector<Oid> types(n, 0);
    std::vector<std::string> texts(n);
    std::vector<const char*> values(n, nullptr);
    std::string key(sql);
    key += '\x1f';
    for (size_t i = 0; i < n; ++i) {
      const Value& v = params[i];
      if (const auto* iv = std::get_if<std::int64_t>(&v)) {
        types[i] = kInt8Oid;
        texts[i] = std::to_string(*iv);
        key += 'i';
      } else if (const auto* dv = std::get_if<double>(&v)) {
        types[i] = kFloat8Oid;
        char buf[64];
        auto [p, ec] = std::to_chars(buf, buf + sizeof buf, *dv);
        texts[i].assign(buf, ec == std::errc() ? p : buf);
        key += 'f';
      } else if (const auto* sv = std::get_if<std::string>(&v)) {
        texts[i] = *sv;
        key += 't';
      } else {
        key += 'n';
      }
    }
    for (size_t i = 0; i < n; ++i)
      if (!std::holds_alternative<std::nullptr_t>(params[i])) values[i] = texts[i].c_str();

    const std::string* name = nullptr;
    auto it = cache_.find(key);
    if (it == cache_.end() && cache_.size() < kMaxCachedStatements) {
      std::string stmt_name = "cg" + std::to_string(cache_.size() + 1);
      ResultPtr prep(PQprepare(conn_, stmt_name.c_str(), std::string(sql).c_str(),
                               static_cast<int>(n), n ? types.data() : nullptr));
      if (!prep || PQresultStatus(prep.get()) != PGRES_COMMAND_OK)
        return fail(failure(prep.get(), sql));
      it = cache_.emplace(std::move(key), std::move(stmt_name)).first;
    }
    ResultPtr res;
    if (it != cache_.end()) {
      name = &it->second;
      res.reset(PQexecPrepared(conn_, name->c_str(), static_cast<int>(n),
                               n ? values.data() : nullptr, nullptr, nullptr, 0));
    } else {
      res.reset(PQexecParams(conn_, std::string(sql).c_str(), static_cast<int>(n),
                             n ? types.data() : nullptr, n ? values.data() : nullptr, nullptr,
                             nullptr, 0));
    }
    const auto status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
      return fail(failure(res.get(), sql));
    QueryResult out;
    const int columns = PQnfields(res.get());
    const int rows = PQntuples(res.get());
    out.columns.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) out.columns.emplace_back(PQfname(res.get(), c));
    out.rows.reserve(static_cast<size_t>(rows));
    for (int r = 0; r < rows; ++r) {
      std::vector<Value> row;
      row.reserve(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) row.push_back(column_value(res.get(), r, c));
      out.rows.emplace_back(std::move(row));
    }
    // A SELECT reports its row count in PQcmdTuples too; only statements that change rows count
    // (INSERT ... RETURNING does).
    const char* affected = PQcmdTuples(res.get());
    const std::string_view tag = PQcmdStatus(res.get());
    if (affected && *affected && !tag.starts_with("SELECT"))
      out.affected_rows = std::atoll(affected);
    return out;
  }

  Result<void> exec_script(std::string_view sql) {
    // The simple-query protocol runs several statements in one call; the last result tells.
    if (!PQsendQuery(conn_, std::string(sql).c_str())) return fail(failure(nullptr, sql));
    std::optional<Error> error;
    while (PGresult* raw = PQgetResult(conn_)) {
      ResultPtr res(raw);
      const auto status = PQresultStatus(raw);
      if (!error && status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
          status != PGRES_EMPTY_QUERY)
        error = failure(raw, sql);
    }
    if (error) return fail(*error);
    return {};
  }

  Result<void> exec(std::string_view sql) { return exec_script(sql); }

 private:
  Error failure(const PGresult* res, std::string_view sql) {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    if (state && retryable(state)) retry_wanted_ = true;
    return map_error(conn_, res, sql);
  }

  PGconn* conn_;
  bool retry_wanted_ = false;
  std::unordered_map<std::string, std::string> cache_;
};

// A connection inside BEGIN until commit(); rolls back and returns the connection when destroyed.
class PgTransaction final : public Transaction {
 public:
  PgTransaction(PgDatabase* owner, PgDatabase::Pool* pool, Connection* conn, bool write)
      : owner_(owner), pool_(pool), conn_(conn), write_(write) {}
  ~PgTransaction() override {
    if (conn_->ok() && conn_->in_transaction()) (void)conn_->exec("ROLLBACK");
    owner_->release(*pool_, conn_);
  }
  using Session::query;
  Dialect dialect() const override { return Dialect::kPostgres; }
  Result<QueryResult> query(std::string_view sql, std::span<const Value> params) override {
    if (finished_) return fail(finished_error());
    return conn_->query(sql, params);
  }
  Result<void> exec_script(std::string_view sql) override {
    if (finished_) return fail(finished_error());
    return conn_->exec_script(sql);
  }
  Result<void> commit() override {
    if (finished_) return fail(finished_error());
    finished_ = true;
    auto r = conn_->exec("COMMIT");
    if (!r && conn_->in_transaction()) (void)conn_->exec("ROLLBACK");
    if (r && write_) owner_->write_transactions_.fetch_add(1, std::memory_order_relaxed);
    return r;
  }
  bool retry_wanted() const { return conn_->retry_wanted(); }

 private:
  PgDatabase* owner_;
  PgDatabase::Pool* pool_;
  Connection* conn_;
  bool write_;
  bool finished_ = false;
};

Result<void> execute_autocommit(const std::string& url, std::string_view sql) {
  auto conn = Connection::open(url, 0);
  if (!conn) return fail(conn.error());
  return (*conn)->exec_script(sql);
}

std::string url_with_database(std::string_view url, std::string_view database) {
  const size_t scheme = url.find("://");
  const size_t slash = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  const size_t query = url.find('?');
  std::string out(url.substr(0, slash == std::string_view::npos ? query : slash));
  out += '/';
  out += database;
  if (query != std::string_view::npos) out += url.substr(query);
  return out;
}

PgDatabase::PgDatabase(const DatabaseOptions& options)
    : url_(options.url), statement_timeout_ms_(0) {
  readers_.limit = std::max(1, options.readers);
  // PostgreSQL flushes the commits that wait together in one WAL write, so intake gains with
  // concurrent writers once they share no row: 16 against 8 measured 1.5x faster (docs/adr/0016).
  writers_.limit = std::max(1, options.readers) * kWritersPerReader;
}

PgDatabase::~PgDatabase() {
  close();
}

Result<std::unique_ptr<PgDatabase>> PgDatabase::open(const DatabaseOptions& options) {
  std::unique_ptr<PgDatabase> db(new PgDatabase(options));
  auto first = Connection::open(db->url_, db->statement_timeout_ms_);
  if (!first) return fail(first.error());
  db->writers_.idle.push_back(first->get());
  db->writers_.all.push_back(std::move(*first));
  return db;
}

Result<Connection*> PgDatabase::acquire(Pool& pool) {
  std::unique_lock lock(mu_);
  ++pool.waiting;
  cv_.wait(lock, [&] {
    return closed_.load() || !pool.idle.empty() || static_cast<int>(pool.all.size()) < pool.limit;
  });
  --pool.waiting;
  if (closed_.load()) return fail(closed_error());
  if (!pool.idle.empty()) {
    Connection* c = pool.idle.back();
    pool.idle.pop_back();
    return c;
  }
  // Reserve the slot, connect without the lock held.
  pool.all.push_back(nullptr);
  lock.unlock();
  auto conn = Connection::open(url_, statement_timeout_ms_);
  lock.lock();
  auto slot = std::find(pool.all.begin(), pool.all.end(), nullptr);
  if (!conn) {
    pool.all.erase(slot);
    cv_.notify_all();
    return fail(conn.error());
  }
  Connection* c = conn->get();
  *slot = std::move(*conn);
  return c;
}

void PgDatabase::release(Pool& pool, Connection* conn) {
  std::lock_guard lock(mu_);
  conn->reset_flags();
  if (!conn->ok() || conn->in_transaction()) {
    // A broken connection is dropped; the next acquire opens a fresh one.
    auto it =
        std::find_if(pool.all.begin(), pool.all.end(), [&](auto& p) { return p.get() == conn; });
    if (it != pool.all.end()) pool.all.erase(it);
  } else {
    pool.idle.push_back(conn);
  }
  cv_.notify_all();
}

Result<std::unique_ptr<Transaction>> PgDatabase::begin(Pool& pool, std::string_view begin_sql,
                                                       bool write) {
  if (closed_.load()) return fail(closed_error());
  auto conn = acquire(pool);
  if (!conn) return fail(conn.error());
  auto tx = std::make_unique<PgTransaction>(this, &pool, *conn, write);  // releases the connection
  if (auto r = (*conn)->exec(begin_sql); !r) return fail(r.error());
  return std::unique_ptr<Transaction>(std::move(tx));
}

Result<std::unique_ptr<Transaction>> PgDatabase::begin_read() {
  return begin(readers_, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", false);
}

Result<std::unique_ptr<Transaction>> PgDatabase::begin_write() {
  // REPEATABLE READ keeps the store's contract that a read-modify-write body loses no update;
  // READ COMMITTED was measured slower on intake (docs/adr/0016, "Update").
  return begin(writers_, "BEGIN ISOLATION LEVEL REPEATABLE READ", true);
}

Result<void> PgDatabase::run_write(const std::function<Result<void>(Session&)>& body) {
  thread_local std::minstd_rand jitter(std::random_device{}());
  const auto give_up_at = std::chrono::steady_clock::now() + kRetryBudget;
  for (int attempt = 1;; ++attempt) {
    auto tx = begin_write();
    if (!tx) return fail(tx.error());
    auto& t = static_cast<PgTransaction&>(**tx);
    auto r = body(t);
    if (r) r = t.commit();
    if (r) return {};
    if (!t.retry_wanted() || std::chrono::steady_clock::now() >= give_up_at) return r;
    tx->reset();  // rolls back and returns the connection before waiting
    retries_.fetch_add(1, std::memory_order_relaxed);
    // Back off a little, more with every attempt, so the losers do not collide again at once.
    const int cap = std::min(50, 1 << std::min(attempt, 6));
    std::this_thread::sleep_for(std::chrono::milliseconds(1 + jitter() % cap));
  }
}

PoolStats PgDatabase::stats() const {
  PoolStats s;
  std::lock_guard lock(mu_);
  s.readers_total = readers_.limit;
  s.readers_in_use = static_cast<int>(readers_.all.size() - readers_.idle.size());
  s.writers_waiting = writers_.waiting;
  s.write_transactions = write_transactions_.load(std::memory_order_relaxed);
  s.write_batches = s.write_transactions;
  s.write_retries = retries_.load(std::memory_order_relaxed);
  return s;
}

void PgDatabase::close() {
  std::unique_lock lock(mu_);
  if (closed_.exchange(true)) return;
  cv_.notify_all();
  // Waits for connections in use to come back, then closes every one.
  cv_.wait(lock, [&] {
    return readers_.idle.size() == readers_.all.size() &&
           writers_.idle.size() == writers_.all.size();
  });
  readers_.idle.clear();
  readers_.all.clear();
  writers_.idle.clear();
  writers_.all.clear();
}

}  // namespace civicgrid::store::postgres
