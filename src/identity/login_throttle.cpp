#include "identity/login_throttle.h"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "identity/queries.h"

namespace civicgrid::identity {

namespace {

// Bounds the in-memory notes of the shared mode under a spray of usernames: past this size the
// notes of ended windows are dropped.
constexpr size_t kMaxNotes = 10000;

std::string user_key(std::string_view username) {
  return "user:" + std::string(username);
}
std::string address_key(std::string_view address) {
  return "addr:" + std::string(address);
}

template <typename Map>
void drop_ended(Map& m, Timestamp now) {
  if (m.size() < kMaxNotes) return;
  std::erase_if(m, [now](const auto& kv) { return kv.second <= now; });
}

}  // namespace

std::int64_t LoginThrottle::check(Windows& m, std::string_view key, int max, Timestamp now) {
  auto it = m.find(key);
  if (it == m.end()) return 0;
  if (now - it->second.start >= options_.window_ms) {
    m.erase(it);
    return 0;
  }
  if (it->second.failures < max) return 0;
  return it->second.start + options_.window_ms - now;
}

void LoginThrottle::bump(Windows& m, std::string_view key, Timestamp now) {
  auto it = m.find(key);
  if (it == m.end() || now - it->second.start >= options_.window_ms) {
    m.insert_or_assign(std::string(key), Window{now, 1});
    return;
  }
  ++it->second.failures;
}

std::int64_t LoginThrottle::retry_after(std::string_view username, std::string_view address,
                                        Timestamp now) {
  if (db_) return shared_retry_after(username, address, now);
  std::lock_guard lock(mu_);
  return std::max(check(by_user_, username, options_.max_failures_per_user, now),
                  check(by_address_, address, options_.max_failures_per_address, now));
}

void LoginThrottle::record_failure(std::string_view username, std::string_view address,
                                   Timestamp now) {
  if (db_) return shared_record_failure(username, address, now);
  std::lock_guard lock(mu_);
  bump(by_user_, username, now);
  bump(by_address_, address, now);
}

void LoginThrottle::record_success(std::string_view username) {
  if (db_) return shared_record_success(username);
  std::lock_guard lock(mu_);
  if (auto it = by_user_.find(username); it != by_user_.end()) by_user_.erase(it);
}

std::int64_t LoginThrottle::remembered_wait(std::string_view key, Timestamp now) {
  auto it = full_until_.find(key);
  if (it == full_until_.end()) return 0;
  if (it->second <= now) {
    full_until_.erase(it);
    return 0;
  }
  return it->second - now;
}

void LoginThrottle::note(const std::string& key, Timestamp start, std::int64_t failures, int max,
                         Timestamp now) {
  const Timestamp end = start + options_.window_ms;
  if (end <= now) return;
  if (failures >= max) {
    drop_ended(full_until_, now);
    full_until_[key] = end;
  }
  if (key.starts_with("user:")) {
    drop_ended(user_window_until_, now);
    user_window_until_[key.substr(5)] = end;
  }
}

std::int64_t LoginThrottle::shared_retry_after(std::string_view username, std::string_view address,
                                               Timestamp now) {
  const std::string ukey = user_key(username), akey = address_key(address);
  {
    // A window known to be full needs no round trip: it only ends, nothing empties it sooner
    // (a success is refused while it lasts).
    std::lock_guard lock(mu_);
    const std::int64_t wait = std::max(remembered_wait(ukey, now), remembered_wait(akey, now));
    if (wait > 0) return wait;
  }
  auto rows = db_->read([&](store::Session& s) {
    return s.query(queries::kLoginFailures, {ukey, akey});
  });
  if (!rows) {
    spdlog::warn("login throttle: cannot read the failure windows: {}", rows.error().detail());
    return 0;
  }
  std::lock_guard lock(mu_);
  for (const auto& r : rows->rows) {
    const bool is_user = r.str(0) == ukey;
    note(r.str(0), r.i64(1), r.i64(2),
         is_user ? options_.max_failures_per_user : options_.max_failures_per_address, now);
  }
  return std::max(remembered_wait(ukey, now), remembered_wait(akey, now));
}

void LoginThrottle::shared_record_failure(std::string_view username, std::string_view address,
                                          Timestamp now) {
  const std::string ukey = user_key(username), akey = address_key(address);
  const Timestamp passed = now - options_.window_ms;
  bool prune = false;
  {
    std::lock_guard lock(mu_);
    if (now - last_prune_ >= options_.window_ms) {
      prune = true;
      last_prune_ = now;
    }
  }
  struct Seen {
    Timestamp start;
    std::int64_t failures;
  };
  Seen user{}, addr{};
  auto w = db_->write([&](store::Session& s) -> Result<void> {
    // Keys in a fixed order, so two servers recording failures never wait on each other in turn.
    for (const std::string* key : {&akey, &ukey}) {
      auto r = s.query(queries::kRecordLoginFailure, {*key, now, passed});
      if (!r) return fail(r.error());
      if (r->rows.empty()) return fail(Error::internal("login throttle: upsert returned no row"));
      (key == &ukey ? user : addr) = Seen{r->rows[0].i64(0), r->rows[0].i64(1)};
    }
    if (prune)
      if (auto ok = s.execute(queries::kPruneLoginFailures, {passed}); !ok) return fail(ok.error());
    return {};
  });
  if (!w) {
    spdlog::warn("login throttle: cannot record a failed login: {}", w.error().detail());
    return;
  }
  std::lock_guard lock(mu_);
  note(ukey, user.start, user.failures, options_.max_failures_per_user, now);
  note(akey, addr.start, addr.failures, options_.max_failures_per_address, now);
}

void LoginThrottle::shared_record_success(std::string_view username) {
  {
    std::lock_guard lock(mu_);
    if (auto full = full_until_.find(user_key(username)); full != full_until_.end())
      full_until_.erase(full);
    auto it = user_window_until_.find(username);
    if (it == user_window_until_.end()) return;
    user_window_until_.erase(it);
  }
  auto w = db_->write([&](store::Session& s) {
    return s.execute(queries::kClearLoginFailures, {user_key(username)});
  });
  if (!w)
    spdlog::warn("login throttle: cannot clear the failures of a user: {}", w.error().detail());
}

}  // namespace civicgrid::identity
