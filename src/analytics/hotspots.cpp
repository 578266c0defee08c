// GET /api/v1/stats/hotspots and /training-needs: where a category concentrates on the map, and the
// categories whose cases are returned or reworked most.
#include <algorithm>
#include <unordered_map>

#include "analytics/insights.h"
#include "analytics/scope_mask.h"

namespace civicgrid::analytics {

namespace {

std::uint16_t place_of(const Cube& cube, PlaceLevel level, size_t row) {
  const std::uint16_t area = cube.area_[row];
  return level == PlaceLevel::kGrid ? cube.area_grid_[area] : cube.area_community_[area];
}

}  // namespace

HotspotResult find_hotspots(const Cube& cube, const HotspotQuery& q,
                            const identity::DataScope& scope) {
  auto lock = cube.lock_shared();
  const ScopeMask mask(cube, scope);
  HotspotResult r;
  const auto key = cube.categories_.find(q.category);
  std::unordered_map<std::uint16_t, std::pair<std::int64_t, std::int64_t>> places;  // count, all
  for (size_t row = 1; row < cube.rows(); ++row) {
    if (cube.status_[row] == kAbsent || !q.period.contains(cube.created_day_[row]) ||
        !mask.visible(cube, row))
      continue;
    const auto& lv = cube.category_levels_[cube.category_[row]];
    const bool in_category = key && *key != 0 && (lv[0] == *key || lv[1] == *key || lv[2] == *key);
    ++r.all_total;
    r.category_total += in_category;
    const std::uint16_t place = place_of(cube, q.level, row);
    if (place == 0) continue;
    auto& [count, all] = places[place];
    count += in_category;
    ++all;
  }
  r.places = static_cast<std::int64_t>(places.size());
  const double overall =
      r.all_total > 0 ? static_cast<double>(r.category_total) / static_cast<double>(r.all_total)
                      : 0;
  const double average =
      r.places > 0 ? static_cast<double>(r.category_total) / static_cast<double>(r.places) : 0;
  for (const auto& [place, c] : places) {
    if (c.first == 0) continue;
    Hotspot h;
    h.place = cube.areas_.code(place);
    h.count = c.first;
    h.place_total = c.second;
    h.share = static_cast<double>(c.first) / static_cast<double>(r.category_total);
    h.lift = (static_cast<double>(c.first) / static_cast<double>(c.second)) / overall;
    h.vs_average = static_cast<double>(c.first) / average;
    h.hotspot = h.count >= 3 && h.lift >= 1.5;
    r.rows.push_back(std::move(h));
  }
  std::sort(r.rows.begin(), r.rows.end(), [](const Hotspot& a, const Hotspot& b) {
    return a.count != b.count ? a.count > b.count : a.place < b.place;
  });
  return r;
}

TrainingResult training_needs(const Cube& cube, const Period& p, const identity::DataScope& scope) {
  auto lock = cube.lock_shared();
  const ScopeMask mask(cube, scope);
  TrainingResult r;
  std::unordered_map<std::uint16_t, TrainingNeed> by;
  for (size_t row = 1; row < cube.rows(); ++row) {
    const std::uint16_t f = cube.flags_[row];
    if (cube.status_[row] == kAbsent || !(f & kRegistered) || !p.contains(cube.created_day_[row]) ||
        !mask.visible(cube, row))
      continue;
    TrainingNeed& n = by[cube.category_[row]];
    ++n.registered;
    ++r.registered;
    if (f & kReturned) ++n.returned, ++r.returned;
    if (f & kReworked) ++n.reworked, ++r.reworked;
  }
  const double overall = r.registered > 0 ? static_cast<double>(r.returned + r.reworked) /
                                                static_cast<double>(r.registered)
                                          : 0;
  for (auto& [cat, n] : by) {
    if (n.returned + n.reworked == 0) continue;
    n.category = cube.categories_.code(cat);
    n.share_of_returns = r.returned > 0 ? static_cast<double>(n.returned) / r.returned : 0;
    n.share_of_reworks = r.reworked > 0 ? static_cast<double>(n.reworked) / r.reworked : 0;
    const double rate = static_cast<double>(n.returned + n.reworked) / n.registered;
    n.need = n.returned + n.reworked >= 3 && rate >= 1.5 * overall;
    r.rows.push_back(std::move(n));
  }
  std::sort(r.rows.begin(), r.rows.end(), [](const TrainingNeed& a, const TrainingNeed& b) {
    const auto x = a.returned + a.reworked, y = b.returned + b.reworked;
    return x != y ? x > y : a.category < b.category;
  });
  return r;
}

}  // namespace civicgrid::analytics
