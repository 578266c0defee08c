#include "core/work_calendar.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace civicgrid {

namespace json = boost::json;

namespace {

constexpr std::int64_t kEpochMonday = 4;  // 1970-01-05 was a Monday

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

std::int64_t floor_mod(std::int64_t a, std::int64_t b) {
  return a - floor_div(a, b) * b;
}

bool is_weekend(std::int64_t day) {
  return floor_mod(day - kEpochMonday, 7) >= 5;
}

// Monday–Friday days in [kEpochMonday, x) (negative for x before it); weekdays in [a, b) = f(b) -
// f(a).
std::int64_t weekdays_before(std::int64_t x) {
  const std::int64_t m = x - kEpochMonday;
  return 5 * floor_div(m, 7) + std::min<std::int64_t>(floor_mod(m, 7), 5);
}

// The weekday d with weekdays_before(d + 1) == t.
std::int64_t weekday_with_rank(std::int64_t t) {
  return kEpochMonday + 7 * floor_div(t - 1, 5) + floor_mod(t - 1, 5);
}

// Set bits of `b` in [lo, hi).
int count_range(const std::bitset<366>& b, int lo, int hi) {
  if (hi <= lo) return 0;
  return static_cast<int>(((b >> lo) << (366 - (hi - lo))).count());
}

Error calendar_error(const std::string& zh, const std::string& en) {
  return Error::invalid("calendar", "节假日数据有误：" + zh, "invalid calendar data: " + en);
}

const std::string* find_name(const std::vector<std::pair<int, std::string>>& names, int offset) {
  auto it = std::lower_bound(names.begin(), names.end(), offset,
                             [](const auto& e, int o) { return e.first < o; });
  return it != names.end() && it->first == offset ? &it->second : nullptr;
}

}  // namespace

Result<std::map<int, WorkCalendar::Year>> WorkCalendar::parse(std::string_view json_text) {
  boost::system::error_code ec;
  const json::value doc = json::parse(json_text, ec);
  if (ec)
    return fail(calendar_error("不是有效的 JSON（" + ec.message() + "）",
                               "malformed JSON (" + ec.message() + ")"));
  const json::object* root = doc.if_object();
  const json::value* years_value = root ? root->if_contains("years") : nullptr;
  if (!years_value || !years_value->is_object())
    return fail(calendar_error("缺少 \"years\" 对象", "the document needs a \"years\" object"));

  std::map<int, Year> out;
  for (const auto& [key, value] : years_value->get_object()) {
    const std::string year_text(key);
    const bool digits = year_text.size() == 4 && year_text[0] != '0' &&
                        std::all_of(year_text.begin(), year_text.end(),
                                    [](char c) { return c >= '0' && c <= '9'; });
    if (!digits)
      return fail(
          calendar_error("年份 \"" + year_text + "\" 无效", "bad year key \"" + year_text + "\""));
    const int year = std::stoi(year_text);
    const json::object* obj = value.if_object();
    if (!obj)
      return fail(calendar_error(year_text + " 年的数据不是对象",
                                 "year " + year_text + " is not an object"));
    for (const auto& entry : *obj) {
      const std::string k(entry.key());
      if (k != "days_off" && k != "adjusted_workdays")
        return fail(calendar_error(year_text + " 年含未知字段 \"" + k + "\"",
                                   "year " + year_text + ": unknown key \"" + k + "\""));
    }

    Year y;
    y.first_day = days_from_civil(year, 1, 1);
    y.length = static_cast<int>(days_from_civil(year + 1, 1, 1) - y.first_day);
    for (int i = 0; i < y.length; ++i) y.working[i] = !is_weekend(y.first_day + i);
    std::bitset<366> off;

    for (const char* section : {"days_off", "adjusted_workdays"}) {
      const bool is_off = section == std::string_view("days_off");
      const std::string where = "year " + year_text + " " + section;
      const std::string where_zh = year_text + " 年 " + section;
      const json::value* list = obj->if_contains(section);
      if (!list) {
        if (is_off) return fail(calendar_error(where_zh + " 缺失", where + " is missing"));
        continue;
      }
      if (!list->is_object())
        return fail(calendar_error(where_zh + " 不是对象", where + " is not an object"));
      auto& names = is_off ? y.off_names : y.adjusted_names;
      for (const auto& [date_key, name] : list->get_object()) {
        const std::string date(date_key);
        const std::optional<std::int64_t> day = parse_iso_date(date);
        if (!day)
          return fail(calendar_error(where_zh + " 中的日期 \"" + date + "\" 无效",
                                     where + ": \"" + date + "\" is not a valid YYYY-MM-DD date"));
        const std::int64_t offset = *day - y.first_day;
        if (offset < 0 || offset >= y.length)
          return fail(calendar_error(where_zh + " 中的日期 " + date + " 不在该年内",
                                     where + ": " + date + " is outside the year"));
        if (!name.is_string() || name.get_string().empty())
          return fail(
              calendar_error(where_zh + " 中 " + date + " 的名称须为非空字符串",
                             where + ": the name of " + date + " must be a non-empty string"));
        const int i = static_cast<int>(offset);
        if (is_off) {
          off[i] = true;
          y.working[i] = false;
        } else {
          if (off[i])
            return fail(calendar_error(
                year_text + " 年 " + date + " 同时是休息日和调休上班日",
                "year " + year_text + ": " + date + " is both a day off and an adjusted workday"));
          if (!is_weekend(*day))
            return fail(calendar_error(where_zh + " 中的 " + date + " 不是周六或周日",
                                       where + ": " + date + " is not a Saturday or Sunday"));
          y.working[i] = true;
        }
        names.emplace_back(i, std::string(name.get_string()));
      }
      std::sort(names.begin(), names.end());
      names.erase(std::unique(names.begin(), names.end(),
                              [](const auto& a, const auto& b) { return a.first == b.first; }),
                  names.end());
    }
    out.insert_or_assign(year, std::move(y));
  }
  return out;
}

