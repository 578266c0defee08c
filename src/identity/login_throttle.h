// Slows down password guessing: after `max_failures` failed logins within `window_ms` for the same
// username or from the same address, further attempts are refused until the window has passed.
//
// Two modes:
// - in memory (no store): per process; for tests and single-process tools.
// - shared through the store (table login_failures, identity migration V002): every server over
//   one database counts the same failures, so N servers do not give an attacker N× the attempts.
//   Each attempt reads the two windows (one indexed read; a failure writes them), and a window
//   found full is remembered in memory until it ends, so a throttled client costs no store round
//   trip. A success deletes the username's window only when this process saw one, so the common
//   successful login writes nothing here. Passed windows count as none and are pruned by the next
//   failure once per window length.
// When the store cannot be reached the check lets the attempt through (the login itself needs the
// store and fails then anyway) and logs a warning.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "core/time.h"
#include "store/database.h"

namespace civicgrid::identity {

struct ThrottleOptions {
  int max_failures_per_user = 5;
  int max_failures_per_address = 20;
  std::int64_t window_ms = 15 * kMillisPerMinute;
};

class LoginThrottle {
 public:
  // In memory, per process.
  explicit LoginThrottle(ThrottleOptions options) : options_(options) {}
  // Shared through `db` (which must have the identity migrations applied).
  LoginThrottle(ThrottleOptions options, store::Database& db) : options_(options), db_(&db) {}

  // 0 when an attempt is allowed now, else the milliseconds until it will be.
  std::int64_t retry_after(std::string_view username, std::string_view address, Timestamp now);
  void record_failure(std::string_view username, std::string_view address, Timestamp now);
  void record_success(std::string_view username);

 private:
  struct Window {
    Timestamp start = 0;
    int failures = 0;
  };
  using Windows = std::map<std::string, Window, std::less<>>;
  std::int64_t check(Windows& m, std::string_view key, int max, Timestamp now);
  void bump(Windows& m, std::string_view key, Timestamp now);

  std::int64_t shared_retry_after(std::string_view username, std::string_view address,
                                  Timestamp now);
  void shared_record_failure(std::string_view username, std::string_view address, Timestamp now);
  void shared_record_success(std::string_view username);
  // Notes what the store said about `key`'s window (caller holds mu_).
  void note(const std::string& key, Timestamp start, std::int64_t failures, int max, Timestamp now);
  // Wait from the remembered full windows of `key`, 0 when none (caller holds mu_).
  std::int64_t remembered_wait(std::string_view key, Timestamp now);

  ThrottleOptions options_;
  store::Database* db_ = nullptr;
  std::mutex mu_;
  // In memory: the windows themselves.
  Windows by_user_;
  Windows by_address_;
  // Shared: full windows by key until they end, and the live windows of usernames this process
  // saw (a success clears only those).
  std::map<std::string, Timestamp, std::less<>> full_until_;
  std::map<std::string, Timestamp, std::less<>> user_window_until_;
  Timestamp last_prune_ = 0;
};

}  // namespace civicgrid::identity
