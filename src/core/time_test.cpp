#include "core/time.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace civicgrid {
namespace {

// 2000-01-01T00:00:00Z in milliseconds since the epoch (946684800 s).
constexpr Timestamp kY2k = 946684800LL * 1000;

// An independent oracle for the calendar: month lengths of the proleptic Gregorian calendar.
bool is_leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}
unsigned month_days(int y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return kDays[m - 1] + (m == 2 && is_leap(y) ? 1 : 0);
}

TEST(Rfc3339, FormatsInChinaStandardTime) {
  EXPECT_EQ(format_rfc3339(0), "1970-01-01T08:00:00+08:00");
  EXPECT_EQ(format_rfc3339(kY2k), "2000-01-01T08:00:00+08:00");
  // Milliseconds only when non-zero, always three digits.
  EXPECT_EQ(format_rfc3339(kY2k + 123), "2000-01-01T08:00:00.123+08:00");
  EXPECT_EQ(format_rfc3339(kY2k + 5), "2000-01-01T08:00:00.005+08:00");
  // 16:00Z is already the next calendar day in China.
  EXPECT_EQ(format_rfc3339(kY2k + 16 * kMillisPerHour), "2000-01-02T00:00:00+08:00");
}

TEST(Rfc3339, FormatsTimesBeforeTheEpoch) {
  EXPECT_EQ(format_rfc3339(-1), "1970-01-01T07:59:59.999+08:00");
  EXPECT_EQ(format_rfc3339(-kChinaOffsetMillis - 1), "1969-12-31T23:59:59.999+08:00");
  EXPECT_EQ(format_rfc3339(-kChinaOffsetMillis - kMillisPerDay), "1969-12-31T00:00:00+08:00");
}

TEST(Rfc3339, ParsesUtcAndNumericOffsets) {
  EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("2000-01-01T00:00:00Z"), kY2k);
  EXPECT_EQ(parse_rfc3339("2000-01-01T00:00:00z"), kY2k);
  EXPECT_EQ(parse_rfc3339("2000-01-01T08:00:00+08:00"), kY2k);
  EXPECT_EQ(parse_rfc3339("1999-12-31T18:30:00-05:30"), kY2k);
  EXPECT_EQ(parse_rfc3339("2000-01-01T00:00:00+00:00"), kY2k);
  EXPECT_EQ(parse_rfc3339("2000-01-01T00:00:00-00:00"), kY2k);
  // Lower-case t and a space as the date/time separator are accepted.
  EXPECT_EQ(parse_rfc3339("2000-01-01t08:00:00+08:00"), kY2k);
  EXPECT_EQ(parse_rfc3339("2000-01-01 08:00:00+08:00"), kY2k);
  // The same instant written in three offsets.
  const auto z = parse_rfc3339("2026-03-01T05:30:00Z");
  ASSERT_TRUE(z.has_value());
  EXPECT_EQ(parse_rfc3339("2026-03-01T13:30:00+08:00"), z);
  EXPECT_EQ(parse_rfc3339("2026-03-01T00:00:00-05:30"), z);
}

TEST(Rfc3339, ParsesFractionalSeconds) {
  EXPECT_EQ(parse_rfc3339("2000-01-01T00:00:00.5Z"), kY2k + 500);
  EXPECT_EQ(parse_rfc3339("2000-01-01T00:00:00.05Z"), kY2k + 50);
  EXPECT_EQ(parse_rfc3339("2000-01-01T00:00:00.123Z"), kY2k + 123);
  // Digits past milliseconds are truncated.
  EXPECT_EQ(parse_rfc3339("2000-01-01T00:00:00.123999Z"), kY2k + 123);
  EXPECT_EQ(parse_rfc3339("2000-01-01T08:00:00.250+08:00"), kY2k + 250);
  EXPECT_EQ(parse_rfc3339("1999-12-31T18:30:00.001-05:30"), kY2k + 1);
}

