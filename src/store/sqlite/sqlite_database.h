// The SQLite adapter: one writer connection shared through group commit, and a pool of reader
// connections for snapshot reads. The database runs in WAL mode with synchronous=FULL, so a write
// acknowledged by commit() or run_write() survives a process crash and a power loss.
//
// Writer: begin_write() and run_write() take turns on the one writer connection (writer_mu_).
// Concurrent run_write() callers queue up; the caller at the head of the queue becomes the leader,
// runs up to kMaxBatch queued bodies in one BEGIN IMMEDIATE ... COMMIT, each inside its own
// savepoint, and hands every caller its own result. One fsync thus serves many callers.
//
// A run_write() body may run on another caller's thread (the leader's), after bodies of other
// callers in the same transaction; it must not rely on thread-local state.
//
// Deadlock rules for callers: neither a thread holding a Transaction from begin_write() nor a
// run_write() body may call begin_write() or run_write(), and no thread may call close() while it
// holds a Transaction.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "store/database.h"

namespace civicgrid::store::sqlite {

// One sqlite3 handle and its prepared-statement cache (defined in the .cpp).
class Connection;

// Rewrites PostgreSQL placeholders ($1, $2, ...) to SQLite's numbered form (?1, ?2, ...) outside
// single-quoted strings, double-quoted identifiers and comments. The result has the same length.
std::string rewrite_placeholders(std::string_view sql);

class SqliteDatabase final : public Database {
 public:
  // The most run_write() bodies one physical transaction carries.
  static constexpr int kMaxBatch = 256;

  // Opens (creating if missing) the database file at `path`: the writer first, which switches the
  // file to WAL, then options.readers reader connections.
  static Result<std::unique_ptr<SqliteDatabase>> open(const std::string& path,
                                                      const DatabaseOptions& options);
  ~SqliteDatabase() override;

  Dialect dialect() const override { return Dialect::kSqlite; }
  Result<std::unique_ptr<Transaction>> begin_read() override;
  Result<std::unique_ptr<Transaction>> begin_write() override;
  Result<void> run_write(const std::function<Result<void>(Session&)>& body) override;
  // write_transactions counts committed logical transactions (each successful run_write body and
  // each committed begin_write transaction); write_batches counts physical commits.
  PoolStats stats() const override;
  void close() override;

 private:
  struct WriteRequest;
  friend class ReadTransaction;
  friend class WriteTransaction;

  SqliteDatabase();
  void release_reader(Connection* reader);
  // Runs the queued requests first..last (n of them) as one batch on the writer. Never throws: a
  // body's exception is captured in its request and rethrown on its caller's thread.
  void run_batch(WriteRequest* first, WriteRequest* last);

  std::atomic<bool> closed_{false};

  // The writer connection; used only while writer_mu_ is held.
  std::mutex writer_mu_;
  std::unique_ptr<Connection> writer_;

  // Reader pool.
  mutable std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> readers_;
  std::vector<Connection*> free_readers_;
  int readers_total_ = 0;

  // Group-commit queue: an intrusive list of requests living on their callers' stacks.
  std::mutex queue_mu_;
  WriteRequest* queue_head_ = nullptr;
  WriteRequest* queue_tail_ = nullptr;

  std::atomic<int> writers_waiting_{0};
  std::atomic<std::int64_t> write_transactions_{0};
  std::atomic<std::int64_t> write_batches_{0};
};

}  // namespace civicgrid::store::sqlite
