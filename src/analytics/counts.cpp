// GET /api/v1/stats/counts: one pass over the cube's columns, grouping by up to four dimensions.
#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <unordered_map>

#include "analytics/query.h"
#include "analytics/scope_mask.h"

namespace civicgrid::analytics {

namespace json = boost::json;

namespace {

constexpr std::pair<Dim, std::string_view> kDims[] = {
    {Dim::kDay, "day"},         {Dim::kWeek, "week"},
    {Dim::kMonth, "month"},     {Dim::kCategory, "category"},
    {Dim::kStreet, "street"},   {Dim::kCommunity, "community"},
    {Dim::kGrid, "grid"},       {Dim::kDepartment, "department"},
    {Dim::kChannel, "channel"}, {Dim::kType, "type"},
    {Dim::kStatus, "status"}};
constexpr size_t kMaxDims = 4;
constexpr std::uint32_t kNoMatch = 0x10000;  // a filter value no row has

Error bad(const std::string& field, const std::string& what) {
  return Error::invalid(field, "参数无效：" + field + "（" + what + "）",
                        "invalid " + field + ": " + what);
}

// Month code (year * 12 + month - 1) by day, built once.
const std::vector<std::uint16_t>& month_of_day() {
  static const std::vector<std::uint16_t> table = [] {
    std::vector<std::uint16_t> t(0x10000);
    for (std::int64_t d = 0; d < 0x10000; ++d) {
      int y;
      unsigned m, dd;
      civil_from_days(d, y, m, dd);
      t[d] = static_cast<std::uint16_t>(std::min(y * 12 + static_cast<int>(m) - 1, 0xFFFF));
    }
    return t;
  }();
  return table;
}

std::uint32_t monday_of(std::uint32_t day) {
  return day - (day + 3) % 7;
}  // 1970-01-01 was a Thursday

std::string week_label(std::int64_t monday) {
  int y;
  unsigned m, d;
  civil_from_days(monday + 3, y, m, d);  // the ISO year is the Thursday's
  const std::int64_t jan1 = days_from_civil(y, 1, 1);
  const std::int64_t week = (monday + 3 - jan1) / 7 + 1;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-W%02d", y, static_cast<int>(week));
  return buf;
}

std::optional<std::int64_t> parse_week(std::string_view s) {
  int y = 0, w = 0;
  if (s.size() != 8 || s[4] != '-' || s[5] != 'W') return std::nullopt;
  if (std::from_chars(s.data(), s.data() + 4, y).ec != std::errc() ||
      std::from_chars(s.data() + 6, s.data() + 8, w).ec != std::errc() || w < 1 || w > 53)
    return std::nullopt;
  const std::int64_t jan4 = days_from_civil(y, 1, 4);
  return monday_of(static_cast<std::uint32_t>(jan4)) + (w - 1) * 7;
}

std::uint32_t value(const Cube& c, Dim d, size_t row, int level) {
  switch (d) {
    case Dim::kDay:
      return c.created_day_[row];
    case Dim::kWeek:
      return monday_of(c.created_day_[row]);
    case Dim::kMonth:
      return month_of_day()[c.created_day_[row]];
    case Dim::kCategory:
      return c.category_levels_[c.category_[row]][level - 1];
    case Dim::kStreet:
      return c.area_street_[c.area_[row]];
    case Dim::kCommunity:
      return c.area_community_[c.area_[row]];
    case Dim::kGrid:
      return c.area_grid_[c.area_[row]];
    case Dim::kDepartment:
      return c.department_[row];
    case Dim::kChannel:
      return c.channel_[row];
    case Dim::kType:
      return c.type_[row];
    case Dim::kStatus:
      return c.status_[row];
  }
  return 0;
}

json::value label(const Cube& c, Dim d, std::uint32_t v) {
  switch (d) {
    case Dim::kDay:
      return json::value(format_day(v));
    case Dim::kWeek:
      return json::value(week_label(v));
    case Dim::kMonth: {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%04u-%02u", v / 12, v % 12 + 1);
      return json::value(buf);
    }
    case Dim::kCategory:
      return v ? json::value(c.categories_.code(v)) : json::value(nullptr);
    case Dim::kStreet:
    case Dim::kCommunity:
    case Dim::kGrid:
      return v ? json::value(c.areas_.code(v)) : json::value(nullptr);
    case Dim::kDepartment:
      return v ? json::value(c.departments_.code(v)) : json::value(nullptr);
    case Dim::kChannel:
      return json::value(cases::name(static_cast<cases::Channel>(v)));
    case Dim::kType:
      return json::value(cases::name(static_cast<cases::AppealType>(v)));
    case Dim::kStatus:
      return json::value(cases::name(static_cast<cases::Status>(v)));
  }
  return nullptr;
}

// The key a filter value stands for; kNoMatch for a code nobody has; an error for a malformed
// value.
Result<std::uint32_t> filter_key(const Cube& c, Dim d, const std::string& v) {
  const std::string field(name(d));
  switch (d) {
    case Dim::kDay: {
      auto day = parse_day(v);
      if (!day) return fail(bad(field, "YYYY-MM-DD"));
      return static_cast<std::uint32_t>(*day);
    }
    case Dim::kWeek: {
      auto w = parse_week(v);
      if (!w) return fail(bad(field, "YYYY-Www"));
      return static_cast<std::uint32_t>(*w);
    }
    case Dim::kMonth: {
      auto day = parse_day(v + "-01");
      if (!day) return fail(bad(field, "YYYY-MM"));
      return month_of_day()[*day];
    }
    case Dim::kCategory:
      return c.categories_.find(v).value_or(kNoMatch);
    case Dim::kStreet:
    case Dim::kCommunity:
    case Dim::kGrid:
      return c.areas_.find(v).value_or(kNoMatch);
    case Dim::kDepartment:
      return c.departments_.find(v).value_or(kNoMatch);
    case Dim::kChannel: {
      auto x = cases::parse_channel(v);
      if (!x) return fail(bad(field, "unknown channel"));
      return static_cast<std::uint32_t>(*x);
    }
    case Dim::kType: {
      auto x = cases::parse_appeal_type(v);
      if (!x) return fail(bad(field, "unknown type"));
      return static_cast<std::uint32_t>(*x);
    }
    case Dim::kStatus: {
      auto x = cases::parse_status(v);
      if (!x) return fail(bad(field, "unknown status"));
      return static_cast<std::uint32_t>(*x);
    }
  }
  return kNoMatch;
}

}  // namespace

std::optional<Dim> parse_dim(std::string_view s) {
  for (const auto& [d, n] : kDims)
    if (n == s) return d;
  return std::nullopt;
}

std::string_view name(Dim d) {
  for (const auto& [x, n] : kDims)
    if (x == d) return n;
  return "";
}

std::optional<std::int64_t> parse_day(std::string_view s) {
  int y = 0, m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  if (std::from_chars(s.data(), s.data() + 4, y).ec != std::errc() ||
      std::from_chars(s.data() + 5, s.data() + 7, m).ec != std::errc() ||
      std::from_chars(s.data() + 8, s.data() + 10, d).ec != std::errc())
    return std::nullopt;
  if (y < 1970 || y > 2150 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  const std::int64_t day = days_from_civil(y, m, d);
  int yy;
  unsigned mm, dd;
  civil_from_days(day, yy, mm, dd);
  if (static_cast<int>(mm) != m) return std::nullopt;  // e.g. 2024-02-30
  return day;
}

std::string format_day(std::int64_t day) {
  int y;
  unsigned m, d;
  civil_from_days(day, y, m, d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

Result<CountQuery> parse_count_query(
    const std::vector<std::pair<std::string, std::string>>& params) {
  CountQuery q;
  for (const auto& [k, v] : params) {
    if (k == "dims") {
      size_t i = 0;
      while (i <= v.size()) {
        size_t j = v.find(',', i);
        if (j == std::string::npos) j = v.size();
        const std::string part = v.substr(i, j - i);
        auto d = parse_dim(part);
        if (!d) return fail(bad("dims", "unknown dimension " + part));
        if (std::find(q.dims.begin(), q.dims.end(), *d) == q.dims.end()) q.dims.push_back(*d);
        i = j + 1;
      }
      if (q.dims.size() > kMaxDims) return fail(bad("dims", "at most 4 dimensions"));
    } else if (k == "from" || k == "to") {
      auto d = parse_day(v);
      if (!d) return fail(bad(k, "YYYY-MM-DD"));
      (k == "from" ? q.from_day : q.to_day) = *d;
    } else if (k == "top") {
      int n = 0;
      if (std::from_chars(v.data(), v.data() + v.size(), n).ec != std::errc() || n < 1 || n > 10000)
        return fail(bad("top", "1..10000"));
      q.top = n;
    } else if (k == "category_level") {
      if (v != "1" && v != "2" && v != "3") return fail(bad("category_level", "1, 2 or 3"));
      q.category_level = v[0] - '0';
    } else if (k == "lang") {
      continue;  // the error language, handled by the server
    } else if (auto d = parse_dim(k)) {
      q.filters.emplace_back(*d, v);
    } else {
      return fail(bad(k, "unknown parameter"));
    }
  }
  return q;
}

json::object run_counts(const Cube& cube, const CountQuery& q, const identity::DataScope& scope) {
  auto lock = cube.lock_shared();
  const ScopeMask mask(cube, scope);
  std::vector<std::pair<Dim, std::uint32_t>> filters;
  for (const auto& [d, v] : q.filters) {
    auto key = filter_key(cube, d, v);
    filters.emplace_back(d, key ? *key : kNoMatch);
  }
  const std::uint32_t from = q.from_day.value_or(0);
  const std::uint32_t to = q.to_day.value_or(0x10000);
  std::unordered_map<std::uint64_t, std::int64_t> groups;
  std::int64_t total = 0;
  const size_t n = cube.rows();
  for (size_t row = 1; row < n; ++row) {
    if (cube.status_[row] == kAbsent) continue;
    const std::uint32_t day = cube.created_day_[row];
    if (day < from || day >= to || !mask.visible(cube, row)) continue;
    bool keep = true;
    for (const auto& [d, key] : filters) {
      // A category filter matches a case whose category has that code at any level.
      if (d == Dim::kCategory) {
        const auto& lv = cube.category_levels_[cube.category_[row]];
        keep = key != 0 && (lv[0] == key || lv[1] == key || lv[2] == key);
      } else {
        keep = value(cube, d, row, q.category_level) == key;
      }
      if (!keep) break;
    }
    if (!keep) continue;
    std::uint64_t k = 0;
    for (Dim d : q.dims) k = (k << 16) | (value(cube, d, row, q.category_level) & 0xFFFF);
    ++groups[k];
    ++total;
  }
  std::vector<std::pair<std::uint64_t, std::int64_t>> sorted(groups.begin(), groups.end());
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (q.top > 0 && sorted.size() > static_cast<size_t>(q.top)) sorted.resize(q.top);
  json::array rows;
  rows.reserve(sorted.size());
  for (const auto& [k, count] : sorted) {
    json::object o;
    for (size_t i = 0; i < q.dims.size(); ++i) {
      const auto v = static_cast<std::uint32_t>((k >> (16 * (q.dims.size() - 1 - i))) & 0xFFFF);
      o[name(q.dims[i])] = label(cube, q.dims[i], v);
    }
    o["count"] = count;
    rows.push_back(std::move(o));
  }
  return json::object{{"rows", std::move(rows)}, {"total", total}};
}

}  // namespace civicgrid::analytics
