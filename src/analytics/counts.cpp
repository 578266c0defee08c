// GET /api/v1/stats/counts: one pass over the cube's columns, grouping by up to four dimensions.
#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <charconv>
#include <thread>
#include <unordered_map>

#include "analytics/bad_param.h"
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
constexpr std::uint32_t kNoMatch = 0x10000;     // a filter value no row has
constexpr size_t kParallelRows = 1 << 20;       // below this one thread scans
constexpr std::uint32_t kMaxDayIndexDays = 62;  // longer day-by-day periods scan the columns

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
      return rollup_month(c.created_day_[row]);
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
      if (!day) return fail(bad_param(field, "YYYY-MM-DD"));
      return static_cast<std::uint32_t>(*day);
    }
    case Dim::kWeek: {
      auto w = parse_week(v);
      if (!w) return fail(bad_param(field, "YYYY-Www"));
      return static_cast<std::uint32_t>(*w);
    }
    case Dim::kMonth: {
      auto day = parse_day(v + "-01");
      if (!day) return fail(bad_param(field, "YYYY-MM"));
      return rollup_month(*day);
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
      if (!x) return fail(bad_param(field, "unknown channel"));
      return static_cast<std::uint32_t>(*x);
    }
    case Dim::kType: {
      auto x = cases::parse_appeal_type(v);
      if (!x) return fail(bad_param(field, "unknown type"));
      return static_cast<std::uint32_t>(*x);
    }
    case Dim::kStatus: {
      auto x = cases::parse_status(v);
      if (!x) return fail(bad_param(field, "unknown status"));
      return static_cast<std::uint32_t>(*x);
    }
  }
  return kNoMatch;
}

// --- The dense scan. Every dimension's value is a function of one source column (created day,
// category, area, department, channel, type or status), so per query each dimension gets a table
// from source value to a compact group index, filters get a table from source value to pass/fail,
// and the groups are counted in a flat array indexed by the mixed-radix compact key instead of a
// hash map: a few table lookups per row. Large inputs are split between two threads.

enum class Source { kDay, kCategory, kArea, kDepartment, kChannel, kType, kStatus };

Source source_of(Dim d) {
  switch (d) {
    case Dim::kDay:
    case Dim::kWeek:
    case Dim::kMonth:
      return Source::kDay;
    case Dim::kCategory:
      return Source::kCategory;
    case Dim::kStreet:
    case Dim::kCommunity:
    case Dim::kGrid:
      return Source::kArea;
    case Dim::kDepartment:
      return Source::kDepartment;
    case Dim::kChannel:
      return Source::kChannel;
    case Dim::kType:
      return Source::kType;
    case Dim::kStatus:
      return Source::kStatus;
  }
  return Source::kStatus;
}

// The value of dimension d for a row whose source column holds s (mirrors value()).
std::uint32_t value_of_source(const Cube& c, Dim d, std::uint32_t s, int level) {
  switch (d) {
    case Dim::kDay:
      return s;
    case Dim::kWeek:
      return monday_of(s);
    case Dim::kMonth:
      return rollup_month(s);
    case Dim::kCategory:
      return c.category_levels_[s][level - 1];
    case Dim::kStreet:
      return c.area_street_[s];
    case Dim::kCommunity:
      return c.area_community_[s];
    case Dim::kGrid:
      return c.area_grid_[s];
    default:
      return s;
  }
}

struct SourceColumn {
  const std::uint16_t* u16 = nullptr;
  const std::uint8_t* u8 = nullptr;
  std::uint32_t at(size_t row) const { return u16 ? u16[row] : u8[row]; }
};

SourceColumn column(const Cube& c, Source s) {
  switch (s) {
    case Source::kDay:
      return {c.created_day_.data(), nullptr};
    case Source::kCategory:
      return {c.category_.data(), nullptr};
    case Source::kArea:
      return {c.area_.data(), nullptr};
    case Source::kDepartment:
      return {c.department_.data(), nullptr};
    case Source::kChannel:
      return {nullptr, c.channel_.data()};
    case Source::kType:
      return {nullptr, c.type_.data()};
    case Source::kStatus:
      return {nullptr, c.status_.data()};
  }
  return {};
}

// Source values [0, n) a row can hold (days: only [lo, hi) matter, the rest is filtered out).
std::uint32_t domain_size(const Cube& c, Source s) {
  switch (s) {
    case Source::kDay:
      return 0x10000;
    case Source::kCategory:
      return static_cast<std::uint32_t>(c.categories_.size());
    case Source::kArea:
      return static_cast<std::uint32_t>(c.areas_.size());
    case Source::kDepartment:
      return static_cast<std::uint32_t>(c.departments_.size());
    default:
      return 0x100;
  }
}