Result<WorkCalendar> WorkCalendar::from_json(std::string_view json_text, WorkingHours hours) {
  const bool ordered = 0 <= hours.start_minute && hours.start_minute <= hours.lunch_start &&
                       hours.lunch_start <= hours.lunch_end &&
                       hours.lunch_end <= hours.end_minute && hours.end_minute <= 24 * 60;
  const int minutes =
      (hours.lunch_start - hours.start_minute) + (hours.end_minute - hours.lunch_end);
  if (!ordered || minutes <= 0)
    return fail(
        Error::invalid("working_hours", "工作时间设置无效",
                       "working hours must satisfy 0 <= start <= lunch_start <= lunch_end <= "
                       "end <= 1440 with a non-empty working day"));
  auto years = parse(json_text);
  if (!years) return fail(std::move(years.error()));
  WorkCalendar cal;
  cal.hours_ = hours;
  cal.years_ = std::move(*years);
  return cal;
}

Result<void> WorkCalendar::merge_json(std::string_view json_text) {
  auto years = parse(json_text);
  if (!years) return fail(std::move(years.error()));
  for (auto& [year, data] : *years) years_.insert_or_assign(year, std::move(data));
  return {};
}

const WorkCalendar::Year* WorkCalendar::year_of(std::int64_t day) const {
  if (years_.empty()) return nullptr;
  int y;
  unsigned m, d;
  civil_from_days(day, y, m, d);
  auto it = years_.find(y);
  return it == years_.end() ? nullptr : &it->second;
}

std::optional<std::int64_t> WorkCalendar::next_covered_start(std::int64_t day) const {
  int y;
  unsigned m, d;
  civil_from_days(day, y, m, d);
  auto it = years_.upper_bound(y);
  if (it == years_.end()) return std::nullopt;
  return it->second.first_day;
}

bool WorkCalendar::is_working_day(std::int64_t day) const {
  if (const Year* y = year_of(day)) return y->working[static_cast<size_t>(day - y->first_day)];
  return !is_weekend(day);
}

std::optional<std::string> WorkCalendar::holiday_name(std::int64_t day) const {
  const Year* y = year_of(day);
  if (!y) return std::nullopt;
  const std::string* name = find_name(y->off_names, static_cast<int>(day - y->first_day));
  return name ? std::optional<std::string>(*name) : std::nullopt;
}

std::optional<std::string> WorkCalendar::adjusted_workday_name(std::int64_t day) const {
  const Year* y = year_of(day);
  if (!y) return std::nullopt;
  const std::string* name = find_name(y->adjusted_names, static_cast<int>(day - y->first_day));
  return name ? std::optional<std::string>(*name) : std::nullopt;
}

std::int64_t WorkCalendar::count_working_days(std::int64_t from, std::int64_t to) const {
  std::int64_t total = 0;
  std::int64_t cur = from;
  while (cur < to) {
    if (const Year* y = year_of(cur)) {
      const std::int64_t hi = std::min(to, y->first_day + y->length);
      total += count_range(y->working, static_cast<int>(cur - y->first_day),
                           static_cast<int>(hi - y->first_day));
      cur = hi;
    } else {
      const std::optional<std::int64_t> next = next_covered_start(cur);
      const std::int64_t hi = next ? std::min(to, *next) : to;
      total += weekdays_before(hi) - weekdays_before(cur);
      cur = hi;
    }
  }
  return total;
}

