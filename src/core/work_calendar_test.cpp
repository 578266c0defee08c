#include "core/work_calendar.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <thread>

namespace civicgrid {
namespace {

std::string calendar_path() {
  if (const char* dir = std::getenv("CIVICGRID_SOURCE_DIR"))
    return std::string(dir) + "/data/calendar/cn-holidays.json";
  for (const char* candidate :
       {"data/calendar/cn-holidays.json", "../data/calendar/cn-holidays.json",
        "../../data/calendar/cn-holidays.json"})
    if (std::filesystem::exists(candidate)) return candidate;
  return "data/calendar/cn-holidays.json";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const WorkCalendar& official() {
  static const WorkCalendar cal = [] {
    auto loaded = load_work_calendar(calendar_path());
    if (!loaded) {
      ADD_FAILURE() << "cannot load " << calendar_path() << ": " << loaded.error().message_en();
      std::abort();
    }
    return std::move(*loaded);
  }();
  return cal;
}

std::int64_t date(std::string_view iso) {
  auto d = parse_iso_date(iso);
  EXPECT_TRUE(d.has_value()) << iso;
  return d.value_or(0);
}

// An instant given in China Standard Time.
Timestamp cst(std::string_view iso_date, int hour, int minute) {
  return date(iso_date) * kMillisPerDay - kChinaOffsetMillis + hour * kMillisPerHour +
         minute * kMillisPerMinute;
}

std::string show(Timestamp t) {
  return format_rfc3339(t);
}

constexpr std::string_view k2027 = R"({"years": {"2027": {
  "days_off": {"2027-01-01": "元旦", "2027-10-01": "国庆节", "2027-10-02": "国庆节",
               "2027-10-03": "国庆节", "2027-10-04": "国庆节", "2027-10-05": "国庆节",
               "2027-10-06": "国庆节", "2027-10-07": "国庆节"},
  "adjusted_workdays": {"2027-09-26": "国庆节", "2027-10-09": "国庆节"}}}})";

// --- The official data ---------------------------------------------------------------------

TEST(WorkCalendar, LoadsTheShippedYears) {
  const auto& cal = official();
  EXPECT_EQ(cal.first_year(), 2004);
  EXPECT_EQ(cal.last_year(), 2026);
  for (int y = 2004; y <= 2026; ++y) EXPECT_TRUE(cal.covers_year(y)) << y;
  EXPECT_FALSE(cal.covers_year(2003));
  EXPECT_FALSE(cal.covers_year(2027));
}

// Values below were read from data/calendar/cn-holidays.json.
TEST(WorkCalendar, NationalDay2024) {
  const auto& cal = official();
  for (auto d : {"2024-10-01", "2024-10-02", "2024-10-03", "2024-10-04", "2024-10-05", "2024-10-06",
                 "2024-10-07"}) {
    EXPECT_FALSE(cal.is_working_day(date(d))) << d;
    EXPECT_EQ(cal.holiday_name(date(d)), "国庆节") << d;
  }
  for (auto d : {"2024-09-29", "2024-10-12"}) {  // Sunday and Saturday, 调休
    EXPECT_TRUE(cal.is_working_day(date(d))) << d;
    EXPECT_EQ(cal.holiday_name(date(d)), std::nullopt) << d;
    EXPECT_EQ(cal.adjusted_workday_name(date(d)), "国庆节") << d;
  }
  EXPECT_FALSE(cal.is_working_day(date("2024-09-28")));  // ordinary Saturday
  EXPECT_TRUE(cal.is_working_day(date("2024-09-30")));
  EXPECT_TRUE(cal.is_working_day(date("2024-10-08")));
  EXPECT_EQ(cal.holiday_name(date("2024-10-08")), std::nullopt);
  EXPECT_EQ(cal.adjusted_workday_name(date("2024-10-08")), std::nullopt);
}

TEST(WorkCalendar, SpringFestival2025) {
  const auto& cal = official();
  for (auto d : {"2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-01", "2025-02-02",
                 "2025-02-03", "2025-02-04"}) {
    EXPECT_FALSE(cal.is_working_day(date(d))) << d;
    EXPECT_EQ(cal.holiday_name(date(d)), "春节") << d;
  }
  for (auto d : {"2025-01-26", "2025-02-08"}) {  // Sunday and Saturday
    EXPECT_TRUE(cal.is_working_day(date(d))) << d;
    EXPECT_EQ(cal.adjusted_workday_name(date(d)), "春节") << d;
  }
  EXPECT_TRUE(cal.is_working_day(date("2025-01-27")));
  EXPECT_TRUE(cal.is_working_day(date("2025-02-05")));
}