struct DimTable {
  SourceColumn col;
  std::vector<std::uint32_t> compact;  // by source value
  std::vector<std::uint32_t> raw;      // by compact index: the dimension's value
  Source source = Source::kStatus;
};

struct FilterTable {
  SourceColumn col;
  std::vector<char> pass;  // by source value
  Source source = Source::kStatus;
};

constexpr std::uint64_t kMaxDenseGroups = 1 << 22;

// Counts rows [begin, end) into `counts` (flat, by compact key); returns how many rows counted.
std::int64_t dense_scan(const Cube& cube, const ScopeMask& mask, std::uint32_t from,
                        std::uint32_t to, const std::vector<FilterTable>& filters,
                        const std::vector<DimTable>& dims, size_t begin, size_t end,
                        std::vector<std::uint32_t>& counts) {
  std::int64_t total = 0;
  const std::uint8_t* status = cube.status_.data();
  const std::uint16_t* day = cube.created_day_.data();
  for (size_t row = begin; row < end; ++row) {
    if (status[row] == kAbsent) continue;
    const std::uint32_t d = day[row];
    if (d < from || d >= to || !mask.visible(cube, row)) continue;
    bool keep = true;
    for (const auto& f : filters)
      if (!f.pass[f.col.at(row)]) {
        keep = false;
        break;
      }
    if (!keep) continue;
    std::uint64_t k = 0;
    for (const auto& t : dims) k = k * t.raw.size() + t.compact[t.col.at(row)];
    ++counts[k];
    ++total;
  }
  return total;
}

// Per-query tables for the dimensions and filters over source values, with days in [lo, hi);
// the number of compact groups, or nullopt when too many for a flat array.
std::optional<std::uint64_t> build_tables(const Cube& cube, const CountQuery& q,
                                          const std::vector<std::pair<Dim, std::uint32_t>>& filters,
                                          std::uint32_t lo, std::uint32_t hi,
                                          std::vector<DimTable>& dims,
                                          std::vector<FilterTable>& filter_tables) {
  std::uint64_t groups = 1;
  for (Dim d : q.dims) {
    const Source s = source_of(d);
    DimTable t{column(cube, s), std::vector<std::uint32_t>(domain_size(cube, s), 0), {}, s};
    std::unordered_map<std::uint32_t, std::uint32_t> index;
    const std::uint32_t first = s == Source::kDay ? std::min(lo, hi) : 0;
    const std::uint32_t last = s == Source::kDay ? hi : domain_size(cube, s);
    for (std::uint32_t v = first; v < last; ++v) {
      const std::uint32_t raw = value_of_source(cube, d, v, q.category_level);
      auto [it, added] = index.emplace(raw, static_cast<std::uint32_t>(t.raw.size()));
      if (added) t.raw.push_back(raw);
      t.compact[v] = it->second;
    }
    if (t.raw.empty()) t.raw.push_back(0);
    groups *= t.raw.size();
    if (groups > kMaxDenseGroups) return std::nullopt;
    dims.push_back(std::move(t));
  }
  for (const auto& [d, key] : filters) {
    const Source s = source_of(d);
    FilterTable f{column(cube, s), std::vector<char>(domain_size(cube, s), 0), s};
    for (std::uint32_t v = 0; v < f.pass.size(); ++v) {
      if (d == Dim::kCategory) {
        const auto& lv = cube.category_levels_[v];
        f.pass[v] = key != 0 && (lv[0] == key || lv[1] == key || lv[2] == key);
      } else {
        f.pass[v] = value_of_source(cube, d, v, q.category_level) == key;
      }
    }
    filter_tables.push_back(std::move(f));
  }
  return groups;
}

// The non-zero groups of a flat count array, with the 16-bit-per-dimension keys run_counts sorts
// and renders.
std::vector<std::pair<std::uint64_t, std::int64_t>> decode_groups(
    const std::vector<DimTable>& dims, const std::vector<std::uint32_t>& counts) {
  std::vector<std::pair<std::uint64_t, std::int64_t>> out;
  for (std::uint64_t i = 0; i < counts.size(); ++i) {
    if (!counts[i]) continue;
    std::uint64_t rest = i, k = 0, shift = 0;
    for (size_t j = dims.size(); j-- > 0;) {
      const std::uint64_t size = dims[j].raw.size();
      k |= static_cast<std::uint64_t>(dims[j].raw[rest % size] & 0xFFFF) << shift;
      rest /= size;
      shift += 16;
    }
    out.emplace_back(k, counts[i]);
  }
  return out;
}

