// Time in civicgrid: UTC milliseconds since the Unix epoch in storage and logic; RFC 3339 on the wire,
// rendered in China Standard Time (+08:00, no daylight saving) because every user works on that clock.
//
// Business logic never reads the system clock; it is handed a Clock so tests can move time.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace civicgrid {

using Timestamp = std::int64_t;  // milliseconds since 1970-01-01T00:00:00Z

inline constexpr std::int64_t kMillisPerSecond = 1000;
inline constexpr std::int64_t kMillisPerMinute = 60 * kMillisPerSecond;
inline constexpr std::int64_t kMillisPerHour = 60 * kMillisPerMinute;
inline constexpr std::int64_t kMillisPerDay = 24 * kMillisPerHour;
// China Standard Time offset, used to render times and to find the local calendar day.
inline constexpr std::int64_t kChinaOffsetMillis = 8 * kMillisPerHour;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

// The real clock.
class SystemClock final : public Clock {
 public:
  Timestamp now() const override;
};

// The real clock plus an adjustable offset: lets a test server (started with --test-clock) jump
// ahead by working days without waiting. Thread-safe.
class OffsetClock final : public Clock {
 public:
  Timestamp now() const override;
  void advance(std::int64_t millis) { offset_.fetch_add(millis); }
  void set_offset(std::int64_t millis) { offset_.store(millis); }
  std::int64_t offset() const { return offset_.load(); }

 private:
  std::atomic<std::int64_t> offset_{0};
};

// A clock that only moves when told to (unit tests).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : now_(start) {}
  Timestamp now() const override { return now_.load(); }
  void set(Timestamp t) { now_.store(t); }
  void advance(std::int64_t millis) { now_.fetch_add(millis); }

 private:
  std::atomic<Timestamp> now_;
};

// "2026-11-26T20:30:00.123+08:00" (milliseconds shown only when non-zero).
std::string format_rfc3339(Timestamp t);
// Accepts RFC 3339 with "Z" or a numeric offset, and fractional seconds. Returns nullopt when invalid.
std::optional<Timestamp> parse_rfc3339(std::string_view text);
// Days since 1970-01-01 of the civil date (proleptic Gregorian), and back.
std::int64_t days_from_civil(int year, unsigned month, unsigned day);
void civil_from_days(std::int64_t days, int& year, unsigned& month, unsigned& day);
// "YYYY-MM-DD" ⇄ days since epoch. Parse returns nullopt when invalid.
std::optional<std::int64_t> parse_iso_date(std::string_view text);
std::string format_iso_date(std::int64_t days);

}  // namespace civicgrid
