#include "open311/w3c_time.h"

namespace civicgrid::open311 {

std::string format_w3c(Timestamp t) {
  Timestamp whole = t - (((t % kMillisPerSecond) + kMillisPerSecond) % kMillisPerSecond);
  return format_rfc3339(whole);
}

namespace {

// Reads exactly `n` digits at s[i]; advances i.
std::optional<int> digits(std::string_view s, size_t& i, size_t n) {
  if (i + n > s.size()) return std::nullopt;
  int v = 0;
  for (size_t k = 0; k < n; ++k) {
    const char c = s[i + k];
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  i += n;
  return v;
}

bool leap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::optional<ParsedTime> parse_w3c(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  size_t i = 0;
  auto y = digits(s, i, 4);
  if (!y || i >= s.size() || s[i++] != '-') return std::nullopt;
  auto mo = digits(s, i, 2);
  if (!mo || i >= s.size() || s[i++] != '-') return std::nullopt;
  auto d = digits(s, i, 2);
  if (!d || *mo < 1 || *mo > 12 || *d < 1 || *d > days_in_month(*y, *mo)) return std::nullopt;
  const std::int64_t day =
      days_from_civil(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d));
  if (i == s.size()) return ParsedTime{day * kMillisPerDay - kChinaOffsetMillis, true};
  if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return std::nullopt;
  ++i;
  auto h = digits(s, i, 2);
  if (!h || i >= s.size() || s[i++] != ':') return std::nullopt;
  auto mi = digits(s, i, 2);
  if (!mi) return std::nullopt;
  int sec = 0;
  std::int64_t millis = 0;
  if (i < s.size() && s[i] == ':') {
    ++i;
    auto sc = digits(s, i, 2);
    if (!sc) return std::nullopt;
    sec = *sc;
    if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
      ++i;
      const size_t start = i;
      std::int64_t scale = 100;
      while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        millis += (s[i] - '0') * scale;
        scale /= 10;
        ++i;
      }
      if (i == start) return std::nullopt;
    }
  }
  // 24:00:00 is not accepted; a leap second 60 is read as 59.
  if (*h > 23 || *mi > 59 || sec > 60) return std::nullopt;
  if (sec == 60) sec = 59;
  std::int64_t offset = kChinaOffsetMillis;
  if (i < s.size()) {
    if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) {
      offset = 0;
      ++i;
    } else if (s[i] == '+' || s[i] == '-' || s[i] == ' ') {
      // A space stands for a '+' that an unencoded query string turned into one.
      const int sign = s[i] == '-' ? -1 : 1;
      ++i;
      auto oh = digits(s, i, 2);
      if (!oh) return std::nullopt;
      int om = 0;
      if (i < s.size()) {
        if (s[i] == ':') ++i;
        auto m = digits(s, i, 2);
        if (!m) return std::nullopt;
        om = *m;
      }
      if (*oh > 18 || om > 59) return std::nullopt;
      offset = sign * ((*oh) * kMillisPerHour + om * kMillisPerMinute);
    } else {
      return std::nullopt;
    }
  }
  if (i != s.size()) return std::nullopt;
  const Timestamp local = day * kMillisPerDay + *h * kMillisPerHour + *mi * kMillisPerMinute +
                          sec * kMillisPerSecond + millis;
  return ParsedTime{local - offset, false};
}

}  // namespace civicgrid::open311
