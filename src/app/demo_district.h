// The demo district (data/demo): organisation units with grid polygons, and one demo user per role.
// Idempotent: what exists is left alone; passwords of newly created demo users are returned so the
// server can print them once.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "app/app.h"

namespace civicgrid::app {

struct DemoCredentials {
  std::string username;
  std::string role;
  std::string password;
};

// Loads the units of `dir` (units.json, grids.geojson). Returns the number of units created.
Result<int> load_demo_units(App& app, const std::string& dir);
// Loads the category tree (categories.json) and the dispatch rules (routing.json) when the store has
// no categories yet. Returns the number of categories created.
Result<int> load_demo_catalog(App& app, const std::string& dir);
// Creates the demo users that do not exist yet; returns their new credentials.
Result<std::vector<DemoCredentials>> create_demo_users(App& app);

}  // namespace civicgrid::app
