#include "identity/login_throttle.h"

#include <algorithm>

namespace civicgrid::identity {

std::int64_t LoginThrottle::check(std::map<std::string, Window, std::less<>>& m,
                                  std::string_view key, int max, Timestamp now) {
  auto it = m.find(key);
  if (it == m.end()) return 0;
  if (now - it->second.start >= options_.window_ms) {
    m.erase(it);
    return 0;
  }
  if (it->second.failures < max) return 0;
  return it->second.start + options_.window_ms - now;
}

void LoginThrottle::bump(std::map<std::string, Window, std::less<>>& m, std::string_view key,
                         Timestamp now) {
  auto it = m.find(key);
  if (it == m.end() || now - it->second.start >= options_.window_ms) {
    m.insert_or_assign(std::string(key), Window{now, 1});
    return;
  }
  ++it->second.failures;
}

std::int64_t LoginThrottle::retry_after(std::string_view username, std::string_view address,
                                        Timestamp now) {
  std::lock_guard lock(mu_);
  return std::max(check(by_user_, username, options_.max_failures_per_user, now),
                  check(by_address_, address, options_.max_failures_per_address, now));
}

void LoginThrottle::record_failure(std::string_view username, std::string_view address,
                                   Timestamp now) {
  std::lock_guard lock(mu_);
  bump(by_user_, username, now);
  bump(by_address_, address, now);
}

void LoginThrottle::record_success(std::string_view username) {
  std::lock_guard lock(mu_);
  if (auto it = by_user_.find(username); it != by_user_.end()) by_user_.erase(it);
}

}  // namespace civicgrid::identity