// The groups of the query from the column scan, or nullopt when the compact key space is too
// large for a flat array (then the hash scan runs).
std::optional<std::vector<std::pair<std::uint64_t, std::int64_t>>> dense_groups(
    const Cube& cube, const CountQuery& q, const ScopeMask& mask,
    const std::vector<std::pair<Dim, std::uint32_t>>& filters, std::uint32_t from, std::uint32_t to,
    std::int64_t& total) {
  const std::uint32_t lo = std::max<std::uint32_t>(from, cube.min_created_day_);
  const std::uint32_t hi = std::min<std::uint32_t>(to, cube.max_created_day_ + 1u);
  std::vector<DimTable> dims;
  std::vector<FilterTable> filter_tables;
  const auto groups = build_tables(cube, q, filters, lo, hi, dims, filter_tables);
  if (!groups) return std::nullopt;
  const size_t n = cube.rows();
  std::vector<std::uint32_t> counts(*groups, 0);
  if (n >= kParallelRows && std::thread::hardware_concurrency() > 1) {
    std::vector<std::uint32_t> second(*groups, 0);
    std::int64_t total2 = 0;
    std::thread helper(
        [&] { total2 = dense_scan(cube, mask, lo, hi, filter_tables, dims, n / 2, n, second); });
    total = dense_scan(cube, mask, lo, hi, filter_tables, dims, 1, n / 2, counts);
    helper.join();
    total += total2;
    for (size_t i = 0; i < *groups; ++i) counts[i] += second[i];
  } else {
    total = dense_scan(cube, mask, lo, hi, filter_tables, dims, 1, n, counts);
  }
  return decode_groups(dims, counts);
}

// A family of count rollups (rollup.h): the source columns its keys carry and its tables by period;
// a day without a day table is read from the rows created that day (Cube::rows_by_day_).
template <class V>
struct CountTables {
  unsigned sources = 0;    // bit per Source
  bool category2 = false;  // the category field holds the level-2 ancestor, not the leaf
  const PeriodTable<V>* day = nullptr;
  const PeriodTable<V>* month = nullptr;
  const PeriodTable<V>* year = nullptr;
  const PeriodTable<V>* all = nullptr;  // every day in period 0: queries over all time
  bool by_area = false;                 // tables split by area (the key's area is the part)
};

constexpr unsigned bit(Source s) {
  return 1u << static_cast<int>(s);
}

std::uint32_t cases_of(std::uint32_t n) {
  return n;
}
std::uint32_t cases_of(const UnitSums& s) {
  return s.n[kSumCases];
}