TEST(WorkCalendar, LabourDay2025AndMidAutumnInsideNationalDay) {
  const auto& cal = official();
  for (auto d : {"2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04", "2025-05-05"}) {
    EXPECT_FALSE(cal.is_working_day(date(d))) << d;
    EXPECT_EQ(cal.holiday_name(date(d)), "劳动节") << d;
  }
  EXPECT_TRUE(cal.is_working_day(date("2025-04-27")));  // Sunday
  EXPECT_EQ(cal.adjusted_workday_name(date("2025-04-27")), "劳动节");
  EXPECT_TRUE(cal.is_working_day(date("2025-05-06")));
  EXPECT_EQ(cal.holiday_name(date("2025-10-06")), "中秋");
  EXPECT_TRUE(cal.is_working_day(date("2025-10-11")));  // Saturday
}

// Every day 2003-12..2027-01 agrees with a direct reading of the JSON file.
TEST(WorkCalendar, AgreesWithTheFileOnEveryDay) {
  const auto doc = boost::json::parse(read_file(calendar_path()));
  std::set<std::int64_t> off, adjusted;
  for (const auto& [year, v] : doc.at("years").as_object()) {
    for (const auto& [d, name] : v.at("days_off").as_object()) off.insert(date(d));
    for (const auto& [d, name] : v.at("adjusted_workdays").as_object()) adjusted.insert(date(d));
  }
  ASSERT_GT(off.size(), 500u);
  const auto& cal = official();
  int checked = 0;
  for (std::int64_t d = date("2003-12-01"); d < date("2027-02-01"); ++d, ++checked) {
    const bool weekday = (d + 3) % 7 < 5;  // 1970-01-01 was a Thursday
    const bool expected = adjusted.contains(d) || (weekday && !off.contains(d));
    ASSERT_EQ(cal.is_working_day(d), expected) << format_iso_date(d);
    ASSERT_EQ(cal.holiday_name(d).has_value(), off.contains(d)) << format_iso_date(d);
  }
  EXPECT_GT(checked, 8400);
}

// --- Working days ---------------------------------------------------------------------------

TEST(WorkCalendar, AddWorkingDaysAcrossNationalDay2024) {
  const auto& cal = official();
  const auto friday = date("2024-09-27");
  EXPECT_EQ(format_iso_date(cal.add_working_days(friday, 0)), "2024-09-27");
  EXPECT_EQ(format_iso_date(cal.add_working_days(friday, 1)), "2024-09-29");
  EXPECT_EQ(format_iso_date(cal.add_working_days(friday, 2)), "2024-09-30");
  EXPECT_EQ(format_iso_date(cal.add_working_days(friday, 3)), "2024-10-08");
  EXPECT_EQ(format_iso_date(cal.add_working_days(friday, 4)), "2024-10-09");
  EXPECT_EQ(format_iso_date(cal.add_working_days(date("2024-10-08"), 4)), "2024-10-12");
  EXPECT_EQ(format_iso_date(cal.add_working_days(date("2024-10-01"), 0)), "2024-10-08");
  EXPECT_EQ(format_iso_date(cal.add_working_days(date("2024-10-03"), 1)), "2024-10-08");
  EXPECT_EQ(cal.count_working_days(date("2024-09-27"), date("2024-10-13")), 8);
}

std::int64_t slow_add(const WorkCalendar& cal, std::int64_t day, int n) {
  if (n <= 0) {
    while (!cal.is_working_day(day)) ++day;
    return day;
  }
  while (n > 0) n -= cal.is_working_day(++day);
  return day;
}

void check_against_day_by_day(const WorkCalendar& cal, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::int64_t> day_dist(date("2000-01-01"), date("2031-12-31"));
  std::uniform_int_distribution<int> n_dist(0, 3000);
  for (int i = 0; i < 2000; ++i) {
    const auto d = day_dist(rng);
    const int n = i % 4 == 0 ? n_dist(rng) : n_dist(rng) % 30;
    const auto got = cal.add_working_days(d, n);
    ASSERT_EQ(got, slow_add(cal, d, n)) << format_iso_date(d) << " + " << n;
    if (n > 0) {
      ASSERT_EQ(cal.count_working_days(d + 1, got + 1), n) << format_iso_date(d);
    }
  }
}

