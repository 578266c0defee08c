// GET /api/v1/stats/warnings: volume jumps against a seasonal baseline and rising overdue counts.
#include <algorithm>
#include <cmath>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "analytics/insights.h"
#include "analytics/scope_mask.h"

namespace civicgrid::analytics {

namespace {

constexpr const char* kUnitTypes[] = {"street", "community"};

std::string severity_of(double z) {
  return z >= 4 ? "high" : z >= 3 ? "medium" : "low";
}

// Volume warnings reading at least this many days of category2_day (windows of 15 days or more
// with 8 baselines) split them between two threads.
constexpr std::int64_t kParallelWarningDays = 128;

int severity_rank(const std::string& s) {
  return s == "high" ? 2 : s == "medium" ? 1 : 0;
}

// Volume per (area type, area, category level, category) in the recent window and its baselines.
void volume_warnings(const Cube& cube, const WarningQuery& q, const ScopeMask& mask,
                     std::vector<Warning>& out) {
  const std::int64_t step = (q.window + 6) / 7 * 7;
  const std::int64_t oldest = q.date - q.baselines * step - q.window + 1;
  const size_t slots = static_cast<size_t>(q.baselines) + 1;
  // First by (area, category) in a flat table (pair[area × categories + category] is the 1-based
  // index of the pair's counters by window), then rolled up to streets, communities and levels.
  const size_t areas = cube.areas_.size(), categories = cube.categories_.size();
  struct PairCounts {
    std::vector<std::uint32_t> pair;
    std::vector<std::uint32_t> pairs;  // area << 16 | category
    std::vector<std::int64_t> by_pair;
  };
  PairCounts counts{std::vector<std::uint32_t>(areas * categories, 0), {}, {}};
  // The window a day falls in (0: the recent one), or -1 between two windows: computed once a
  // day, not per entry (a division per entry was most of the time of the loop below).
  const auto window_of = [&](std::int64_t day) -> std::int64_t {
    const std::int64_t offset = q.date - day;
    return offset % step < q.window ? offset / step : -1;
  };
  // n cases in window j at `area` whose levels 1 and 2 are those of `category`.
  const auto count = [&](PairCounts& c, std::int64_t j, std::uint16_t area, std::uint16_t category,
                         std::int64_t n) {
    std::uint32_t& i = c.pair[area * categories + category];
    if (i == 0) {
      c.pairs.push_back((std::uint32_t{area} << 16) | category);
      c.by_pair.resize(c.by_pair.size() + slots, 0);
      i = static_cast<std::uint32_t>(c.pairs.size());
    }
    c.by_pair[(i - 1) * slots + static_cast<size_t>(j)] += n;
  };
  if (cube.use_rollups) {
    // The day rollup by (level-2 category, area, department) holds exactly these counts; days
    // between two windows are not read.
    const auto read_days = [&](std::int64_t first, std::int64_t last, PairCounts& c) {
      for (std::int64_t day = first; day <= last; ++day) {
        const std::int64_t j = window_of(day);
        if (j < 0) continue;
        cube.rollups_.category2_day.for_each(
            static_cast<std::uint32_t>(day), [&](std::uint64_t key, std::uint32_t n) {
              if (n != 0 && mask.visible_codes(key_area(key), key_department(key)))
                count(c, j, static_cast<std::uint16_t>(key_area(key)),
                      static_cast<std::uint16_t>(key_category(key)), n);
            });
      }
    };
    const std::int64_t first = std::max<std::int64_t>(oldest, 0);
    const std::int64_t days_read = (q.baselines + 1) * std::int64_t{q.window};
    if (days_read >= kParallelWarningDays && std::thread::hardware_concurrency() > 1) {
      // Long windows (a month: 279 days) split between two threads by days, the later half's
      // counters then added to the earlier's; the result does not depend on the order.
      const std::int64_t middle = first + (q.date - first + 1) / 2;
      PairCounts later{std::vector<std::uint32_t>(areas * categories, 0), {}, {}};
      std::thread helper([&] { read_days(middle, q.date, later); });
      read_days(first, middle - 1, counts);
      helper.join();
      for (size_t k = 0; k < later.pairs.size(); ++k)
        for (size_t j = 0; j < slots; ++j)
          if (const std::int64_t n = later.by_pair[k * slots + j]; n != 0)
            count(counts, static_cast<std::int64_t>(j),
                  static_cast<std::uint16_t>(later.pairs[k] >> 16),
                  static_cast<std::uint16_t>(later.pairs[k] & 0xFFFF), n);
    } else {
      read_days(first, q.date, counts);
    }
  } else {
    for (size_t row = 1; row < cube.rows(); ++row) {
      if (cube.status_[row] == kAbsent) continue;
      const std::int64_t day = cube.created_day_[row];
      if (day < oldest || day > q.date || !mask.visible(cube, row)) continue;
      if (const std::int64_t j = window_of(day); j >= 0)
        count(counts, j, cube.area_[row], cube.category_[row], 1);
    }
  }
  // The units' counters, by (area type, level, unit, category). A hash map rather than a flat
  // table like the pairs': there are few such units (streets and communities × levels 1 and 2),
  // and a table sized 4 × areas × categories would be tens of MB to clear per query in a district
  // of thousands of grids.
  std::unordered_map<std::uint64_t, std::uint32_t> unit;
  unit.reserve(counts.pairs.size() * 4);
  std::vector<std::uint64_t> units;  // area type (1 bit) | level − 1 (1 bit) | area (16) | cat (16)
  std::vector<std::int64_t> by_unit;
  for (size_t k = 0; k < counts.pairs.size(); ++k) {
    if ((counts.pairs[k] & 0xFFFF) == 0) continue;  // no category: no level to count under
    const std::uint16_t area = static_cast<std::uint16_t>(counts.pairs[k] >> 16);
    const std::uint16_t place[2] = {cube.area_street_[area], cube.area_community_[area]};
    const auto& levels = cube.category_levels_[counts.pairs[k] & 0xFFFF];
    for (std::uint64_t t = 0; t < 2; ++t) {
      if (place[t] == 0) continue;
      for (std::uint64_t l = 0; l < 2; ++l) {
        if (levels[l] == 0 || (l == 1 && levels[1] == levels[0])) continue;
        const std::uint64_t key =
            (t << 33) | (l << 32) | (std::uint64_t{place[t]} << 16) | levels[l];
        std::uint32_t& i = unit[key];
        if (i == 0) {
          units.push_back(key);
          by_unit.resize(by_unit.size() + slots, 0);
          i = static_cast<std::uint32_t>(units.size());
        }
        std::int64_t* v = by_unit.data() + (i - 1) * slots;
        for (size_t j = 0; j < slots; ++j) v[j] += counts.by_pair[k * slots + j];
      }
    }
  }
  for (size_t u = 0; u < units.size(); ++u) {
    const std::uint64_t key = units[u];
    const std::int64_t* v = by_unit.data() + u * slots;
    const std::int64_t observed = v[0];
    if (observed < q.min_count) continue;
    double mean = 0, var = 0;
    for (size_t j = 1; j < slots; ++j) mean += static_cast<double>(v[j]);
    mean /= q.baselines;
    for (size_t j = 1; j < slots; ++j) var += (v[j] - mean) * (v[j] - mean);
    var /= q.baselines;
    // The Poisson spread √mean (at least 1) keeps a flat baseline from flagging a small rise.
    const double spread = std::max(std::sqrt(var), std::sqrt(std::max(mean, 1.0)));
    const double high = mean + q.k * spread;
    if (static_cast<double>(observed) <= high) continue;
    Warning w;
    w.kind = "volume";
    w.unit_type = kUnitTypes[key >> 33];
    w.unit = cube.areas_.code(static_cast<std::uint16_t>((key >> 16) & 0xFFFF));
    w.category = cube.categories_.code(static_cast<std::uint16_t>(key & 0xFFFF));
    w.category_level = static_cast<int>((key >> 32) & 1) + 1;
    w.observed = observed;
    w.expected = mean;
    w.low = std::max(0.0, mean - q.k * spread);
    w.high = high;
    w.z = (observed - mean) / spread;
    w.severity = severity_of(w.z);
    w.series.assign(v + 1, v + slots);
    out.push_back(std::move(w));
  }
}

// Overdue cases per department by the week their deadline fell in.
void overdue_warnings(const Cube& cube, const WarningQuery& q, const ScopeMask& mask,
                      std::vector<Warning>& out) {
  const int weeks = q.overdue_weeks;
  const std::int64_t oldest = q.date - 7 * weeks + 1;
  std::unordered_map<std::uint16_t, std::vector<std::int64_t>> counts;
  auto count = [&](std::int64_t day, std::uint16_t dept, std::uint32_t n) {
    if (dept == 0 || n == 0) return;
    auto& v = counts[dept];
    if (v.empty()) v.resize(weeks, 0);
    v[weeks - 1 - (q.date - day) / 7] += n;  // oldest week first
  };
  if (cube.use_rollups) {
    for (std::int64_t day = std::max<std::int64_t>(oldest, 0); day <= q.date; ++day)
      cube.rollups_.overdue_by_deadline.for_each(
          static_cast<std::uint32_t>(day), [&](std::uint64_t key, std::uint32_t n) {
            if (mask.visible_codes(key_area(key), key_department(key)))
              count(day, static_cast<std::uint16_t>(key_department(key)), n);
          });
  } else {
    for (size_t row = 1; row < cube.rows(); ++row) {
      if (cube.status_[row] == kAbsent || !(cube.flags_[row] & kOverdue)) continue;
      const std::int64_t day = cube.deadline_day_[row];
      if (day >= oldest && day <= q.date && mask.visible(cube, row))
        count(day, cube.department_[row], 1);
    }
  }
  for (const auto& [dept, v] : counts) {
    const std::int64_t last = v[weeks - 1];
    // Rising: each of the last three weeks above the one before.
    bool rising = last >= q.min_overdue && weeks >= 3;
    for (int i = weeks - 2; rising && i >= weeks - 3; --i) rising = v[i] < v[i + 1];
    if (!rising) continue;
    Warning w;
    w.kind = "overdue";
    w.unit_type = "department";
    w.unit = cube.departments_.code(dept);
    w.observed = last;
    double mean = 0;
    for (int i = 0; i < weeks - 1; ++i) mean += static_cast<double>(v[i]);
    w.expected = mean / (weeks - 1);
    w.low = static_cast<double>(*std::min_element(v.begin(), v.end() - 1));
    w.high = static_cast<double>(*std::max_element(v.begin(), v.end() - 1));
    w.z = (last - w.expected) / std::sqrt(std::max(w.expected, 1.0));
    w.severity = last >= 2 * std::max<std::int64_t>(v[weeks - 2], 1) ? "high" : "medium";
    w.series = v;
    out.push_back(std::move(w));
  }
}

}  // namespace

std::vector<Warning> find_warnings(const Cube& cube, const WarningQuery& q,
                                   const identity::DataScope& scope) {
  auto lock = cube.lock_shared();
  const ScopeMask mask(cube, scope);
  std::vector<Warning> out;
  volume_warnings(cube, q, mask, out);
  overdue_warnings(cube, q, mask, out);
  std::sort(out.begin(), out.end(), [](const Warning& a, const Warning& b) {
    const int ra = severity_rank(a.severity), rb = severity_rank(b.severity);
    if (ra != rb) return ra > rb;
    if (a.z != b.z) return a.z > b.z;
    return std::tie(a.kind, a.unit_type, a.unit, a.category) <
           std::tie(b.kind, b.unit_type, b.unit, b.category);
  });
  return out;
}

}  // namespace civicgrid::analytics
