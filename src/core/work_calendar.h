// The official working-day calendar of mainland China, for case time limits.
//
// Time limits are counted in working days and working hours. A local (China Standard Time) date is
// a working day when it is a Monday–Friday not listed as a day off, or a weekend day listed as an
// adjusted workday (调休). The data per year comes from data/calendar/cn-holidays.json (see its
// README); for a year without data the calendar falls back to plain Monday–Friday, and
// `has_data_for` / `covers_year` let callers warn about such deadlines.
//
// Days are `std::int64_t` days since 1970-01-01 of the local date (see days_from_civil); instants
// are Timestamps (UTC milliseconds). All const member functions are thread-safe (no hidden mutable
// state); `merge_json` is not safe concurrently with readers — build a new calendar and swap it in
// instead.
#pragma once

#include <bitset>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/time.h"

namespace civicgrid {

// Working periods of a working day in local China time, in minutes after midnight: the morning
// [start_minute, lunch_start) and the afternoon [lunch_end, end_minute). Default: 7 working hours.
// Required: 0 <= start_minute <= lunch_start <= lunch_end <= end_minute <= 1440 and a non-empty
// day.
struct WorkingHours {
  int start_minute = 9 * 60;
  int lunch_start = 12 * 60;
  int lunch_end = 13 * 60 + 30;
  int end_minute = 17 * 60 + 30;
};

class WorkCalendar {
 public:
  // Parses the JSON text of cn-holidays.json (or the same shape for one or more years):
  // {"years": {"YYYY": {"days_off": {date: name}, "adjusted_workdays": {date: name}}}}; other
  // top-level keys ("about") are ignored, "adjusted_workdays" may be omitted. Errors:
  // kInvalidArgument with field "calendar" and a message naming the year/date: malformed JSON, a
  // bad year key or date string, a date outside its year, a date both off and an adjusted workday,
  // an adjusted workday on a Monday–Friday, a non-string name, an unknown key in a year. Invalid
  // `hours`: kInvalidArgument, field "working_hours". An empty "years" object is allowed (pure
  // Monday–Friday calendar).
  static Result<WorkCalendar> from_json(std::string_view json_text, WorkingHours hours = {});

  // Adds the years of another document of the same shape (an administrator's yearly import); a year
  // present in both is replaced as a whole. On error the calendar is left unchanged.
  Result<void> merge_json(std::string_view json_text);

  // Data present for that year.
  bool covers_year(int year) const { return years_.contains(year); }
  // First / last year with data; 0 when the calendar has no data at all. Years in between may be
  // missing after merges (check covers_year).
  int first_year() const { return years_.empty() ? 0 : years_.begin()->first; }
  int last_year() const { return years_.empty() ? 0 : years_.rbegin()->first; }
  const WorkingHours& working_hours() const { return hours_; }

  // `day` = days since epoch of the local date. O(log years).
  bool is_working_day(std::int64_t day) const;
  // The holiday a day off belongs to ("国庆节"); nullopt for any other day, including adjusted
  // workdays and days in years without data.
  std::optional<std::string> holiday_name(std::int64_t day) const;
  // For an adjusted workday (调休): the holiday it makes up for; nullopt otherwise.
  std::optional<std::string> adjusted_workday_name(std::int64_t day) const;

  // The n-th working day strictly after `day` (n >= 1); for n = 0 (or negative n), the first
  // working day on or after `day`. Cost: O(days in one year + years spanned), independent of n
  // otherwise.
  std::int64_t add_working_days(std::int64_t day, int n) const;
  // Working days in the local dates [from, to); 0 when to <= from.
  std::int64_t count_working_days(std::int64_t from, std::int64_t to) const;

  // The earliest instant at which `minutes` working minutes have passed since `start`, counting
  // only the working periods of working days. A start outside working hours (evening, lunch, day
  // off) begins at the next working period; a result that lands on the end of a period is that end
  // (Friday 16:30 + 60 → Friday 17:30, not Monday 09:00). minutes <= 0 returns `start`. Sub-minute
  // parts of `start` are kept.
  Timestamp add_working_minutes(Timestamp start, std::int64_t minutes) const;
  // Natural (calendar) time, for emergencies: start + minutes.
  static Timestamp add_natural_minutes(Timestamp start, std::int64_t minutes) {
    return start + minutes * kMillisPerMinute;
  }

  // Deadline of "N working days" as case rules (12345 hotline practice) mean it: the day of intake
  // itself does not count, whatever the hour; the deadline is end_minute (17:30) local time of the
  // N-th working day after the local date of `start`. Example: intake Monday 2024-09-30 16:00 with
  // 3 working days → 2024-10-10 17:30 (National Day 10-01..07 off, 10-08 is day 1). Intake on
  // Saturday 2025-03-08 with 1 working day → Monday 2025-03-10 17:30. n <= 0: end of the first
  // working day on or after the intake date.
  Timestamp deadline_after_working_days(Timestamp start, int n) const;

  // Whole working minutes between two instants (0 if end <= start). Inverse of add_working_minutes:
  // working_minutes_between(s, add_working_minutes(s, m)) == m for m >= 0.
  std::int64_t working_minutes_between(Timestamp start, Timestamp end) const;

  // True when the local date of `t` is in a year with data; a computation touching a year without
  // data used the Monday–Friday fallback there and callers should warn about it.
  bool has_data_for(Timestamp t) const;

  // Local date (days since epoch) of an instant in China Standard Time.
  static std::int64_t local_day(Timestamp t);

 private:
  struct Year {
    std::int64_t first_day = 0;  // days since epoch of January 1
    int length = 365;
    std::bitset<366> working;  // bit i: first_day + i is a working day
    // Sorted by day offset; only dates listed in the data.
    std::vector<std::pair<int, std::string>> off_names;
    std::vector<std::pair<int, std::string>> adjusted_names;
  };

  static Result<std::map<int, Year>> parse(std::string_view json_text);
  const Year* year_of(std::int64_t day) const;
  // Start of the first covered year after `day`, or nullopt when there is none.
  std::optional<std::int64_t> next_covered_start(std::int64_t day) const;
  std::int64_t nth_working_day_after(std::int64_t day, std::int64_t n) const;
  // Working milliseconds of a working day elapsed at local time-of-day `ms` (0..kMillisPerDay).
  std::int64_t worked_ms_at(std::int64_t ms) const;
  // Local time-of-day at which `worked` working milliseconds (0 < worked <= day length) are
  // reached.
  std::int64_t time_of_day_for(std::int64_t worked) const;
  std::int64_t day_ms() const;  // working milliseconds of one working day

  WorkingHours hours_;
  std::map<int, Year> years_;
};

// Loads a calendar file (data/calendar/cn-holidays.json); `path` may also be a directory that holds
// cn-holidays.json. An unreadable file is kInvalidArgument, field "calendar", naming the path.
Result<WorkCalendar> load_work_calendar(const std::string& path_to_json_file,
                                        WorkingHours hours = {});

}  // namespace civicgrid
