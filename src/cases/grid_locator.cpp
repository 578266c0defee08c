#include "cases/grid_locator.h"

#include <boost/json.hpp>
#include <limits>

namespace civicgrid::cases {

namespace json = boost::json;

namespace {

bool in_ring(const std::vector<std::pair<double, double>>& pts, double lon, double lat) {
  bool inside = false;
  for (size_t i = 0, j = pts.size() - 1; i < pts.size(); j = i++) {
    const auto [xi, yi] = pts[i];
    const auto [xj, yj] = pts[j];
    if ((yi > lat) != (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

}  // namespace

GridLocator::GridLocator(const identity::OrgTree& tree) {
  for (const auto& u : tree.units()) {
    if (u.kind != "grid" || u.geometry.empty()) continue;
    boost::system::error_code ec;
    json::value g = json::parse(u.geometry, ec);
    if (ec || !g.is_object()) continue;
    const auto* type = g.get_object().if_contains("type");
    const auto* coords = g.get_object().if_contains("coordinates");
    if (!type || !coords || !type->is_string() || !coords->is_array()) continue;
    std::vector<const json::array*> polys;
    if (type->get_string() == "Polygon") {
      polys.push_back(&coords->get_array());
    } else if (type->get_string() == "MultiPolygon") {
      for (const auto& p : coords->get_array())
        if (p.is_array()) polys.push_back(&p.get_array());
    }
    Grid grid{u.code, {}, std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
              std::numeric_limits<double>::lowest(), std::numeric_limits<double>::lowest()};
    for (const auto* poly : polys) {
      Polygon p;
      for (const auto& ring : *poly) {
        if (!ring.is_array()) continue;
        Ring r;
        for (const auto& pt : ring.get_array()) {
          if (!pt.is_array() || pt.get_array().size() < 2) continue;
          const double lon = pt.get_array()[0].to_number<double>();
          const double lat = pt.get_array()[1].to_number<double>();
          r.points.emplace_back(lon, lat);
          grid.min_lon = std::min(grid.min_lon, lon);
          grid.max_lon = std::max(grid.max_lon, lon);
          grid.min_lat = std::min(grid.min_lat, lat);
          grid.max_lat = std::max(grid.max_lat, lat);
        }
        if (r.points.size() >= 3) p.rings.push_back(std::move(r));
      }
      if (!p.rings.empty()) grid.polygons.push_back(std::move(p));
    }
    if (!grid.polygons.empty()) grids_.push_back(std::move(grid));
  }
}

std::optional<std::string> GridLocator::locate(double lat, double lon) const {
  for (const auto& g : grids_) {
    if (lon < g.min_lon || lon > g.max_lon || lat < g.min_lat || lat > g.max_lat) continue;
    for (const auto& p : g.polygons) {
      if (!in_ring(p.rings[0].points, lon, lat)) continue;
      bool in_hole = false;
      for (size_t i = 1; i < p.rings.size() && !in_hole; ++i) in_hole = in_ring(p.rings[i].points, lon, lat);
      if (!in_hole) return g.code;
    }
  }
  return std::nullopt;
}

}  // namespace civicgrid::cases
