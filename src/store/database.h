// The storage interface: engines, connections, transactions, parameterised statements, migrations.
//
// The store knows database engines (SQLite now, PostgreSQL later) and nothing of any domain table.
// Modules own their SQL (named constants in their queries.h) and run it through a Session.
//
// SQL text is written once, in PostgreSQL's placeholder style ($1, $2, ...). The SQLite adapter rewrites
// placeholders to ?NNN, so the same named query runs on both engines where their dialects agree; where
// they differ a module keeps one text per Dialect.
//
// Thread safety: a Database is shared by all threads. A Session/Transaction belongs to one thread for
// its lifetime.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/error.h"

namespace civicgrid::store {

enum class Dialect { kSqlite, kPostgres };

// A bound parameter or a column value. Text is UTF-8; blobs are not used by civicgrid.
using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool is_null(size_t i) const { return std::holds_alternative<std::nullptr_t>(values_.at(i)); }
  // Accessors convert where it is lossless (an integer column read as text, etc.).
  std::int64_t i64(size_t i) const;
  double f64(size_t i) const;
  std::string str(size_t i) const;
  std::optional<std::string> opt_str(size_t i) const;
  std::optional<std::int64_t> opt_i64(size_t i) const;
  const Value& at(size_t i) const { return values_.at(i); }

 private:
  std::vector<Value> values_;
};

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  std::int64_t affected_rows = 0;
  bool empty() const { return rows.empty(); }
};

// An open transaction on one connection. Errors from the engine come back as:
//   kConflict     a unique or primary-key constraint was violated (field = constraint if known)
//   kUnavailable  the engine is busy/locked past its timeout, or a serialization failure
//   kInternal     anything else (bad SQL, I/O error); the detail names the statement
class Session {
 public:
  virtual ~Session() = default;
  virtual Dialect dialect() const = 0;

  virtual Result<QueryResult> query(std::string_view sql, std::span<const Value> params) = 0;
  // Several statements separated by ';' without parameters (migrations).
  virtual Result<void> exec_script(std::string_view sql) = 0;

  Result<QueryResult> query(std::string_view sql, std::initializer_list<Value> params = {}) {
    return query(sql, std::span<const Value>(params.begin(), params.size()));
  }
  // Returns the number of rows the statement changed.
  Result<std::int64_t> execute(std::string_view sql, std::initializer_list<Value> params = {}) {
    auto r = query(sql, params);
    if (!r) return fail(r.error());
    return r->affected_rows;
  }
};

// A Session that commits explicitly and rolls back in its destructor if it was not committed.
class Transaction : public Session {
 public:
  virtual Result<void> commit() = 0;
};

struct PoolStats {
  int readers_total = 0;
  int readers_in_use = 0;
  int writers_waiting = 0;
  std::int64_t write_transactions = 0;
  std::int64_t write_batches = 0;  // with group commit, several transactions share one batch
  std::int64_t write_retries = 0;  // bodies run again after losing to a concurrent writer
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;

  // A read-only snapshot transaction from the reader pool.
  virtual Result<std::unique_ptr<Transaction>> begin_read() = 0;
  // The write transaction. On SQLite there is one writer at a time; callers wait their turn.
  virtual Result<std::unique_ptr<Transaction>> begin_write() = 0;

  // Runs `body` inside a write transaction and commits it when the body succeeds; rolls back when it
  // fails. The engine may run several concurrent bodies in one physical transaction (group commit),
  // each inside its own savepoint, so a body must not commit or roll back by itself. When this returns
  // success the changes are durable.
  virtual Result<void> run_write(const std::function<Result<void>(Session&)>& body) = 0;

  virtual PoolStats stats() const = 0;
  // Closes every connection; later calls fail with kUnavailable.
  virtual void close() = 0;

  // write(f): f(Session&) -> Result<T>; returns Result<T> after commit.
  template <typename F>
  auto write(F&& body) -> std::invoke_result_t<F, Session&> {
    using R = std::invoke_result_t<F, Session&>;
    using T = typename R::value_type;
    if constexpr (std::is_void_v<T>) {
      return run_write([&](Session& s) -> Result<void> { return body(s); });
    } else {
      std::optional<T> out;
      auto r = run_write([&](Session& s) -> Result<void> {
        auto v = body(s);
        if (!v) return fail(v.error());
        out.emplace(std::move(*v));
        return {};
      });
      if (!r) return fail(r.error());
      return std::move(*out);
    }
  }

  // read(f): f(Session&) -> Result<T> inside a read snapshot.
  template <typename F>
  auto read(F&& body) -> std::invoke_result_t<F, Session&> {
    auto tx = begin_read();
    if (!tx) return fail(tx.error());
    return body(**tx);
  }
};

struct DatabaseOptions {
  // "sqlite:/path/to/file.db" or a directory (the file civicgrid.db inside it);
  // "postgresql://..." or "postgres://..." (a libpq connection URI).
  std::string url;
  int readers = 4;
  int busy_timeout_ms = 5000;
};

// Opens the engine named by the URL. Fails with kInvalidArgument (field "db") for an unknown scheme.
Result<std::unique_ptr<Database>> open_database(const DatabaseOptions& options);

}  // namespace civicgrid::store
