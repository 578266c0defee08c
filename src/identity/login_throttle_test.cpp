#include "identity/login_throttle.h"

#include <gtest/gtest.h>

#include <string>

namespace civicgrid::identity {
namespace {

constexpr Timestamp kT0 = 1'800'000'000'000;
constexpr std::int64_t kWindow = 10 * kMillisPerMinute;

ThrottleOptions options() {
  ThrottleOptions o;
  o.max_failures_per_user = 3;
  o.max_failures_per_address = 5;
  o.window_ms = kWindow;
  return o;
}

TEST(LoginThrottle, NothingRecordedMeansAllowed) {
  LoginThrottle t(options());
  EXPECT_EQ(t.retry_after("alice", "10.0.0.1", kT0), 0);
}

TEST(LoginThrottle, LocksAUserAfterNFailures) {
  LoginThrottle t(options());
  t.record_failure("alice", "10.0.0.1", kT0);
  t.record_failure("alice", "10.0.0.2", kT0 + 1000);
  EXPECT_EQ(t.retry_after("alice", "10.0.0.1", kT0 + 2000), 0) << "two failures are still allowed";
  t.record_failure("alice", "10.0.0.3", kT0 + 2000);
  // Locked from any address, until the window that began with the first failure ends.
  EXPECT_EQ(t.retry_after("alice", "10.0.0.9", kT0 + 3000), kWindow - 3000);
  EXPECT_EQ(t.retry_after("alice", "10.0.0.1", kT0 + kWindow - 1), 1);
  // Other users from the same addresses are not affected (each address has only 1 failure).
  EXPECT_EQ(t.retry_after("bob", "10.0.0.1", kT0 + 3000), 0);
}

TEST(LoginThrottle, LocksAnAddressAfterNFailuresAcrossUsernames) {
  LoginThrottle t(options());
  const char* names[] = {"u1", "u2", "u3", "u4", "u5"};
  for (int i = 0; i < 4; ++i) t.record_failure(names[i], "10.0.0.66", kT0 + i);
  EXPECT_EQ(t.retry_after("someone", "10.0.0.66", kT0 + 10), 0);
  t.record_failure(names[4], "10.0.0.66", kT0 + 4);
  EXPECT_EQ(t.retry_after("someone", "10.0.0.66", kT0 + 10), kWindow - 10);
  // The same user names from another address are fine: each name failed only once.
  EXPECT_EQ(t.retry_after("u1", "10.0.0.67", kT0 + 10), 0);
}

TEST(LoginThrottle, TheLongerOfBothWaitsApplies) {
  LoginThrottle t(options());
  // Address failures start early; user failures later.
  t.record_failure("x1", "10.1.1.1", kT0);
  t.record_failure("x2", "10.1.1.1", kT0);
  for (int i = 0; i < 3; ++i) t.record_failure("alice", "10.1.1.1", kT0 + 60'000);
  // Address: 5 failures since kT0; user: 3 since kT0 + 60 s. The user window ends later.
  EXPECT_EQ(t.retry_after("alice", "10.1.1.1", kT0 + 120'000), kWindow - 60'000);
  EXPECT_EQ(t.retry_after("carol", "10.1.1.1", kT0 + 120'000), kWindow - 120'000);
}

TEST(LoginThrottle, WindowExpiryUnlocks) {
  LoginThrottle t(options());
  for (int i = 0; i < 3; ++i) t.record_failure("alice", "10.0.0.1", kT0);
  EXPECT_GT(t.retry_after("alice", "10.0.0.1", kT0 + kWindow - 1), 0);
  EXPECT_EQ(t.retry_after("alice", "10.0.0.1", kT0 + kWindow), 0);
  // A failure after the window starts a new count of one.
  t.record_failure("alice", "10.0.0.1", kT0 + kWindow + 5);
  EXPECT_EQ(t.retry_after("alice", "10.0.0.1", kT0 + kWindow + 6), 0);
  t.record_failure("alice", "10.0.0.1", kT0 + kWindow + 7);
  t.record_failure("alice", "10.0.0.1", kT0 + kWindow + 8);
  EXPECT_EQ(t.retry_after("alice", "10.0.0.1", kT0 + kWindow + 10), kWindow - 5);
}

TEST(LoginThrottle, FailuresSpreadOverMoreThanAWindowDoNotAccumulate) {
  LoginThrottle t(options());
  t.record_failure("alice", "10.0.0.1", kT0);
  t.record_failure("alice", "10.0.0.1", kT0 + 1);
  t.record_failure("alice", "10.0.0.1", kT0 + kWindow + 1);  // the old window has ended
  EXPECT_EQ(t.retry_after("alice", "10.0.0.1", kT0 + kWindow + 2), 0);
}

TEST(LoginThrottle, SuccessResetsTheUserCounterButNotTheAddress) {
  LoginThrottle t(options());
  t.record_failure("alice", "10.0.0.1", kT0);
  t.record_failure("alice", "10.0.0.1", kT0 + 1);
  t.record_success("alice");
  t.record_failure("alice", "10.0.0.1", kT0 + 2);
  t.record_failure("alice", "10.0.0.1", kT0 + 3);
  // Two failures since the success: the user is not locked (four in total would be).
  EXPECT_EQ(t.retry_after("alice", "10.0.0.2", kT0 + 4), 0);
  // The address has seen four failures; one more locks it for everyone.
  t.record_failure("bob", "10.0.0.1", kT0 + 5);
  EXPECT_EQ(t.retry_after("carol", "10.0.0.1", kT0 + 6), kWindow - 6);
  // A success for an unknown user is harmless.
  t.record_success("nobody");
  EXPECT_EQ(t.retry_after("nobody", "10.0.0.2", kT0 + 6), 0);
}

TEST(LoginThrottle, SuccessUnlocksALockedUser) {
  LoginThrottle t(options());
  for (int i = 0; i < 3; ++i) t.record_failure("alice", "10.0.0.1", kT0);
  ASSERT_GT(t.retry_after("alice", "10.0.0.2", kT0 + 1), 0);
  t.record_success("alice");
  EXPECT_EQ(t.retry_after("alice", "10.0.0.2", kT0 + 1), 0);
}

}  // namespace
}  // namespace civicgrid::identity