TEST(Rfc3339, RejectsInvalidDatesAndGarbage) {
  const std::vector<std::string> bad = {
      "",
      "garbage",
      "2026-11-26",
      "2026-11-26T20:30:00",        // no offset
      "2026-11-26T20:30:00+0800",   // offset without colon
      "2026-11-26T20:30:00+08",     // truncated offset
      "2026-11-26T20:30:00+24:00",  // offset hour out of range
      "2026-11-26T20:30:00+08:60",  // offset minute out of range
      "2026-11-26T20:30:00Zjunk",   // trailing bytes
      "2026-11-26T20:30:00.Z",      // a dot without digits
      "2026-11-26T20:30:00.12x+08:00",
      "2026-02-30T00:00:00Z",  // no 30 February
      "2025-02-29T00:00:00Z",  // 2025 is not a leap year
      "1900-02-29T00:00:00Z",  // century, not a leap year
      "2026-04-31T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-00-10T00:00:00Z",
      "2026-01-00T00:00:00Z",
      "2026-11-26T24:00:00Z",
      "2026-11-26T20:60:00Z",
      "2026-11-26T20:30:61Z",
      "2026/11/26T20:30:00Z",
      "2026-11-26X20:30:00Z",
      "2026-1a-26T20:30:00Z",
      " 2026-11-26T20:30:00Z",
  };
  for (const auto& s : bad) EXPECT_EQ(parse_rfc3339(s), std::nullopt) << "input: \"" << s << "\"";
}

TEST(Rfc3339, AcceptsLeapDays) {
  EXPECT_TRUE(parse_rfc3339("2024-02-29T12:00:00Z").has_value());
  EXPECT_TRUE(parse_rfc3339("2000-02-29T12:00:00Z").has_value());
  EXPECT_EQ(*parse_rfc3339("2024-03-01T00:00:00Z") - *parse_rfc3339("2024-02-28T00:00:00Z"),
            2 * kMillisPerDay);
  EXPECT_EQ(*parse_rfc3339("2023-03-01T00:00:00Z") - *parse_rfc3339("2023-02-28T00:00:00Z"),
            kMillisPerDay);
}

TEST(Rfc3339, RoundTripsThroughFormat) {
  const std::vector<Timestamp> samples = {
      0,
      1,
      -1,
      999,
      kY2k,
      kY2k + 123,
      kY2k - kChinaOffsetMillis,
      1'709'164'800'000,   // 2024-02-29
      1'795'696'200'123,   // late 2026
      -2'208'988'800'000,  // 1900-01-01
      4'102'444'799'999,   // 2099-12-31T23:59:59.999Z
      -kMillisPerDay * 365 - 7,
  };
  for (Timestamp t : samples) {
    const std::string text = format_rfc3339(t);
    EXPECT_EQ(parse_rfc3339(text), t) << text;
  }
  // And text → timestamp → text for text already in +08:00.
  for (const char* text : {"2026-11-26T20:30:00.123+08:00", "2024-02-29T00:00:00+08:00",
                           "1969-12-31T23:59:59.999+08:00"}) {
    const auto t = parse_rfc3339(text);
    ASSERT_TRUE(t.has_value()) << text;
    EXPECT_EQ(format_rfc3339(*t), text);
  }
}

TEST(CivilDays, KnownDates) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1970, 1, 2), 1);
  EXPECT_EQ(days_from_civil(1969, 12, 31), -1);
  EXPECT_EQ(days_from_civil(2000, 1, 1), kY2k / kMillisPerDay);
  EXPECT_EQ(days_from_civil(2000, 3, 1) - days_from_civil(2000, 2, 28), 2);  // 400-year leap
  EXPECT_EQ(days_from_civil(1900, 3, 1) - days_from_civil(1900, 2, 28), 1);  // century: no leap
  EXPECT_EQ(days_from_civil(2100, 3, 1) - days_from_civil(2100, 2, 28), 1);
  EXPECT_EQ(days_from_civil(2024, 3, 1) - days_from_civil(2024, 2, 28), 2);
  EXPECT_EQ(days_from_civil(2025, 1, 1) - days_from_civil(2024, 1, 1), 366);
  EXPECT_EQ(days_from_civil(2026, 1, 1) - days_from_civil(2025, 1, 1), 365);
}

TEST(CivilDays, EveryDayFrom1896To2104RoundTripsAndIsConsecutive) {
  std::int64_t expected = days_from_civil(1896, 1, 1);
  for (int y = 1896; y <= 2104; ++y) {
    for (unsigned m = 1; m <= 12; ++m) {
      for (unsigned d = 1; d <= month_days(y, m); ++d) {
        const std::int64_t days = days_from_civil(y, m, d);
        ASSERT_EQ(days, expected) << y << "-" << m << "-" << d;
        int yy;
        unsigned mm, dd;
        civil_from_days(days, yy, mm, dd);
        ASSERT_EQ(yy, y);
        ASSERT_EQ(mm, m);
        ASSERT_EQ(dd, d);
        ++expected;
      }
    }
  }
}