// The groups of the query from one family of rollups. Same tables as the scan: an entry's codes
// play the part of a row's columns, its count the part of 1.
template <class V>
std::optional<std::vector<std::pair<std::uint64_t, std::int64_t>>> read_rollups(
    const Cube& cube, const CountTables<V>& t, Grain grain, const CountQuery& q,
    const ScopeMask& mask, const std::vector<std::pair<Dim, std::uint32_t>>& filters,
    std::uint32_t from, std::uint32_t to, std::int64_t& total) {
  if (!t.year && grain == Grain::kYears) grain = Grain::kMonths;
  // Without day tables every day of a day-grain period is read row by row: beyond two months the
  // sequential scan is faster than the day index.
  const std::uint32_t first_day = std::max<std::uint32_t>(from, cube.min_created_day_);
  const std::uint32_t end_day = std::min<std::uint32_t>(to, cube.max_created_day_ + 1u);
  if (!t.day && grain == Grain::kDays && end_day > first_day + kMaxDayIndexDays)
    return std::nullopt;
  // Month and year buckets start on the first of a month or year: the time tables cover the whole
  // years the data touches.
  const std::uint32_t lo =
      std::max<std::uint32_t>(from, year_first_day(rollup_month(cube.min_created_day_) / 12));
  const std::uint32_t hi =
      std::min<std::uint32_t>(to, year_first_day(rollup_month(cube.max_created_day_) / 12 + 1));
  std::vector<DimTable> dims;
  std::vector<FilterTable> filter_tables;
  const auto groups = build_tables(cube, q, filters, lo, hi, dims, filter_tables);
  if (!groups) return std::nullopt;
  // With a street, community or grid filter, a table split by area is read only in the parts of
  // the areas that pass it (an entry's part is its area, so the others hold no passing entry).
  std::optional<std::vector<std::uint32_t>> area_parts;
  for (const auto& f : filter_tables) {
    if (!t.by_area || f.source != Source::kArea) continue;
    std::vector<std::uint32_t> pass;
    for (std::uint32_t a = 0; a < f.pass.size(); ++a)
      if (f.pass[a] && (!area_parts ||
                        std::find(area_parts->begin(), area_parts->end(), a) != area_parts->end()))
        pass.push_back(a);
    area_parts = std::move(pass);
  }
  // Source values of an entry, indexed by Source.
  std::array<std::uint32_t, 7> src{};
  std::vector<std::uint32_t> counts(*groups, 0);
  total = 0;
  auto visit = [&](std::uint32_t day, std::uint64_t key, std::uint32_t n) {
    if (n == 0) return;
    const std::uint32_t area = key_area(key), dept = key_department(key);
    if (!mask.visible_codes(area, dept)) return;
    src[static_cast<int>(Source::kDay)] = day;
    src[static_cast<int>(Source::kCategory)] = key_category(key);
    src[static_cast<int>(Source::kArea)] = area;
    src[static_cast<int>(Source::kDepartment)] = dept;
    src[static_cast<int>(Source::kChannel)] = key_channel(key);
    src[static_cast<int>(Source::kType)] = key_type(key);
    src[static_cast<int>(Source::kStatus)] = key_status(key);
    for (const auto& f : filter_tables)
      if (!f.pass[src[static_cast<int>(f.source)]]) return;
    std::uint64_t k = 0;
    for (const auto& d : dims) k = k * d.raw.size() + d.compact[src[static_cast<int>(d.source)]];
    counts[k] += n;
    total += n;
  };
  auto table = [&](const PeriodTable<V>& table, std::uint32_t period, std::uint32_t first) {
    const auto entry = [&](std::uint64_t k, const V& v) { visit(first, k, cases_of(v)); };
    if (!area_parts) return table.for_each(period, entry);
    for (const std::uint32_t a : *area_parts) table.for_each_part(period, a, entry);
  };
  // Every year the data touches (no time filter, no day or month dimension): the all-time table.
  if (t.all && grain == Grain::kYears &&
      lo == year_first_day(rollup_month(cube.min_created_day_) / 12) &&
      hi == year_first_day(rollup_month(cube.max_created_day_) / 12 + 1)) {
    table(*t.all, 0, lo);
    return decode_groups(dims, counts);
  }
  for_each_period(
      lo, hi, grain,
      [&](std::uint32_t d) {
        if (t.day) return table(*t.day, d, d);
        if (d >= cube.rows_by_day_.size()) return;
        for (const std::uint32_t row : cube.rows_by_day_[d]) {
          const std::uint32_t cat = cube.category_[row];
          visit(d,
                rollup_key(t.category2 ? cube.category_levels_[cat][1] : cat, cube.area_[row],
                           cube.department_[row], cube.status_[row], cube.channel_[row],
                           cube.type_[row]),
                1);
        }
      },
      [&](std::uint32_t m) { table(*t.month, m, month_first_day(m)); },
      [&](std::uint32_t y) { table(*t.year, y, year_first_day(y)); });
  return decode_groups(dims, counts);
}

// The groups of the query from the smallest family of rollups that holds every dimension and
// filter of the query, or nullopt when none does (then the scans run).
std::optional<std::vector<std::pair<std::uint64_t, std::int64_t>>> rollup_groups(
    const Cube& cube, const CountQuery& q, const ScopeMask& mask,
    const std::vector<std::pair<Dim, std::uint32_t>>& filters, std::uint32_t from, std::uint32_t to,
    std::int64_t& total) {
  if (!cube.use_rollups || cube.min_created_day_ > cube.max_created_day_) return std::nullopt;
  unsigned used = 0;
  Grain grain = Grain::kYears;
  // Whether level-2 ancestors are enough: a category dimension at level 1 or 2, category filters
  // on level-1 or level-2 codes (a case matches such a code exactly when its level-2 ancestor or
  // that ancestor's parent is the code); likewise level-1 ancestors.
  bool level1 = true, level2 = true;
  auto need = [&](Dim d, bool filter) {
    const Source s = source_of(d);
    used |= bit(s);
    // Days and weeks, and any filter on time, need day buckets; months need month buckets.
    if (s == Source::kDay && (filter || d != Dim::kMonth)) grain = Grain::kDays;
    if (d == Dim::kMonth && !filter && grain == Grain::kYears) grain = Grain::kMonths;
  };
  for (Dim d : q.dims) {
    need(d, false);
    if (d == Dim::kCategory && q.category_level > 1) level1 = false;
    if (d == Dim::kCategory && q.category_level > 2) level2 = false;
  }
  for (const auto& [d, key] : filters) {
    need(d, true);
    if (d == Dim::kCategory && key < cube.category_levels_.size() &&
        cube.category_levels_[key][1] != key)
      level2 = false;
    if (d == Dim::kCategory && key < cube.category_levels_.size() &&
        cube.category_levels_[key][0] != key)
      level1 = false;
  }
  const Rollups& r = cube.rollups_;
  const unsigned place = bit(Source::kDay) | bit(Source::kArea) | bit(Source::kDepartment);
  const unsigned status = place | bit(Source::kStatus);
  const unsigned category = place | bit(Source::kCategory);
  const unsigned attrs = status | bit(Source::kChannel) | bit(Source::kType);
  auto fits = [&](unsigned sources) { return (used & ~sources) == 0; };
  auto read = [&](const auto& tables) {
    return read_rollups(cube, tables, grain, q, mask, filters, from, to, total);
  };
  if (fits(place))
    return read(CountTables<UnitSums>{place, false, &r.units_day, &r.units_month, nullptr});
  if (fits(status))
    return read(
        CountTables<std::uint32_t>{status, false, &r.status_day, &r.attrs_month, &r.attrs_year});
  // Days from the level-2 table, months from the level-1 one when that is enough (each entry's
  // category is an ancestor of its cases' categories at the levels asked for).
  if (fits(category) && level2)
    return read(CountTables<std::uint32_t>{category, true, &r.category2_day,
                                           level1 ? &r.category1_month : &r.category2_month,
                                           nullptr});
  if (fits(category))
    return read(CountTables<std::uint32_t>{category, false, nullptr, &r.places_month,
                                           &r.places_year, &r.places_all, true});
  if (fits(attrs))
    return read(CountTables<std::uint32_t>{attrs, false, nullptr, &r.attrs_month, &r.attrs_year});
  return std::nullopt;
}