TEST(WorkCalendar, AddWorkingDaysMatchesDayByDayCounting) {
  check_against_day_by_day(official(), 7);
  auto sparse = WorkCalendar::from_json(k2027);  // data for 2027 only: fallback around it
  ASSERT_TRUE(sparse);
  ASSERT_TRUE(sparse->merge_json(R"({"years": {"2004": {"days_off": {"2004-10-01": "国庆节"}}}})"));
  check_against_day_by_day(*sparse, 11);
}

TEST(WorkCalendar, AddWorkingDaysLargeN) {
  const auto& cal = official();
  const auto start = date("2004-01-01");
  const auto got = cal.add_working_days(start, 2'000'000'000);  // far beyond the data: Mon–Fri
  EXPECT_TRUE(cal.is_working_day(got));
  // One year of data: 2024 has 251 working days (366 - 104 weekend days - 19 weekday holidays + 8).
  EXPECT_EQ(cal.count_working_days(date("2024-01-01"), date("2025-01-01")), 251);
  const auto end_2026 = cal.add_working_days(
      start, static_cast<int>(cal.count_working_days(start + 1, date("2027-01-01"))));
  EXPECT_EQ(format_iso_date(end_2026), "2026-12-31");
  EXPECT_EQ(format_iso_date(cal.add_working_days(end_2026, 1)), "2027-01-01");  // fallback: Friday
  EXPECT_EQ(cal.count_working_days(start + 1, got + 1), 2'000'000'000);
}

TEST(WorkCalendar, YearsWithoutDataFallBackToMondayToFriday) {
  const auto& cal = official();
  EXPECT_TRUE(cal.is_working_day(date("2030-01-01")));  // a Tuesday; no holiday data
  EXPECT_FALSE(cal.is_working_day(date("2030-01-05")));
  EXPECT_TRUE(cal.is_working_day(date("2003-10-01")));
  EXPECT_EQ(cal.holiday_name(date("2030-01-01")), std::nullopt);
  EXPECT_FALSE(cal.has_data_for(cst("2030-01-01", 10, 0)));
  EXPECT_TRUE(cal.has_data_for(cst("2026-12-31", 23, 59)));
  EXPECT_FALSE(cal.has_data_for(cst("2027-01-01", 0, 0)));
  EXPECT_TRUE(cal.has_data_for(cst("2026-01-01", 0, 0)));  // 2025-12-31T16:00Z is 2026 locally

  auto only_2027 = WorkCalendar::from_json(k2027);
  ASSERT_TRUE(only_2027);
  EXPECT_EQ(format_iso_date(only_2027->add_working_days(date("2026-12-30"), 1)), "2026-12-31");
  EXPECT_EQ(format_iso_date(only_2027->add_working_days(date("2026-12-30"), 2)), "2027-01-04");
  EXPECT_EQ(format_iso_date(only_2027->add_working_days(date("2027-12-30"), 2)), "2028-01-03");
  EXPECT_TRUE(only_2027->is_working_day(date("2026-10-01")));  // 2026 not loaded here

  auto empty = WorkCalendar::from_json(R"({"years": {}})");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->first_year(), 0);
  EXPECT_EQ(format_iso_date(empty->add_working_days(date("2024-09-27"), 1)), "2024-09-30");
}

// --- Deadlines and working minutes ----------------------------------------------------------

TEST(WorkCalendar, DeadlineAfterWorkingDays) {
  const auto& cal = official();
  // Intake day does not count: 10-01..07 off, 10-08 is day 1, 10-10 day 3.
  EXPECT_EQ(show(cal.deadline_after_working_days(cst("2024-09-30", 16, 0), 3)),
            "2024-10-10T17:30:00+08:00");
  EXPECT_EQ(show(cal.deadline_after_working_days(cst("2025-03-08", 10, 0), 1)),
            "2025-03-10T17:30:00+08:00");
  EXPECT_EQ(show(cal.deadline_after_working_days(cst("2025-03-08", 10, 0), 0)),
            "2025-03-10T17:30:00+08:00");
  EXPECT_EQ(show(cal.deadline_after_working_days(cst("2025-03-10", 8, 0), 0)),
            "2025-03-10T17:30:00+08:00");
  EXPECT_EQ(show(cal.deadline_after_working_days(cst("2025-09-30", 23, 59), 1)),
            "2025-10-09T17:30:00+08:00");
  // 00:30 CST is still the previous UTC day; the local date decides.
  EXPECT_EQ(show(cal.deadline_after_working_days(cst("2025-03-11", 0, 30), 1)),
            "2025-03-12T17:30:00+08:00");
  EXPECT_EQ(show(cal.deadline_after_working_days(cst("2024-12-31", 12, 0), 15)),
            "2025-01-22T17:30:00+08:00");  // 2025-01-01 off
}

TEST(WorkCalendar, AddWorkingMinutes) {
  const auto& cal = official();
  EXPECT_EQ(show(cal.add_working_minutes(cst("2025-03-07", 17, 0), 60)),  // Friday
            "2025-03-10T09:30:00+08:00");
  EXPECT_EQ(show(cal.add_working_minutes(cst("2025-03-07", 16, 30), 60)),
            "2025-03-07T17:30:00+08:00");  // lands on the end of the period
  EXPECT_EQ(show(cal.add_working_minutes(cst("2025-03-11", 11, 30), 60)),
            "2025-03-11T14:00:00+08:00");  // lunch 12:00-13:30 skipped
  EXPECT_EQ(show(cal.add_working_minutes(cst("2025-03-11", 12, 30), 10)),
            "2025-03-11T13:40:00+08:00");  // start during lunch
  EXPECT_EQ(show(cal.add_working_minutes(cst("2025-03-11", 20, 0), 30)),
            "2025-03-12T09:30:00+08:00");  // start in the evening
  EXPECT_EQ(show(cal.add_working_minutes(cst("2025-03-12", 7, 0), 30)),
            "2025-03-12T09:30:00+08:00");  // before work
  EXPECT_EQ(show(cal.add_working_minutes(cst("2025-03-10", 9, 0), 420)),
            "2025-03-10T17:30:00+08:00");
  EXPECT_EQ(show(cal.add_working_minutes(cst("2025-03-10", 9, 0), 421)),
            "2025-03-11T09:01:00+08:00");
  EXPECT_EQ(show(cal.add_working_minutes(cst("2024-09-30", 17, 0), 60)),
            "2024-10-08T09:30:00+08:00");  // across National Day
  EXPECT_EQ(show(cal.add_working_minutes(cst("2024-09-28", 10, 0), 30)),
            "2024-09-29T09:30:00+08:00");  // Saturday → adjusted Sunday
  EXPECT_EQ(cal.add_working_minutes(cst("2025-03-11", 20, 0), 0), cst("2025-03-11", 20, 0));
  const Timestamp odd = cst("2025-03-11", 9, 0) + 12'345;  // sub-minute part kept
  EXPECT_EQ(cal.add_working_minutes(odd, 5), odd + 5 * kMillisPerMinute);
  EXPECT_EQ(WorkCalendar::add_natural_minutes(cst("2025-03-08", 23, 0), 120),
            cst("2025-03-09", 1, 0));
}

TEST(WorkCalendar, WorkingMinutesBetween) {
  const auto& cal = official();
  EXPECT_EQ(cal.working_minutes_between(cst("2025-03-07", 17, 0), cst("2025-03-10", 9, 30)), 60);
  EXPECT_EQ(cal.working_minutes_between(cst("2025-03-11", 11, 0), cst("2025-03-11", 14, 0)), 90);
  EXPECT_EQ(cal.working_minutes_between(cst("2025-03-11", 14, 0), cst("2025-03-11", 11, 0)), 0);
  EXPECT_EQ(cal.working_minutes_between(cst("2024-10-01", 0, 0), cst("2024-10-08", 0, 0)), 0);
  EXPECT_EQ(cal.working_minutes_between(cst("2024-09-27", 0, 0), cst("2024-10-13", 0, 0)), 8 * 420);
}

TEST(WorkCalendar, WorkingMinutesBetweenMatchesMinuteByMinute) {
  const auto& cal = official();
  WorkingHours h;
  auto working_minute = [&](Timestamp t) {  // is the minute starting at t worked?
    const auto local = t + kChinaOffsetMillis;
    const auto day = local / kMillisPerDay;
    const int m = static_cast<int>((local % kMillisPerDay) / kMillisPerMinute);
    return cal.is_working_day(day) &&
           ((m >= h.start_minute && m < h.lunch_start) || (m >= h.lunch_end && m < h.end_minute));
  };
  std::mt19937 rng(3);
  std::uniform_int_distribution<std::int64_t> minute_dist(
      cst("2024-09-20", 0, 0) / kMillisPerMinute, cst("2024-10-20", 0, 0) / kMillisPerMinute);
  std::uniform_int_distribution<int> span_dist(0, 4 * 24 * 60);
  for (int i = 0; i < 300; ++i) {
    const Timestamp s = minute_dist(rng) * kMillisPerMinute;
    const int span = span_dist(rng);
    std::int64_t expected = 0;
    for (int k = 0; k < span; ++k) expected += working_minute(s + k * kMillisPerMinute);
    ASSERT_EQ(cal.working_minutes_between(s, s + span * kMillisPerMinute), expected) << show(s);
  }
}

TEST(WorkCalendar, WorkingMinutesRoundTripProperty) {
  auto sparse = WorkCalendar::from_json(k2027);
  ASSERT_TRUE(sparse);
  for (const WorkCalendar* cal : std::vector<const WorkCalendar*>{&official(), &*sparse}) {
    std::mt19937_64 rng(20240930);
    std::uniform_int_distribution<Timestamp> start_dist(cst("2003-06-01", 0, 0),
                                                        cst("2028-06-01", 0, 0));
    std::uniform_int_distribution<std::int64_t> minutes_dist(0, 420 * 300);
    for (int i = 0; i < 20000; ++i) {
      Timestamp s = start_dist(rng);
      if (i % 2 == 0) s -= s % kMillisPerMinute;
      const std::int64_t m = i % 3 == 0 ? minutes_dist(rng) : minutes_dist(rng) % 900;
      const Timestamp end = cal->add_working_minutes(s, m);
      ASSERT_GE(end, s);
      ASSERT_EQ(cal->working_minutes_between(s, end), m) << show(s) << " + " << m;
      if (m > 0) {  // earliest instant: one millisecond earlier is not enough
        ASSERT_EQ(cal->working_minutes_between(s, end - 1), m - 1) << show(s) << " + " << m;
        ASSERT_TRUE(cal->is_working_day(WorkCalendar::local_day(end - 1))) << show(end);
      }
    }
  }
}

// --- Import and errors ----------------------------------------------------------------------

TEST(WorkCalendar, MergeAddsAndReplacesYears) {
  auto cal = load_work_calendar(calendar_path());
  ASSERT_TRUE(cal);
  EXPECT_FALSE(cal->covers_year(2027));
  EXPECT_TRUE(cal->is_working_day(date("2027-10-01")));  // fallback: a Friday
  ASSERT_TRUE(cal->merge_json(k2027));
  EXPECT_TRUE(cal->covers_year(2027));
  EXPECT_EQ(cal->last_year(), 2027);
  EXPECT_FALSE(cal->is_working_day(date("2027-10-01")));
  EXPECT_EQ(cal->holiday_name(date("2027-10-01")), "国庆节");
  EXPECT_TRUE(cal->is_working_day(date("2027-09-26")));
  EXPECT_TRUE(cal->has_data_for(cst("2027-06-01", 12, 0)));
  EXPECT_EQ(format_iso_date(cal->add_working_days(date("2027-09-30"), 1)), "2027-10-08");
  // Other years are kept; a year present again is replaced as a whole.
  EXPECT_FALSE(cal->is_working_day(date("2024-10-07")));
  ASSERT_TRUE(cal->merge_json(R"({"years": {"2024": {"days_off": {"2024-10-01": "国庆节"}}}})"));
  EXPECT_TRUE(cal->is_working_day(date("2024-10-07")));
  EXPECT_FALSE(cal->is_working_day(date("2024-09-29")));  // its 调休 is gone with the old data
  EXPECT_FALSE(cal->is_working_day(date("2025-01-28")));
}

TEST(WorkCalendar, RejectsMalformedData) {
  struct Case {
    std::string json;
    std::string mentions;
  };
  const std::vector<Case> cases = {
      {"{", "JSON"},
      {"[]", "years"},
      {R"({"years": []})", "years"},
      {R"({"years": {"20x7": {"days_off": {}}}})", "20x7"},
      {R"({"years": {"2027": []}})", "2027"},
      {R"({"years": {"2027": {"adjusted_workdays": {}}}})", "days_off"},
      {R"({"years": {"2027": {"days_off": {"2027-02-30": "春节"}}}})", "2027-02-30"},
      {R"({"years": {"2027": {"days_off": {"2027/10/01": "国庆节"}}}})", "2027/10/01"},
      {R"({"years": {"2027": {"days_off": {"2026-10-01": "国庆节"}}}})", "2026-10-01"},
      {R"({"years": {"2027": {"days_off": {"2027-10-01": 1}}}})", "2027-10-01"},
      {R"({"years": {"2027": {"days_off": {"2027-09-26": "国庆节"},
                              "adjusted_workdays": {"2027-09-26": "国庆节"}}}})",
       "2027-09-26"},
      {R"({"years": {"2027": {"days_off": {}, "adjusted_workdays": {"2027-09-27": "国庆节"}}}})",
       "2027-09-27"},  // a Monday
      {R"({"years": {"2027": {"days_off": {}, "adjusted_workday": {}}}})", "adjusted_workday"},
  };
  auto cal = WorkCalendar::from_json(k2027);
  ASSERT_TRUE(cal);
  for (const auto& c : cases) {
    auto parsed = WorkCalendar::from_json(c.json);
    ASSERT_FALSE(parsed) << c.json;
    EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument) << c.json;
    EXPECT_EQ(parsed.error().field(), "calendar") << c.json;
    EXPECT_NE(parsed.error().message_en().find(c.mentions), std::string::npos)
        << parsed.error().message_en();
    EXPECT_FALSE(parsed.error().message_zh().empty());
    auto merged = cal->merge_json(c.json);
    ASSERT_FALSE(merged) << c.json;
    EXPECT_EQ(merged.error().field(), "calendar");
  }
  // A failed merge leaves the calendar as it was.
  ASSERT_FALSE(cal->merge_json(R"({"years": {"2028": {"days_off": {}}, "2029": []}})"));
  EXPECT_FALSE(cal->covers_year(2028));
  EXPECT_EQ(cal->holiday_name(date("2027-10-01")), "国庆节");
}

