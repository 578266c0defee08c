#include "cases/grid_locator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace civicgrid::cases {
namespace {

namespace json = boost::json;
using identity::OrgTree;
using identity::OrgUnit;
using LatLon = std::pair<double, double>;

// A closed rectangular ring as GeoJSON coordinates ([lon, lat]), counter-clockwise.
std::string ring(double lon0, double lat0, double lon1, double lat1) {
  std::ostringstream s;
  s.precision(17);
  s << "[[" << lon0 << "," << lat0 << "],[" << lon1 << "," << lat0 << "],[" << lon1 << "," << lat1
    << "],[" << lon0 << "," << lat1 << "],[" << lon0 << "," << lat0 << "]]";
  return s.str();
}

std::string square(double lon0, double lat0, double lon1, double lat1) {
  return R"({"type":"Polygon","coordinates":[)" + ring(lon0, lat0, lon1, lat1) + "]}";
}

OrgUnit grid(std::string code, std::string geometry) {
  return {std::move(code), "网格", "Grid", "grid", "C", std::move(geometry)};
}

OrgTree with_grids(std::vector<OrgUnit> grids) {
  grids.push_back({"D", "区", "District", "district", "", ""});
  grids.push_back({"C", "社区", "Community", "community", "D", ""});
  return OrgTree(std::move(grids));
}

// How many of the given grids contain the point, each tested on its own (so the answer does not
// depend on the order in which the combined locator tries them).
int containing(const std::vector<OrgUnit>& grids, double lat, double lon) {
  int n = 0;
  for (const auto& g : grids)
    if (GridLocator(with_grids({g})).locate(lat, lon)) ++n;
  return n;
}

// 2 × 2 unit squares: SW [0,1]×[0,1], SE [1,2]×[0,1], NW [0,1]×[1,2], NE [1,2]×[1,2] (lon × lat).
std::vector<OrgUnit> four_squares() {
  return {grid("SW", square(0, 0, 1, 1)), grid("SE", square(1, 0, 2, 1)),
          grid("NW", square(0, 1, 1, 2)), grid("NE", square(1, 1, 2, 2))};
}

TEST(GridLocator, EmptyLocatorFindsNothing) {
  EXPECT_EQ(GridLocator().size(), 0u);
  EXPECT_EQ(GridLocator().locate(0.5, 0.5), std::nullopt);
  EXPECT_EQ(GridLocator(OrgTree()).locate(0.5, 0.5), std::nullopt);
}

TEST(GridLocator, Squares) {
  const GridLocator loc(with_grids(four_squares()));
  EXPECT_EQ(loc.size(), 4u);
  // locate takes (lat, lon).
  EXPECT_EQ(loc.locate(0.5, 0.5), "SW");
  EXPECT_EQ(loc.locate(0.5, 1.5), "SE");
  EXPECT_EQ(loc.locate(1.5, 0.5), "NW");
  EXPECT_EQ(loc.locate(1.5, 1.5), "NE");
  EXPECT_EQ(loc.locate(0.25, 1.75), "SE");
  EXPECT_EQ(loc.locate(1.999, 0.001), "NW");
  EXPECT_EQ(loc.locate(-0.5, 0.5), std::nullopt);
  EXPECT_EQ(loc.locate(0.5, 2.5), std::nullopt);
  EXPECT_EQ(loc.locate(2.0001, 1.0), std::nullopt);
  EXPECT_EQ(loc.locate(50, 50), std::nullopt);
}

TEST(GridLocator, NonRectangularPolygon) {
  // A triangle (0,0) (4,0) (0,4): the box is larger than the shape.
  const GridLocator loc(
      with_grids({grid("T", R"({"type":"Polygon","coordinates":[[[0,0],[4,0],[0,4],[0,0]]]})")}));
  EXPECT_EQ(loc.locate(1, 1), "T");
  EXPECT_EQ(loc.locate(0.5, 3.0), "T");
  EXPECT_EQ(loc.locate(3, 3), std::nullopt);  // inside the box, outside the triangle
  EXPECT_EQ(loc.locate(2.5, 2.5), std::nullopt);
}

// Points on shared edges belong to exactly one grid. The ray casting treats a polygon as closed on
// its west and south edges and open on its east and north edges, so a point on a shared edge goes
// to the grid on its east (vertical edge) or north (horizontal edge) side, and the district's own
// east and north borders belong to no grid.
TEST(GridLocator, SharedEdgesBelongToOneGridOnly) {
  const std::vector<OrgUnit> grids = four_squares();
  const GridLocator loc(with_grids(grids));
  struct Probe {
    double lat, lon;
    std::optional<std::string> want;
  };
  const Probe probes[] = {
      {0.5, 1.0, "SE"},          // SW | SE
      {1.5, 1.0, "NE"},          // NW | NE
      {1.0, 0.5, "NW"},          // SW / NW
      {1.0, 1.5, "NE"},          // SE / NE
      {1.0, 1.0, "NE"},          // the corner shared by all four
      {0.5, 0.0, "SW"},          // west border
      {0.0, 0.5, "SW"},          // south border
      {0.0, 0.0, "SW"},          // south-west corner
      {0.5, 2.0, std::nullopt},  // east border
      {2.0, 0.5, std::nullopt},  // north border
      {2.0, 2.0, std::nullopt},
  };
  for (const auto& p : probes) {
    SCOPED_TRACE(testing::Message() << "lat " << p.lat << " lon " << p.lon);
    EXPECT_EQ(containing(grids, p.lat, p.lon), p.want ? 1 : 0);
    EXPECT_EQ(loc.locate(p.lat, p.lon), p.want);
  }
  // Along the whole shared edges, not just at their midpoints.
  for (int i = 1; i < 20; ++i) {
    const double t = i / 10.0;
    EXPECT_EQ(containing(grids, t, 1.0), 1) << "lat " << t;
    EXPECT_EQ(containing(grids, 1.0, t), 1) << "lon " << t;
  }
}

TEST(GridLocator, PolygonWithAHole) {
  // Outer [10,14]², hole [11,13]² (clockwise, as RFC 7946 wants for holes).
  const std::string geometry = R"({"type":"Polygon","coordinates":[)" + ring(10, 10, 14, 14) +
                               R"(,[[11,11],[11,13],[13,13],[13,11],[11,11]]]})";
  const std::vector<OrgUnit> grids = {grid("H", geometry)};
  const GridLocator loc(with_grids(grids));
  EXPECT_EQ(loc.size(), 1u);
  EXPECT_EQ(loc.locate(10.5, 10.5), "H");
  EXPECT_EQ(loc.locate(13.5, 12), "H");
  EXPECT_EQ(loc.locate(12, 10.5), "H");
  EXPECT_EQ(loc.locate(12, 12), std::nullopt);  // in the hole
  EXPECT_EQ(loc.locate(11.2, 12.8), std::nullopt);
  EXPECT_EQ(loc.locate(9, 12), std::nullopt);  // outside
  EXPECT_EQ(loc.locate(15, 12), std::nullopt);
  // On the hole's border: the hole is closed on its west/south edges (those points are in the
  // hole) and open on its east/north edges (those points are in the polygon).
  EXPECT_EQ(loc.locate(12, 11), std::nullopt);
  EXPECT_EQ(loc.locate(11, 12), std::nullopt);
  EXPECT_EQ(loc.locate(12, 13), "H");
  EXPECT_EQ(loc.locate(13, 12), "H");
}

TEST(GridLocator, IslandGridInsideAHoleSharesItsBorderWithoutOverlap) {
  const std::string holed = R"({"type":"Polygon","coordinates":[)" + ring(10, 10, 14, 14) + "," +
                            ring(11, 11, 13, 13) + "]}";
  const std::vector<OrgUnit> grids = {grid("H", holed), grid("I", square(11, 11, 13, 13))};
  const GridLocator loc(with_grids(grids));
  EXPECT_EQ(loc.locate(12, 12), "I");
  EXPECT_EQ(loc.locate(10.5, 12), "H");
  for (double v : {11.0, 11.5, 12.0, 12.5, 13.0}) {
    for (auto [lat, lon] : std::vector<LatLon>{{v, 11.0}, {v, 13.0}, {11.0, v}, {13.0, v}}) {
      EXPECT_EQ(containing(grids, lat, lon), 1) << "lat " << lat << " lon " << lon;
      EXPECT_TRUE(loc.locate(lat, lon).has_value()) << "lat " << lat << " lon " << lon;
    }
  }
  EXPECT_EQ(loc.locate(12, 11), "I");  // west edge of the hole: the island's
  EXPECT_EQ(loc.locate(12, 13), "H");  // east edge of the hole: the outer grid's
}

TEST(GridLocator, MultiPolygon) {
  // Two separate squares, the second with a hole.
  const std::string geometry = R"({"type":"MultiPolygon","coordinates":[[)" + ring(20, 20, 21, 21) +
                               "],[" + ring(22, 20, 25, 23) + "," + ring(23, 21, 24, 22) + "]]}";
  const GridLocator loc(with_grids({grid("M", geometry), grid("SW", square(0, 0, 1, 1))}));
  EXPECT_EQ(loc.size(), 2u);
  EXPECT_EQ(loc.locate(20.5, 20.5), "M");
  EXPECT_EQ(loc.locate(20.5, 22.5), "M");
  EXPECT_EQ(loc.locate(22.5, 24.5), "M");
  EXPECT_EQ(loc.locate(20.5, 21.5), std::nullopt);  // between the parts, inside the joint box
  EXPECT_EQ(loc.locate(21.5, 23.5), std::nullopt);  // in the second part's hole
  EXPECT_EQ(loc.locate(22, 20.5), std::nullopt);    // above the first part
  EXPECT_EQ(loc.locate(0.5, 0.5), "SW");
}

TEST(GridLocator, UnitsWithoutUsableGeometryAreIgnored) {
  const OrgTree tree({
      {"D", "区", "District", "district", "", square(-100, -100, 100, 100)},  // not a grid
      {"S", "街道", "Street", "street", "D", square(-50, -50, 50, 50)},       // not a grid
      {"G-NONE", "网格", "Grid", "grid", "S", ""},
      {"G-BAD", "网格", "Grid", "grid", "S", "{not json"},
      {"G-POINT", "网格", "Grid", "grid", "S", R"({"type":"Point","coordinates":[0.5,0.5]})"},
      {"G-LINE", "网格", "Grid", "grid", "S",
       R"({"type":"Polygon","coordinates":[[[0,0],[1,1]]]})"},  // fewer than 3 points
      {"G-NOCOORDS", "网格", "Grid", "grid", "S", R"({"type":"Polygon"})"},
      {"G-OK", "网格", "Grid", "grid", "S", square(0, 0, 1, 1)},
  });
  const GridLocator loc(tree);
  EXPECT_EQ(loc.size(), 1u);
  EXPECT_EQ(loc.locate(0.5, 0.5), "G-OK");
  EXPECT_EQ(loc.locate(10, 10), std::nullopt);  // only the street and district cover it
}

// The demo district's grids, loaded the way the server loads them: grids.geojson → OrgUnits.
std::string demo_grids_path() {
  if (const char* dir = std::getenv("CIVICGRID_SOURCE_DIR"))
    return std::string(dir) + "/data/demo/grids.geojson";
  for (const char* candidate : {"data/demo/grids.geojson", "../data/demo/grids.geojson"})
    if (std::filesystem::exists(candidate)) return candidate;
  return "data/demo/grids.geojson";
}

std::vector<OrgUnit> demo_grid_units() {
  std::ifstream in(demo_grids_path(), std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  const json::value doc = json::parse(text.str(), ec);
  if (ec) {
    ADD_FAILURE() << "cannot parse " << demo_grids_path() << ": " << ec.message();
    return {};
  }
  std::vector<OrgUnit> units;
  for (const auto& f : doc.at("features").as_array()) {
    const auto& props = f.at("properties").as_object();
    units.push_back({std::string(props.at("code").as_string()),
                     std::string(props.at("name").as_string()), "", "grid",
                     std::string(props.at("community").as_string()),
                     json::serialize(f.at("geometry"))});
  }
  return units;
}

struct Box {
  double min_lon = std::numeric_limits<double>::max(), min_lat = std::numeric_limits<double>::max();
  double max_lon = std::numeric_limits<double>::lowest();
  double max_lat = std::numeric_limits<double>::lowest();
};

Box box_of(const std::string& geometry) {
  Box b;
  const json::value g = json::parse(geometry);
  for (const auto& r : g.at("coordinates").as_array())
    for (const auto& pt : r.as_array()) {
      const double lon = pt.as_array()[0].to_number<double>();
      const double lat = pt.as_array()[1].to_number<double>();
      b.min_lon = std::min(b.min_lon, lon);
      b.max_lon = std::max(b.max_lon, lon);
      b.min_lat = std::min(b.min_lat, lat);
      b.max_lat = std::max(b.max_lat, lat);
    }
  return b;
}

TEST(GridLocatorDemo, CentreOfEveryGridLocatesToThatGrid) {
  const std::vector<OrgUnit> units = demo_grid_units();
  ASSERT_EQ(units.size(), 36u) << demo_grids_path();
  const GridLocator loc(with_grids(units));
  EXPECT_EQ(loc.size(), 36u);
  for (const auto& u : units) {
    const Box b = box_of(u.geometry);
    const double lat = (b.min_lat + b.max_lat) / 2, lon = (b.min_lon + b.max_lon) / 2;
    EXPECT_EQ(loc.locate(lat, lon), u.code) << "centre " << lat << ", " << lon;
    // Near the corners, still inside.
    const double dlat = (b.max_lat - b.min_lat) / 100, dlon = (b.max_lon - b.min_lon) / 100;
    EXPECT_EQ(loc.locate(b.min_lat + dlat, b.min_lon + dlon), u.code);
    EXPECT_EQ(loc.locate(b.max_lat - dlat, b.max_lon - dlon), u.code);
  }
}

TEST(GridLocatorDemo, EdgesBetweenDemoGridsBelongToOneGrid) {
  const std::vector<OrgUnit> units = demo_grid_units();
  ASSERT_EQ(units.size(), 36u);
  const GridLocator loc(with_grids(units));
  Box district;
  for (const auto& u : units) {
    const Box b = box_of(u.geometry);
    district.min_lon = std::min(district.min_lon, b.min_lon);
    district.max_lon = std::max(district.max_lon, b.max_lon);
    district.min_lat = std::min(district.min_lat, b.min_lat);
    district.max_lat = std::max(district.max_lat, b.max_lat);
  }
  for (const auto& u : units) {
    const Box b = box_of(u.geometry);
    const double mid_lat = (b.min_lat + b.max_lat) / 2, mid_lon = (b.min_lon + b.max_lon) / 2;
    for (auto [lat, lon] : std::vector<LatLon>{{mid_lat, b.min_lon},
                                               {mid_lat, b.max_lon},
                                               {b.min_lat, mid_lon},
                                               {b.max_lat, mid_lon}}) {
      const bool on_open_border = lon == district.max_lon || lat == district.max_lat;
      EXPECT_EQ(containing(units, lat, lon), on_open_border ? 0 : 1)
          << u.code << " edge point " << lat << ", " << lon;
      EXPECT_EQ(loc.locate(lat, lon).has_value(), !on_open_border);
    }
  }
}

TEST(GridLocatorDemo, PointsOutsideTheDistrictFindNoGrid) {
  const GridLocator loc(with_grids(demo_grid_units()));
  ASSERT_EQ(loc.size(), 36u);
  EXPECT_TRUE(loc.locate(28.2005, 112.9505).has_value());  // near the district's centre
  EXPECT_EQ(loc.locate(28.25, 112.95), std::nullopt);      // north
  EXPECT_EQ(loc.locate(28.15, 112.95), std::nullopt);      // south
  EXPECT_EQ(loc.locate(28.20, 112.90), std::nullopt);      // west
  EXPECT_EQ(loc.locate(28.20, 113.00), std::nullopt);      // east
  EXPECT_EQ(loc.locate(112.95, 28.20), std::nullopt);      // lat and lon swapped
  EXPECT_EQ(loc.locate(0, 0), std::nullopt);
}

}  // namespace
}  // namespace civicgrid::cases
