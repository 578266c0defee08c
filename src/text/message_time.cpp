// Times of messages as residents' boards print them: local China time, `2019/1/8 11:43:02`.
#include <charconv>
#include <cstdio>

#include "text/hot_issues.h"

namespace civicgrid::text {

namespace {

// Reads an unsigned number of 1..max_digits digits at s[i], advancing i.
std::optional<int> number(std::string_view s, size_t& i, size_t max_digits) {
  size_t j = i;
  while (j < s.size() && j - i < max_digits && s[j] >= '0' && s[j] <= '9') ++j;
  if (j == i) return std::nullopt;
  int v = 0;
  std::from_chars(s.data() + i, s.data() + j, v);
  i = j;
  return v;
}

}  // namespace

std::optional<Timestamp> parse_local_time(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  if (s.find('T') != std::string_view::npos) return parse_rfc3339(s);
  size_t i = 0;
  auto year = number(s, i, 4);
  if (!year || i != 4 || i >= s.size() || (s[i] != '/' && s[i] != '-')) return std::nullopt;
  const char sep = s[i++];
  auto month = number(s, i, 2);
  if (!month || i >= s.size() || s[i] != sep) return std::nullopt;
  ++i;
  auto day = number(s, i, 2);
  if (!day || *month < 1 || *month > 12 || *day < 1 || *day > 31) return std::nullopt;
  int h = 0, m = 0, sec = 0;
  if (i < s.size()) {
    if (s[i] != ' ') return std::nullopt;
    while (i < s.size() && s[i] == ' ') ++i;
    auto hh = number(s, i, 2);
    if (!hh || i >= s.size() || s[i] != ':') return std::nullopt;
    ++i;
    auto mm = number(s, i, 2);
    if (!mm) return std::nullopt;
    h = *hh, m = *mm;
    if (i < s.size()) {
      if (s[i] != ':') return std::nullopt;
      ++i;
      auto ss = number(s, i, 2);
      if (!ss) return std::nullopt;
      sec = *ss;
    }
    if (i != s.size() || h > 23 || m > 59 || sec > 60) return std::nullopt;
  }
  const std::int64_t days =
      days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
  int y2 = 0;
  unsigned m2 = 0, d2 = 0;
  civil_from_days(days, y2, m2, d2);
  if (d2 != static_cast<unsigned>(*day)) return std::nullopt;  // 2019/2/30
  return days * kMillisPerDay + h * kMillisPerHour + m * kMillisPerMinute + sec * kMillisPerSecond -
         kChinaOffsetMillis;
}

std::string format_local_date(Timestamp t) {
  const std::int64_t local = t + kChinaOffsetMillis;
  std::int64_t days = local / kMillisPerDay;
  if (local % kMillisPerDay < 0) --days;
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d/%02u/%02u", y, m, d);
  return buf;
}

}  // namespace civicgrid::text
