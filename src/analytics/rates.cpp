// Per-unit counts for the 三率 (response, resolution, satisfaction), the GB/T 30428.4 indicators
// and the league table: one pass over the cube, grouped by the unit the caller asks for.
#include <algorithm>
#include <boost/json.hpp>
#include <thread>
#include <unordered_map>

#include "analytics/bad_param.h"
#include "analytics/query.h"
#include "analytics/scope_mask.h"

namespace civicgrid::analytics {

namespace json = boost::json;

namespace {

std::uint16_t unit_of(const Cube& c, UnitBy by, size_t row) {
  switch (by) {
    case UnitBy::kDepartment:
      return c.department_[row];
    case UnitBy::kStreet:
      return c.area_street_[c.area_[row]];
    case UnitBy::kCommunity:
      return c.area_community_[c.area_[row]];
    case UnitBy::kGrid:
      return c.area_grid_[c.area_[row]];
  }
  return 0;
}

const std::string& unit_code(const Cube& c, UnitBy by, std::uint16_t u) {
  return by == UnitBy::kDepartment ? c.departments_.code(u) : c.areas_.code(u);
}

std::string_view unit_type(UnitBy by) {
  switch (by) {
    case UnitBy::kDepartment:
      return "department";
    case UnitBy::kStreet:
      return "street";
    case UnitBy::kCommunity:
      return "community";
    case UnitBy::kGrid:
      return "grid";
  }
  return "";
}

// Rows that repeat an earlier case of the same leaf category at the same grid within `days` (复诉).
// Every case counts as an earlier one, whatever the caller's scope. "Earlier" is the order by
// (day, row): rows are put in that order by a counting sort on the day (O(n), no comparison sort),
// then one pass keeps the last day seen per (grid, category).
std::vector<bool> repeated_rows(const Cube& c, int days) {
  std::vector<bool> out(c.rows(), false);
  const size_t n = c.rows();
  std::vector<std::uint32_t> start(0x10001, 0);
  for (size_t row = 1; row < n; ++row)
    if (c.status_[row] != kAbsent) ++start[c.created_day_[row] + 1];
  for (size_t d = 1; d < start.size(); ++d) start[d] += start[d - 1];
  std::vector<std::uint32_t> order(start.back());
  for (size_t row = 1; row < n; ++row)
    if (c.status_[row] != kAbsent)
      order[start[c.created_day_[row]]++] = static_cast<std::uint32_t>(row);
  // Last day + 1 per (grid, category); 0 = none yet. Dense when the pairs are few enough.
  const size_t cats = c.categories_.size();
  const size_t pairs = c.areas_.size() * cats;
  std::vector<std::uint32_t> dense(pairs <= (size_t{1} << 24) ? pairs : 0, 0);
  std::unordered_map<std::uint64_t, std::uint32_t> sparse;
  for (const std::uint32_t row : order) {
    const std::uint32_t grid = c.area_grid_[c.area_[row]];
    const std::uint32_t cat = c.category_[row];
    if (grid == 0 || cat == 0) continue;
    const std::uint32_t day = c.created_day_[row];
    std::uint32_t& last =
        dense.empty() ? sparse[(std::uint64_t{grid} << 16) | cat] : dense[grid * cats + cat];
    if (last != 0 && day - (last - 1) <= static_cast<std::uint32_t>(days)) out[row] = true;
    last = day + 1;
  }
  return out;
}

constexpr size_t kParallelRows = 1 << 20;  // below this one thread scans

std::uint16_t unit_of_codes(const Cube& c, UnitBy by, std::uint32_t area, std::uint32_t dept) {
  switch (by) {
    case UnitBy::kDepartment:
      return static_cast<std::uint16_t>(dept);
    case UnitBy::kStreet:
      return c.area_street_[area];
    case UnitBy::kCommunity:
      return c.area_community_[area];
    case UnitBy::kGrid:
      return c.area_grid_[area];
  }
  return 0;
}

// The units seen, by code.
std::vector<std::pair<std::string, UnitCounts>> collect(const Cube& cube, UnitBy by,
                                                        const std::vector<UnitCounts>& units,
                                                        const std::vector<char>& seen) {
  std::vector<std::pair<std::string, UnitCounts>> out;
  for (size_t k = 1; k < units.size(); ++k)
    if (seen[k]) out.emplace_back(unit_code(cube, by, static_cast<std::uint16_t>(k)), units[k]);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

// unit_counts from the rollups: the unit sums of the created period, the due sums of the deadline
// period, and the open cases whose deadline is before `today`. Same rules as the scan (the rollups
// sum the scan's per-row tests, see Cube::rollup).
std::vector<std::pair<std::string, UnitCounts>> rollup_unit_counts(const Cube& cube, UnitBy by,
                                                                   const Period& p,
                                                                   const ScopeMask& mask,
                                                                   std::int64_t today,
                                                                   bool repeats) {
  auto bound = [](std::optional<std::int64_t> v, std::int64_t none) {
    return static_cast<std::uint32_t>(std::clamp<std::int64_t>(v.value_or(none), 0, 0x10000));
  };
  const std::uint32_t lo = bound(p.from_day, 0), hi = bound(p.to_day, 0x10000);
  const Rollups& r = cube.rollups_;
  std::vector<UnitCounts> units(by == UnitBy::kDepartment ? cube.departments_.size()
                                                          : cube.areas_.size());
  std::vector<char> seen(units.size(), 0);
  // The unit an entry counts for, or nullptr when out of scope or without one.
  auto target = [&](std::uint64_t key) -> UnitCounts* {
    const std::uint32_t area = key_area(key), dept = key_department(key);
    if (!mask.visible_codes(area, dept)) return nullptr;
    const std::uint16_t unit = unit_of_codes(cube, by, area, dept);
    if (unit == 0) return nullptr;
    seen[unit] = 1;
    return &units[unit];
  };
  auto created = [&](std::uint64_t key, const UnitSums& s) {
    if (s.n[kSumCases] == 0) return;
    UnitCounts* u = target(key);
    if (!u) return;
    u->cases += s.n[kSumCases];
    u->dispatched += s.n[kSumDispatched];
    u->responded += s.n[kSumResponded];
    u->returned += s.n[kSumReturned];
    u->evaluated += s.n[kSumEvaluated];
    u->resolved += s.n[kSumResolved];
    u->satisfied += s.n[kSumSatisfied];
    u->basically += s.n[kSumBasically];
    u->registered += s.n[kSumRegistered];
    u->reworked += s.n[kSumReworked];
    u->extended += s.n[kSumExtended];
    if (repeats) u->repeated += s.n[kSumRepeated];
    u->overdue_open += s.n[kSumOverdueFlaggedOpen];
    u->closed += s.n[kSumClosed];
    u->close_minutes += static_cast<std::int64_t>(s.close_minutes);
  };
  // Open cases created on day d whose deadline is before today.
  auto overdue_open = [&](std::uint32_t d) {
    r.open_by_deadline.for_each(d, [&](std::uint64_t key, std::uint32_t n) {
      if (n == 0 || key_category(key) >= today) return;
      if (UnitCounts* u = target(key)) u->overdue_open += n;
    });
  };
  auto created_day = [&](std::uint32_t d) {
    r.units_day.for_each(d, created);
    overdue_open(d);
  };
  auto created_month = [&](std::uint32_t m) {
    r.units_month.for_each(m, created);
    for (std::uint32_t d = month_first_day(m); d < month_first_day(m + 1); ++d) overdue_open(d);
  };
  for_each_period(lo, hi, true, created_day, created_month);
  auto due = [&](std::uint64_t key, const DueSums& s) {
    if (s.due == 0) return;
    UnitCounts* u = target(key);
    if (!u) return;
    u->due += s.due;
    u->due_closed += s.closed;
    u->due_closed_on_time += s.closed_on_time;
  };
  for_each_period(
      lo, hi, true, [&](std::uint32_t d) { r.due_day.for_each(d, due); },
      [&](std::uint32_t m) { r.due_month.for_each(m, due); });
  return collect(cube, by, units, seen);
}

void add(UnitCounts& a, const UnitCounts& b) {
  a.cases += b.cases;
  a.dispatched += b.dispatched;
  a.responded += b.responded;
  a.evaluated += b.evaluated;
  a.resolved += b.resolved;
  a.satisfied += b.satisfied;
  a.basically += b.basically;
  a.registered += b.registered;
  a.due += b.due;
  a.due_closed += b.due_closed;
  a.due_closed_on_time += b.due_closed_on_time;
  a.reworked += b.reworked;
  a.extended += b.extended;
  a.overdue_open += b.overdue_open;
  a.returned += b.returned;
  a.repeated += b.repeated;
  a.closed += b.closed;
  a.close_minutes += b.close_minutes;
}

json::value rate(std::int64_t num, double weighted_num, std::int64_t den) {
  json::object o{{"numerator", num}, {"denominator", den}};
  o["rate"] = den > 0 ? json::value(weighted_num / static_cast<double>(den)) : json::value(nullptr);
  return o;
}

json::value ratio(std::int64_t num, std::int64_t den) {
  return den > 0 ? json::value(static_cast<double>(num) / static_cast<double>(den))
                 : json::value(nullptr);
}

json::value opt(std::optional<double> v) {
  return v ? json::value(*v) : json::value(nullptr);
}

}  // namespace

std::array<double, 3> RateConfig::weights_for(std::string_view unit_type) const {
  for (const auto& [t, w] : weights)
    if (t == unit_type) return w;
  return {30, 35, 35};
}

std::optional<UnitBy> parse_unit_by(std::string_view s) {
  if (s == "department") return UnitBy::kDepartment;
  if (s == "street") return UnitBy::kStreet;
  if (s == "community") return UnitBy::kCommunity;
  if (s == "grid") return UnitBy::kGrid;
  return std::nullopt;
}

std::vector<std::pair<std::string, UnitCounts>> unit_counts(const Cube& cube, UnitBy by,
                                                            const Period& p,
                                                            const identity::DataScope& scope,
                                                            const RateConfig& config,
                                                            std::int64_t today, bool repeats) {
  auto lock = cube.lock_shared();
  const ScopeMask mask(cube, scope);
  // The rollups hold 复诉 for the cube's window only; another window is counted by the scan.
  if (cube.use_rollups && (!repeats || cube.repeat_days() == config.repeat_days))
    return rollup_unit_counts(cube, by, p, mask, today, repeats);
  const std::vector<bool> repeated =
      repeats ? repeated_rows(cube, config.repeat_days) : std::vector<bool>(cube.rows());
  // By unit code: dictionaries are small, so a flat array rather than a hash map per row.
  std::vector<UnitCounts> units(by == UnitBy::kDepartment ? cube.departments_.size()
                                                          : cube.areas_.size());
  std::vector<char> seen(units.size(), 0);
  auto scan = [&](size_t begin, size_t end, std::vector<UnitCounts>& into,
                  std::vector<char>& marked) {
    for (size_t row = begin; row < end; ++row) {
      const std::uint8_t status = cube.status_[row];
      if (status == kAbsent || !mask.visible(cube, row)) continue;
      const std::uint16_t unit = unit_of(cube, by, row);
      if (unit == 0) continue;
      const std::uint16_t f = cube.flags_[row];
      const bool created_in = p.contains(cube.created_day_[row]);
      const bool due_in = (f & kRegistered) && p.contains(cube.deadline_day_[row]);
      if (!created_in && !due_in) continue;
      UnitCounts& u = into[unit];
      marked[unit] = 1;
      if (due_in) {
        ++u.due;
        if (f & kClosed) ++u.due_closed;
        if (f & kClosedOnTime) ++u.due_closed_on_time;
      }
      if (!created_in) continue;
      ++u.cases;
      if (f & kDispatched) {
        ++u.dispatched;
        if ((f & kAcceptedOnTime) && (f & kContacted)) ++u.responded;
        if (f & kReturned) ++u.returned;
      }
      if (f & kEvaluated) {
        ++u.evaluated;
        const std::uint8_t e = cube.eval_[row];
        if ((e & 3) == kResolved) ++u.resolved;
        if ((e >> 2) == kSatisfied) ++u.satisfied;
        if ((e >> 2) == kBasically) ++u.basically;
      }
      if (f & kRegistered) {
        ++u.registered;
        if (f & kReworked) ++u.reworked;
        if (f & kExtended) ++u.extended;
        if (repeated[row]) ++u.repeated;
        const bool open = cases::is_open(static_cast<cases::Status>(status));
        if (open &&
            ((f & kOverdue) || (cube.deadline_day_[row] != 0 && cube.deadline_day_[row] < today)))
          ++u.overdue_open;
      }
      if (f & kClosed) {
        ++u.closed;
        u.close_minutes += cube.close_minutes_[row];
      }
    }
  };
  const size_t n = cube.rows();
  if (n >= kParallelRows && std::thread::hardware_concurrency() > 1) {
    // Two halves on two cores, then the second half's counters added to the first's.
    std::vector<UnitCounts> units2(units.size());
    std::vector<char> seen2(units.size(), 0);
    std::thread helper([&] { scan(n / 2, n, units2, seen2); });
    scan(1, n / 2, units, seen);
    helper.join();
    for (size_t k = 0; k < units.size(); ++k) {
      add(units[k], units2[k]);
      seen[k] |= seen2[k];
    }
  } else {
    scan(1, n, units, seen);
  }
  return collect(cube, by, units, seen);
}

std::optional<double> composite(const UnitCounts& u, const std::array<double, 3>& w,
                                double basic_weight) {
  const double total = w[0] + w[1] + w[2];
  double sum = 0, used = 0;
  if (u.dispatched > 0) sum += w[0] * u.responded / double(u.dispatched), used += w[0];
  if (u.evaluated > 0) {
    sum += w[1] * u.resolved / double(u.evaluated);
    sum += w[2] * (u.satisfied + basic_weight * u.basically) / double(u.evaluated);
    used += w[1] + w[2];
  }
  if (used <= 0) return std::nullopt;
  return sum * total / used;
}

json::object rates_json(const std::vector<std::pair<std::string, UnitCounts>>& units, UnitBy by,
                        const RateConfig& config) {
  const auto w = config.weights_for(unit_type(by));
  json::array rows;
  for (const auto& [code, u] : units) {
    rows.push_back(json::object{
        {"unit", code},
        {"response", rate(u.responded, double(u.responded), u.dispatched)},
        {"resolution", rate(u.resolved, double(u.resolved), u.evaluated)},
        {"satisfaction", rate(u.satisfied + u.basically,
                              u.satisfied + config.basic_weight * u.basically, u.evaluated)},
        {"composite", opt(composite(u, w, config.basic_weight))}});
  }
  return json::object{{"rows", std::move(rows)},
                      {"weights", json::array{w[0], w[1], w[2]}},
                      {"basic_weight", config.basic_weight}};
}

json::object indicators_json(const std::vector<std::pair<std::string, UnitCounts>>& units) {
  json::array rows;
  for (const auto& [code, u] : units) {
    rows.push_back(json::object{
        {"unit", code},
        {"registered", u.registered},
        {"due", u.due},
        {"due_closed", u.due_closed},
        {"closure_rate", ratio(u.due_closed, u.due)},
        {"on_time_closure_rate", ratio(u.due_closed_on_time, u.due)},
        {"rework_rate", ratio(u.reworked, u.registered)},
        {"extension_rate", ratio(u.extended, u.registered)},
        {"overdue_open", u.overdue_open},
        {"return_rate", ratio(u.returned, u.dispatched)},
        {"repeat_rate", ratio(u.repeated, u.registered)},
        {"avg_close_working_hours", u.closed > 0
                                        ? json::value(u.close_minutes / 60.0 / double(u.closed))
                                        : json::value(nullptr)}});
  }
  return json::object{{"rows", std::move(rows)}};
}

json::object league_json(const std::vector<std::pair<std::string, UnitCounts>>& units, UnitBy by,
                         const RateConfig& config, std::int64_t min_volume) {
  const auto w = config.weights_for(unit_type(by));
  struct Entry {
    std::string code;
    std::int64_t volume;
    std::optional<double> score;
  };
  std::vector<Entry> ranked, unranked;
  for (const auto& [code, u] : units) {
    Entry e{code, u.cases, composite(u, w, config.basic_weight)};
    (u.cases >= min_volume && e.score ? ranked : unranked).push_back(std::move(e));
  }
  std::sort(ranked.begin(), ranked.end(), [](const Entry& a, const Entry& b) {
    return *a.score != *b.score ? *a.score > *b.score : a.code < b.code;
  });
  std::sort(unranked.begin(), unranked.end(),
            [](const Entry& a, const Entry& b) { return a.code < b.code; });
  json::array rows;
  int rank = 0;
  for (size_t i = 0; i < ranked.size(); ++i) {
    // Ties share a rank (1, 2, 2, 4).
    if (i == 0 || *ranked[i].score != *ranked[i - 1].score) rank = static_cast<int>(i) + 1;
    rows.push_back(json::object{{"unit", ranked[i].code},
                                {"rank", rank},
                                {"volume", ranked[i].volume},
                                {"composite", *ranked[i].score}});
  }
  for (const auto& e : unranked)
    rows.push_back(json::object{
        {"unit", e.code}, {"rank", nullptr}, {"volume", e.volume}, {"composite", opt(e.score)}});
  return json::object{{"rows", std::move(rows)}, {"min_volume", min_volume}};
}

json::object config_json(const RateConfig& c) {
  json::object weights;
  for (const auto& [t, w] : c.weights)
    weights[t] = json::object{{"response", w[0]}, {"resolution", w[1]}, {"satisfaction", w[2]}};
  return json::object{
      {"basic_weight", c.basic_weight}, {"repeat_days", c.repeat_days}, {"weights", weights}};
}

Result<RateConfig> parse_config(const json::object& body) {
  RateConfig c;
  auto number = [](const json::value& v) -> std::optional<double> {
    if (v.is_double()) return v.as_double();
    if (v.is_int64()) return static_cast<double>(v.as_int64());
    if (v.is_uint64()) return static_cast<double>(v.as_uint64());
    return std::nullopt;
  };
  if (const auto* v = body.if_contains("basic_weight")) {
    auto x = number(*v);
    if (!x || *x < 0 || *x > 1) return fail(bad_param("basic_weight", "a number from 0 to 1"));
    c.basic_weight = *x;
  }
  if (const auto* v = body.if_contains("repeat_days")) {
    auto x = number(*v);
    if (!x || *x < 1 || *x > 365 || *x != static_cast<int>(*x))
      return fail(bad_param("repeat_days", "1..365"));
    c.repeat_days = static_cast<int>(*x);
  }
  if (const auto* v = body.if_contains("weights")) {
    if (!v->is_object()) return fail(bad_param("weights", "an object by unit type"));
    for (const auto& [type, wv] : v->as_object()) {
      const std::string field = "weights." + std::string(type);
      if (!parse_unit_by(type))
        return fail(bad_param(field, "unit type: department, street, community or grid"));
      if (!wv.is_object()) return fail(bad_param(field, "{response, resolution, satisfaction}"));
      std::array<double, 3> w{};
      const char* names[] = {"response", "resolution", "satisfaction"};
      for (int i = 0; i < 3; ++i) {
        const auto* x = wv.as_object().if_contains(names[i]);
        auto n = x ? number(*x) : std::nullopt;
        if (!n || *n < 0 || *n > 1000)
          return fail(bad_param(field + "." + names[i], "a number from 0 to 1000"));
        w[i] = *n;
      }
      if (w[0] + w[1] + w[2] <= 0) return fail(bad_param(field, "weights must not all be 0"));
      for (auto& [t, cw] : c.weights)
        if (t == type) cw = w;
    }
  }
  for (const auto& [k, v] : body)
    if (k != "basic_weight" && k != "repeat_days" && k != "weights")
      return fail(bad_param(std::string(k), "unknown field"));
  return c;
}

}  // namespace civicgrid::analytics
