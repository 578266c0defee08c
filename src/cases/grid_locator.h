// Finds the grid (网格) that contains a point, from the grids' GeoJSON polygons. Point-in-polygon by
// ray casting with a bounding-box pre-check: a district has tens to hundreds of grids, so a linear scan
// over boxes costs well under a microsecond per lookup.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "identity/org_tree.h"

namespace civicgrid::cases {

class GridLocator {
 public:
  GridLocator() = default;
  // Takes every unit of kind "grid" with a Polygon or MultiPolygon geometry.
  explicit GridLocator(const identity::OrgTree& tree);

  // The grid code containing (lat, lon), or nullopt.
  std::optional<std::string> locate(double lat, double lon) const;
  size_t size() const { return grids_.size(); }

 private:
  struct Ring {
    std::vector<std::pair<double, double>> points;  // (lon, lat)
  };
  struct Polygon {
    std::vector<Ring> rings;  // first = exterior, rest = holes
  };
  struct Grid {
    std::string code;
    std::vector<Polygon> polygons;
    double min_lon, min_lat, max_lon, max_lat;
  };
  std::vector<Grid> grids_;
};

}  // namespace civicgrid::cases