TEST(IsoDate, ParsesValidDates) {
  EXPECT_EQ(parse_iso_date("1970-01-01"), 0);
  EXPECT_EQ(parse_iso_date("1969-12-31"), -1);
  EXPECT_EQ(parse_iso_date("2024-02-29"), days_from_civil(2024, 2, 29));
  EXPECT_EQ(parse_iso_date("2000-02-29"), days_from_civil(2000, 2, 29));
  EXPECT_EQ(parse_iso_date("2026-12-31"), days_from_civil(2026, 12, 31));
}

TEST(IsoDate, RejectsInvalidDates) {
  for (const char* s : {"", "2026-02-30", "2023-02-29", "1900-02-29", "2026-13-01", "2026-00-01",
                        "2026-01-00", "2026-1-01", "2026-01-1", "2026/01/01", "20260101",
                        "2026-01-01T00:00:00Z", "2026-01-01 ", "abcd-ef-gh", "2026-06-31"}) {
    EXPECT_EQ(parse_iso_date(s), std::nullopt) << "input: \"" << s << "\"";
  }
}

TEST(IsoDate, FormatsAndRoundTrips) {
  EXPECT_EQ(format_iso_date(0), "1970-01-01");
  EXPECT_EQ(format_iso_date(-1), "1969-12-31");
  EXPECT_EQ(format_iso_date(days_from_civil(2024, 2, 29)), "2024-02-29");
  EXPECT_EQ(format_iso_date(days_from_civil(2024, 2, 29) + 1), "2024-03-01");
  EXPECT_EQ(format_iso_date(days_from_civil(2023, 2, 28) + 1), "2023-03-01");
  for (const char* s : {"1970-01-01", "2000-02-29", "2024-12-31", "2026-11-26", "1899-07-04"}) {
    const auto d = parse_iso_date(s);
    ASSERT_TRUE(d.has_value()) << s;
    EXPECT_EQ(format_iso_date(*d), s);
  }
}

TEST(ManualClock, MovesOnlyWhenTold) {
  ManualClock clock(kY2k);
  EXPECT_EQ(clock.now(), kY2k);
  EXPECT_EQ(clock.now(), kY2k);
  clock.advance(kMillisPerHour);
  EXPECT_EQ(clock.now(), kY2k + kMillisPerHour);
  clock.advance(-kMillisPerMinute);
  EXPECT_EQ(clock.now(), kY2k + kMillisPerHour - kMillisPerMinute);
  clock.set(42);
  EXPECT_EQ(clock.now(), 42);
  const Clock& as_base = clock;
  EXPECT_EQ(as_base.now(), 42);
}

TEST(OffsetClock, AddsItsOffsetToTheSystemClock) {
  const SystemClock system;
  OffsetClock clock;
  EXPECT_EQ(clock.offset(), 0);
  constexpr std::int64_t kSlack = 5 * kMillisPerSecond;  // generous for a loaded machine

  const Timestamp before0 = system.now();
  const Timestamp t0 = clock.now();
  EXPECT_GE(t0, before0);
  EXPECT_LE(t0, system.now());

  clock.advance(3 * kMillisPerDay);
  clock.advance(kMillisPerHour);
  EXPECT_EQ(clock.offset(), 3 * kMillisPerDay + kMillisPerHour);
  const Timestamp before = system.now();
  const Timestamp t = clock.now();
  EXPECT_GE(t - before, 3 * kMillisPerDay + kMillisPerHour);
  EXPECT_LT(t - before, 3 * kMillisPerDay + kMillisPerHour + kSlack);

  clock.set_offset(-kMillisPerDay);
  EXPECT_EQ(clock.offset(), -kMillisPerDay);
  const Timestamp before2 = system.now();
  const Timestamp t2 = clock.now();
  EXPECT_GE(t2 - before2, -kMillisPerDay);
  EXPECT_LT(t2 - before2, -kMillisPerDay + kSlack);
}

}  // namespace
}  // namespace civicgrid
