// Slows down password guessing: after `max_failures` failed logins within `window_ms` for the same
// username or from the same address, further attempts are refused until the window has passed.
// In memory and per process: with several processes an attacker gets N× the attempts, which still
// bounds guessing (argon2id makes each attempt costly too).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "core/time.h"

namespace civicgrid::identity {

struct ThrottleOptions {
  int max_failures_per_user = 5;
  int max_failures_per_address = 20;
  std::int64_t window_ms = 15 * kMillisPerMinute;
};

class LoginThrottle {
 public:
  explicit LoginThrottle(ThrottleOptions options) : options_(options) {}

  // 0 when an attempt is allowed now, else the milliseconds until it will be.
  std::int64_t retry_after(std::string_view username, std::string_view address, Timestamp now);
  void record_failure(std::string_view username, std::string_view address, Timestamp now);
  void record_success(std::string_view username);

 private:
  struct Window {
    Timestamp start = 0;
    int failures = 0;
  };
  std::int64_t check(std::map<std::string, Window, std::less<>>& m, std::string_view key, int max,
                     Timestamp now);
  void bump(std::map<std::string, Window, std::less<>>& m, std::string_view key, Timestamp now);

  ThrottleOptions options_;
  std::mutex mu_;
  std::map<std::string, Window, std::less<>> by_user_;
  std::map<std::string, Window, std::less<>> by_address_;
};

}  // namespace civicgrid::identity
