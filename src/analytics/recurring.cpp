// GET /api/v1/stats/recurring and /monthly-topics: the same problem at the same place month after
// month (未诉先办), and the frequent hard problems of a year (每月一题 candidates).
#include <algorithm>
#include <cstdio>
#include <tuple>
#include <unordered_map>

#include "analytics/insights.h"
#include "analytics/scope_mask.h"

namespace civicgrid::analytics {

int month_code(std::int64_t day) {
  int y;
  unsigned m, d;
  civil_from_days(day, y, m, d);
  return y * 12 + static_cast<int>(m) - 1;
}

std::string month_label(int code) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", code / 12, code % 12 + 1);
  return buf;
}

std::vector<Recurring> find_recurring(const Cube& cube, const RecurringQuery& q,
                                      const identity::DataScope& scope) {
  auto lock = cube.lock_shared();
  const ScopeMask mask(cube, scope);
  const int last = month_code(q.today);
  const int first = last - q.months + 1;
  // Counts by (place, category) in a flat table: slot[place × categories + category] is the
  // 1-based index of the pair's q.months counters in `series`.
  const size_t categories = cube.categories_.size();
  std::vector<std::uint32_t> slot(cube.areas_.size() * categories, 0);
  std::vector<std::uint32_t> keys;  // place << 16 | category, by slot
  std::vector<std::int64_t> series;
  auto count = [&](int m, std::uint16_t area, std::uint16_t category, std::int64_t n) {
    const std::uint32_t place =
        q.level == PlaceLevel::kGrid ? cube.area_grid_[area] : cube.area_community_[area];
    if (place == 0 || category == 0 || n == 0) return;
    std::uint32_t& s = slot[place * categories + category];
    if (s == 0) {
      keys.push_back((place << 16) | category);
      series.resize(series.size() + static_cast<size_t>(q.months), 0);
      s = static_cast<std::uint32_t>(keys.size());
    }
    series[(s - 1) * static_cast<size_t>(q.months) + static_cast<size_t>(m - first)] += n;
  };
  if (cube.use_rollups) {
    // The month rollup by (leaf category, area, department) holds exactly these counts.
    for (int m = std::max(first, 0); m <= last; ++m)
      cube.rollups_.places_month.for_each(m, [&](std::uint64_t key, std::uint32_t n) {
        if (mask.visible_codes(key_area(key), key_department(key)))
          count(m, key_area(key), key_category(key), n);
      });
  } else {
    for (size_t row = 1; row < cube.rows(); ++row) {
      if (cube.status_[row] == kAbsent) continue;
      const int m = month_code(cube.created_day_[row]);
      if (m >= first && m <= last && mask.visible(cube, row))
        count(m, cube.area_[row], cube.category_[row], 1);
    }
  }
  std::vector<Recurring> out;
  for (size_t k = 0; k < keys.size(); ++k) {
    const std::uint32_t key = keys[k];
    const std::int64_t* v = series.data() + k * static_cast<size_t>(q.months);
    Recurring r;
    for (int i = 0; i < q.months; ++i) r.months_with_cases += v[i] > 0;
    if (r.months_with_cases < q.min_months) continue;
    int run = 0;
    r.series.reserve(static_cast<size_t>(r.months_with_cases));
    for (int i = 0; i < q.months; ++i) {
      run = v[i] > 0 ? run + 1 : 0;
      r.longest_run = std::max(r.longest_run, run);
      if (v[i] == 0) continue;
      r.total += v[i];
      r.series.emplace_back(first + i, v[i]);
    }
    r.place = cube.areas_.code(static_cast<std::uint16_t>(key >> 16));
    r.category = cube.categories_.code(static_cast<std::uint16_t>(key & 0xFFFF));
    out.push_back(std::move(r));
  }
  const auto before = [](const Recurring& a, const Recurring& b) {
    return std::tie(b.months_with_cases, b.longest_run, b.total, a.place, a.category) <
           std::tie(a.months_with_cases, a.longest_run, a.total, b.place, b.category);
  };
  if (q.top > 0 && q.top < out.size()) {
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(q.top), out.end(),
                      before);
    out.resize(q.top);
  } else {
    std::sort(out.begin(), out.end(), before);
  }
  return out;
}