// The general scan: any number of groups, in a hash map.
std::vector<std::pair<std::uint64_t, std::int64_t>> hash_groups(
    const Cube& cube, const CountQuery& q, const ScopeMask& mask,
    const std::vector<std::pair<Dim, std::uint32_t>>& filters, std::uint32_t from, std::uint32_t to,
    std::int64_t& total) {
  std::unordered_map<std::uint64_t, std::int64_t> groups;
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
  return {groups.begin(), groups.end()};
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
        if (!d) return fail(bad_param("dims", "unknown dimension " + part));
        if (std::find(q.dims.begin(), q.dims.end(), *d) == q.dims.end()) q.dims.push_back(*d);
        i = j + 1;
      }
      if (q.dims.size() > kMaxDims) return fail(bad_param("dims", "at most 4 dimensions"));
    } else if (k == "from" || k == "to") {
      auto d = parse_day(v);
      if (!d) return fail(bad_param(k, "YYYY-MM-DD"));
      (k == "from" ? q.from_day : q.to_day) = *d;
    } else if (k == "top") {
      int n = 0;
      if (std::from_chars(v.data(), v.data() + v.size(), n).ec != std::errc() || n < 1 || n > 10000)
        return fail(bad_param("top", "1..10000"));
      q.top = n;
    } else if (k == "category_level") {
      if (v != "1" && v != "2" && v != "3") return fail(bad_param("category_level", "1, 2 or 3"));
      q.category_level = v[0] - '0';
    } else if (k == "lang") {
      continue;  // the error language, handled by the server
    } else if (auto d = parse_dim(k)) {
      q.filters.emplace_back(*d, v);
    } else {
      return fail(bad_param(k, "unknown parameter"));
    }
  }
  return q;
}

std::vector<std::pair<std::uint64_t, std::int64_t>> count_groups(const Cube& cube,
                                                                 const CountQuery& q,
                                                                 const ScopeMask& mask,
                                                                 std::int64_t& total) {
  std::vector<std::pair<Dim, std::uint32_t>> filters;
  for (const auto& [d, v] : q.filters) {
    auto key = filter_key(cube, d, v);
    filters.emplace_back(d, key ? *key : kNoMatch);
  }
  const std::uint32_t from = q.from_day.value_or(0);
  const std::uint32_t to = q.to_day.value_or(0x10000);
  total = 0;
  if (auto rolled = rollup_groups(cube, q, mask, filters, from, to, total)) return *rolled;
  total = 0;
  if (auto dense = dense_groups(cube, q, mask, filters, from, to, total)) return *dense;
  total = 0;
  return hash_groups(cube, q, mask, filters, from, to, total);
}

json::object run_counts(const Cube& cube, const CountQuery& q, const identity::DataScope& scope) {
  auto lock = cube.lock_shared();
  const ScopeMask mask(cube, scope);
  std::int64_t total = 0;
  auto sorted = count_groups(cube, q, mask, total);
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
