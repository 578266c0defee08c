// The PostgreSQL adapter over libpq: a pool of connections shared by readers and writers, prepared
// statements cached per connection, parameters sent as text.
//
// Unlike SQLite, PostgreSQL runs writers side by side, so run_write() does not serialise callers:
// each body runs in its own REPEATABLE READ transaction on a pooled connection. When two bodies
// touch the same rows, PostgreSQL aborts one with a serialization failure (40001) or a deadlock
// (40P01); run_write() then rolls back and runs that body again, so a body must not have effects
// outside the Session that a second run would repeat. Reads are REPEATABLE READ READ ONLY
// snapshots.
//
// Parameters: integers go as int8, reals as float8, text and NULL as type `unknown`, so the server
// infers their type from where they are used (a text parameter fits a BIGINT column the way a
// literal would). Column values come back as int64 (integer and boolean types), double (float and
// fractional numeric) or text.
//
// Errors (see database.h): 23505 → kConflict; 23503/23514/23502 → kInvalidArgument; 40001, 40P01,
// 55P03, 57014 and lost connections → kUnavailable; anything else → kInternal naming the statement.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/error.h"
#include "store/database.h"

namespace civicgrid::store::postgres {

// One PGconn and its prepared-statement cache (defined in the .cpp).
class Connection;

class PgDatabase final : public Database {
 public:
  // How long run_write() keeps running a body that loses to concurrent transactions before it
  // gives up with kUnavailable. Bounded by time rather than attempts: under a burst (every intake
  // workflow steps on one case) a body may lose many times in a row, and a busy answer to an
  // appeal the store could have taken a moment later is worse than a slower one.
  static constexpr std::chrono::milliseconds kRetryBudget{10'000};

  // Write connections per read connection of the pool.
  static constexpr int kWritersPerReader = 4;

  // Connects once to check the URL (a libpq connection URI or key=value string); further
  // connections open on demand, up to options.readers for reads and kWritersPerReader times as
  // many for writes (4 and 16 by default).
  static Result<std::unique_ptr<PgDatabase>> open(const DatabaseOptions& options);
  ~PgDatabase() override;

  Dialect dialect() const override { return Dialect::kPostgres; }
  Result<std::unique_ptr<Transaction>> begin_read() override;
  Result<std::unique_ptr<Transaction>> begin_write() override;
  Result<void> run_write(const std::function<Result<void>(Session&)>& body) override;
  // write_batches counts physical commits, which here equal write transactions; retries are not
  // counted.
  PoolStats stats() const override;
  void close() override;

  // Serialization failures and deadlocks that made run_write() run a body again.
  std::int64_t write_retries() const { return retries_.load(std::memory_order_relaxed); }

 private:
  friend class PgTransaction;
  struct Pool {
    std::vector<std::unique_ptr<Connection>> all;
    std::vector<Connection*> idle;
    int limit = 0;
    int waiting = 0;
  };

  explicit PgDatabase(const DatabaseOptions& options);
  Result<Connection*> acquire(Pool& pool);
  void release(Pool& pool, Connection* conn);
  Result<std::unique_ptr<Transaction>> begin(Pool& pool, std::string_view begin_sql, bool write);

  std::string url_;
  int statement_timeout_ms_;
  std::atomic<bool> closed_{false};
  mutable std::mutex mu_;
  std::condition_variable cv_;
  Pool readers_;
  Pool writers_;
  std::atomic<std::int64_t> write_transactions_{0};
  std::atomic<std::int64_t> retries_{0};
};

// Quotes `name` as a PostgreSQL identifier ("a""b").
std::string quote_identifier(std::string_view name);

// Runs `sql` on a connection of its own outside any transaction block, for statements that cannot
// run inside one (CREATE DATABASE, DROP DATABASE). For set-up and tests, not for request paths.
Result<void> execute_autocommit(const std::string& url, std::string_view sql);

// `url` (a postgresql:// URI) with its database name replaced by `database`.
std::string url_with_database(std::string_view url, std::string_view database);

}  // namespace civicgrid::store::postgres