double Hardness::score() const {
  double sum = 0;
  int n = 0;
  auto add = [&](std::int64_t num, std::int64_t den) {
    if (den <= 0) return;
    sum += static_cast<double>(num) / static_cast<double>(den);
    ++n;
  };
  add(unresolved, evaluated);
  add(unsatisfied, evaluated);
  add(returned, dispatched);
  add(reworked, registered);
  add(overdue, registered);
  return n > 0 ? sum / n : 0;
}

namespace {

void count_into(Hardness& h, const Cube& cube, size_t row) {
  const std::uint16_t f = cube.flags_[row];
  ++h.cases;
  if (f & kDispatched) {
    ++h.dispatched;
    if (f & kReturned) ++h.returned;
  }
  if (f & kRegistered) {
    ++h.registered;
    if (f & kReworked) ++h.reworked;
    if (f & kOverdue) ++h.overdue;
  }
  if (f & kEvaluated) {
    ++h.evaluated;
    if ((cube.eval_[row] & 3) != kResolved) ++h.unresolved;
    if ((cube.eval_[row] >> 2) == kUnsatisfied) ++h.unsatisfied;
  }
}

// The same counters from a rollup entry's unit sums (rollup.h mirrors count_into per row).
void add_sums(Hardness& h, const UnitSums& s) {
  h.cases += s.n[kSumCases];
  h.dispatched += s.n[kSumDispatched];
  h.returned += s.n[kSumReturned];
  h.registered += s.n[kSumRegistered];
  h.reworked += s.n[kSumReworked];
  h.overdue += s.n[kSumOverdue];
  h.evaluated += s.n[kSumEvaluated];
  h.unresolved += s.n[kSumEvaluated] - s.n[kSumResolved];
  // An evaluation's satisfaction is satisfied, basically satisfied or unsatisfied (Cube::update).
  h.unsatisfied += s.n[kSumEvaluated] - s.n[kSumSatisfied] - s.n[kSumBasically];
}

}  // namespace

TopicResult monthly_topics(const Cube& cube, int year, const identity::DataScope& scope) {
  auto lock = cube.lock_shared();
  const ScopeMask mask(cube, scope);
  const std::int64_t from = days_from_civil(year, 1, 1), to = days_from_civil(year + 1, 1, 1);
  TopicResult r;
  std::vector<Hardness> by(cube.categories_.size());  // by category code
  if (cube.use_rollups && year >= 0) {
    // The year's unit sums by (leaf category, area, department) hold exactly these counters.
    cube.rollups_.category_units_year.for_each(year, [&](std::uint64_t key, const UnitSums& s) {
      const auto category = static_cast<std::uint16_t>(key_category(key));
      if (category == 0 || s.n[kSumCases] == 0 ||
          !mask.visible_codes(key_area(key), key_department(key)))
        return;
      add_sums(by[category], s);
      add_sums(r.overall, s);
    });
  } else {
    for (size_t row = 1; row < cube.rows(); ++row) {
      const std::int64_t day = cube.created_day_[row];
      if (cube.status_[row] == kAbsent || cube.category_[row] == 0 || day < from || day >= to ||
          !mask.visible(cube, row))
        continue;
      count_into(by[cube.category_[row]], cube, row);
      count_into(r.overall, cube, row);
    }
  }
  const auto with_cases =
      std::count_if(by.begin(), by.end(), [](const Hardness& h) { return h.cases > 0; });
  if (with_cases == 0) return r;
  r.mean_cases = static_cast<double>(r.overall.cases) / static_cast<double>(with_cases);
  const double bar = r.overall.score();
  for (size_t cat = 1; cat < by.size(); ++cat) {
    const Hardness& h = by[cat];
    if (h.cases == 0 || static_cast<double>(h.cases) < r.mean_cases || h.score() < bar) continue;
    r.rows.push_back({cube.categories_.code(static_cast<std::uint16_t>(cat)), h,
                      static_cast<double>(h.cases) * h.score()});
  }
  std::sort(r.rows.begin(), r.rows.end(), [](const TopicCandidate& a, const TopicCandidate& b) {
    return a.priority != b.priority ? a.priority > b.priority : a.category < b.category;
  });
  return r;
}

}  // namespace civicgrid::analytics