std::int64_t WorkCalendar::nth_working_day_after(std::int64_t day, std::int64_t n) const {
  if (n <= 0) {
    while (!is_working_day(day)) ++day;
    return day;
  }
  // Invariant: the answer is the n-th working day strictly after `cur`.
  std::int64_t cur = day;
  while (true) {
    const std::int64_t next = cur + 1;
    if (const Year* y = year_of(next)) {
      const int lo = static_cast<int>(next - y->first_day);
      const int available = count_range(y->working, lo, y->length);
      if (n > available) {
        n -= available;
        cur = y->first_day + y->length - 1;
        continue;
      }
      for (int i = lo;; ++i)
        if (y->working[i] && --n == 0) return y->first_day + i;
    } else {
      // Monday–Friday up to the next covered year, in closed form.
      const std::optional<std::int64_t> bound = next_covered_start(next);
      const std::int64_t candidate = weekday_with_rank(weekdays_before(next) + n);
      if (!bound || candidate < *bound) return candidate;
      n -= weekdays_before(*bound) - weekdays_before(next);
      cur = *bound - 1;
    }
  }
}

std::int64_t WorkCalendar::add_working_days(std::int64_t day, int n) const {
  return nth_working_day_after(day, n);
}

std::int64_t WorkCalendar::local_day(Timestamp t) {
  return floor_div(t + kChinaOffsetMillis, kMillisPerDay);
}

bool WorkCalendar::has_data_for(Timestamp t) const {
  return year_of(local_day(t)) != nullptr;
}

std::int64_t WorkCalendar::day_ms() const {
  return static_cast<std::int64_t>((hours_.lunch_start - hours_.start_minute) +
                                   (hours_.end_minute - hours_.lunch_end)) *
         kMillisPerMinute;
}

std::int64_t WorkCalendar::worked_ms_at(std::int64_t ms) const {
  const std::int64_t s = hours_.start_minute * kMillisPerMinute;
  const std::int64_t ls = hours_.lunch_start * kMillisPerMinute;
  const std::int64_t le = hours_.lunch_end * kMillisPerMinute;
  const std::int64_t e = hours_.end_minute * kMillisPerMinute;
  return std::clamp<std::int64_t>(ms - s, 0, ls - s) + std::clamp<std::int64_t>(ms - le, 0, e - le);
}

std::int64_t WorkCalendar::time_of_day_for(std::int64_t worked) const {
  const std::int64_t s = hours_.start_minute * kMillisPerMinute;
  const std::int64_t morning = (hours_.lunch_start - hours_.start_minute) * kMillisPerMinute;
  if (worked <= morning) return s + worked;
  return hours_.lunch_end * kMillisPerMinute + (worked - morning);
}

Timestamp WorkCalendar::add_working_minutes(Timestamp start, std::int64_t minutes) const {
  if (minutes <= 0) return start;
  std::int64_t remaining = minutes * kMillisPerMinute;
  const std::int64_t day = local_day(start);
  const std::int64_t midnight = day * kMillisPerDay - kChinaOffsetMillis;  // UTC instant
  const std::int64_t per_day = day_ms();
  if (is_working_day(day)) {
    const std::int64_t done = worked_ms_at(start - midnight);
    if (remaining <= per_day - done) return midnight + time_of_day_for(done + remaining);
    remaining -= per_day - done;
  }
  // `remaining` > 0 falls on the (q + 1)-th working day after `day`, at `x` working ms into it.
  const std::int64_t q = (remaining - 1) / per_day;
  const std::int64_t x = remaining - q * per_day;
  const std::int64_t target = nth_working_day_after(day, q + 1);
  return target * kMillisPerDay - kChinaOffsetMillis + time_of_day_for(x);
}

Timestamp WorkCalendar::deadline_after_working_days(Timestamp start, int n) const {
  const std::int64_t target = nth_working_day_after(local_day(start), std::max(n, 0));
  return target * kMillisPerDay - kChinaOffsetMillis + hours_.end_minute * kMillisPerMinute;
}

std::int64_t WorkCalendar::working_minutes_between(Timestamp start, Timestamp end) const {
  if (end <= start) return 0;
  const std::int64_t ds = local_day(start);
  const std::int64_t de = local_day(end);
  const std::int64_t ts = start + kChinaOffsetMillis - ds * kMillisPerDay;
  const std::int64_t te = end + kChinaOffsetMillis - de * kMillisPerDay;
  std::int64_t total;
  if (ds == de) {
    total = is_working_day(ds) ? worked_ms_at(te) - worked_ms_at(ts) : 0;
  } else {
    total = (is_working_day(ds) ? day_ms() - worked_ms_at(ts) : 0) +
            day_ms() * count_working_days(ds + 1, de) + (is_working_day(de) ? worked_ms_at(te) : 0);
  }
  return total / kMillisPerMinute;
}

Result<WorkCalendar> load_work_calendar(const std::string& path_to_json_file, WorkingHours hours) {
  std::filesystem::path path(path_to_json_file);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) path /= "cn-holidays.json";
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return fail(Error::invalid("calendar", "无法读取节假日数据文件：" + path.string(),
                               "cannot read calendar file: " + path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  auto cal = WorkCalendar::from_json(text.str(), hours);
  if (!cal) {
    Error e = std::move(cal.error());
    return fail(Error(e.code(), e.message_zh() + "（" + path.string() + "）",
                      e.message_en() + " (" + path.string() + ")", std::string(e.field())));
  }
  return cal;
}

}  // namespace civicgrid
