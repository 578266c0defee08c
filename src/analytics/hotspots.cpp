// GET /api/v1/stats/hotspots and /training-needs: where a category concentrates on the map, and the
// categories whose cases are returned or reworked most.
#include <algorithm>
#include <unordered_map>

#include "analytics/insights.h"
#include "analytics/query.h"
#include "analytics/scope_mask.h"

namespace civicgrid::analytics {

HotspotResult find_hotspots(const Cube& cube, const HotspotQuery& q,
                            const identity::DataScope& scope) {
  auto lock = cube.lock_shared();
  const ScopeMask mask(cube, scope);
  HotspotResult r;
  // Two counts by place over the period (from the rollups when they hold them): every case, and
  // the category's (a case whose category has the code at any level). Cases without a place count
  // in the totals only.
  const Dim dim = q.level == PlaceLevel::kGrid ? Dim::kGrid : Dim::kCommunity;
  CountQuery all{{dim}, 1, {}, q.period.from_day, q.period.to_day, 0};
  CountQuery in_category = all;
  in_category.filters = {{Dim::kCategory, q.category}};
  std::unordered_map<std::uint16_t, std::pair<std::int64_t, std::int64_t>> places;  // count, all
  for (const auto& [place, n] : count_groups(cube, all, mask, r.all_total))
    if (place != 0) places[static_cast<std::uint16_t>(place)].second = n;
  for (const auto& [place, n] : count_groups(cube, in_category, mask, r.category_total))
    if (place != 0) places[static_cast<std::uint16_t>(place)].first = n;
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