TEST(WorkCalendar, LoadErrorsAndOptions) {
  auto missing = load_work_calendar("/nonexistent/cn-holidays.json");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(missing.error().field(), "calendar");
  EXPECT_NE(missing.error().message_en().find("/nonexistent"), std::string::npos);

  auto from_dir = load_work_calendar(std::filesystem::path(calendar_path()).parent_path().string());
  ASSERT_TRUE(from_dir);
  EXPECT_TRUE(from_dir->covers_year(2024));

  auto bad_hours = WorkCalendar::from_json(k2027, WorkingHours{9 * 60, 8 * 60, 13 * 60, 17 * 60});
  ASSERT_FALSE(bad_hours);
  EXPECT_EQ(bad_hours.error().field(), "working_hours");

  // Other working hours: 08:30-12:00, 14:00-17:30 (7 hours).
  auto summer =
      WorkCalendar::from_json(k2027, WorkingHours{8 * 60 + 30, 12 * 60, 14 * 60, 17 * 60 + 30});
  ASSERT_TRUE(summer);
  EXPECT_EQ(show(summer->add_working_minutes(cst("2027-06-01", 11, 0), 120)),
            "2027-06-01T15:00:00+08:00");
  EXPECT_EQ(show(summer->deadline_after_working_days(cst("2027-06-01", 11, 0), 1)),
            "2027-06-02T17:30:00+08:00");
}

TEST(WorkCalendar, ConcurrentConstUse) {
  const auto& cal = official();
  std::vector<std::thread> threads;
  std::vector<std::int64_t> sums(4, 0);
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const Timestamp s =
            cst("2024-01-01", 0, 0) + static_cast<Timestamp>(i) * 7 * kMillisPerHour;
        sums[t] += cal.working_minutes_between(s, cal.add_working_minutes(s, i));
        sums[t] += cal.add_working_days(date("2024-01-01") + i % 700, i % 40);
      }
    });
  for (auto& th : threads) th.join();
  for (int t = 1; t < 4; ++t) EXPECT_EQ(sums[t], sums[0]);
}

}  // namespace
}  // namespace civicgrid
