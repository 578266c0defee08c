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

namespace {

// The rank of each code of a dictionary in the order of the codes' text (ties of the recurring
// order are broken by place and category code).
std::vector<std::uint32_t> text_ranks(const Dictionary& d) {
  std::vector<std::uint32_t> order(d.size()), rank(d.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](std::uint32_t a, std::uint32_t b) { return d.code(a) < d.code(b); });
  for (std::uint32_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
  return rank;
}

}  // namespace

RecurringPage find_recurring(const Cube& cube, const RecurringQuery& q,
                             const identity::DataScope& scope) {
  auto lock = cube.lock_shared();
  const ScopeMask mask(cube, scope);
  const int last = month_code(q.today);
  const int first = last - q.months + 1;
  const size_t months = static_cast<size_t>(q.months);
  // Counts by (place, category) in a flat table: slot[place × categories + category] is the
  // 1-based index of the pair's q.months counters in `series`.
  const size_t categories = cube.categories_.size();
  std::vector<std::uint32_t> slot(cube.areas_.size() * categories, 0);
  std::vector<std::uint32_t> keys;  // place << 16 | category, by slot
  std::vector<std::int64_t> series;
  const auto& place_of = q.level == PlaceLevel::kGrid ? cube.area_grid_ : cube.area_community_;
  auto count = [&](int m, std::uint16_t area, std::uint16_t category, std::int64_t n) {
    const std::uint32_t place = place_of[area];
    if (place == 0 || category == 0 || n == 0) return;
    std::uint32_t& s = slot[place * categories + category];
    if (s == 0) {
      keys.push_back((place << 16) | category);
      series.resize(series.size() + months, 0);
      s = static_cast<std::uint32_t>(keys.size());
    }
    series[(s - 1) * months + static_cast<size_t>(m - first)] += n;
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
  // The recurring pairs as small records, ordered without building their rows.
  struct Candidate {
    int months_with_cases = 0, longest_run = 0;
    std::int64_t total = 0;
    std::uint32_t place_rank = 0, category_rank = 0, k = 0;
  };
  const std::vector<std::uint32_t> place_rank = text_ranks(cube.areas_);
  const std::vector<std::uint32_t> category_rank = text_ranks(cube.categories_);
  std::vector<Candidate> found;
  for (std::uint32_t k = 0; k < keys.size(); ++k) {
    const std::int64_t* v = series.data() + k * months;
    Candidate c;
    for (size_t i = 0; i < months; ++i) c.months_with_cases += v[i] > 0;
    if (c.months_with_cases < q.min_months) continue;
    int run = 0;
    for (size_t i = 0; i < months; ++i) {
      run = v[i] > 0 ? run + 1 : 0;
      c.longest_run = std::max(c.longest_run, run);
      c.total += v[i];
    }
    c.place_rank = place_rank[keys[k] >> 16];
    c.category_rank = category_rank[keys[k] & 0xFFFF];
    c.k = k;
    found.push_back(c);
  }
  const auto before = [](const Candidate& a, const Candidate& b) {
    return std::tie(b.months_with_cases, b.longest_run, b.total, a.place_rank, a.category_rank) <
           std::tie(a.months_with_cases, a.longest_run, a.total, b.place_rank, b.category_rank);
  };
  RecurringPage page;
  page.total = found.size();
  const size_t begin = std::min(q.offset, found.size());
  const size_t end = q.limit == 0 ? found.size() : std::min(found.size(), begin + q.limit);
  std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(end), found.end(),
                    before);
  for (size_t i = begin; i < end; ++i) {
    const Candidate& c = found[i];
    const std::int64_t* v = series.data() + c.k * months;
    Recurring r;
    r.months_with_cases = c.months_with_cases;
    r.longest_run = c.longest_run;
    r.total = c.total;
    r.series.reserve(static_cast<size_t>(c.months_with_cases));
    for (size_t m = 0; m < months; ++m)
      if (v[m] != 0) r.series.emplace_back(first + static_cast<int>(m), v[m]);
    r.place = cube.areas_.code(static_cast<std::uint16_t>(keys[c.k] >> 16));
    r.category = cube.categories_.code(static_cast<std::uint16_t>(keys[c.k] & 0xFFFF));
    page.rows.push_back(std::move(r));
  }
  return page;
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
