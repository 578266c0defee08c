// The caller's data scope as lookup tables over the cube's dictionaries (built under the cube's
// shared lock): a row is visible when its area or its lead department is covered, as for case
// reads.
#pragma once

#include <vector>

#include "analytics/cube.h"
#include "identity/permissions.h"

namespace civicgrid::analytics {

class ScopeMask {
 public:
  ScopeMask(const Cube& cube, const identity::DataScope& scope) : all_(scope.all) {
    if (all_) return;
    areas_.resize(cube.areas_.size());
    for (size_t i = 1; i < areas_.size(); ++i) areas_[i] = scope.covers_area(cube.areas_.code(i));
    departments_.resize(cube.departments_.size());
    for (size_t i = 1; i < departments_.size(); ++i)
      departments_[i] = scope.covers_department(cube.departments_.code(i));
  }
  bool visible(const Cube& cube, size_t row) const {
    return all_ || areas_[cube.area_[row]] || departments_[cube.department_[row]];
  }
  // The same test on an area and a department code (a rollup entry's).
  bool visible_codes(std::uint32_t area, std::uint32_t department) const {
    return all_ || areas_[area] || departments_[department];
  }

 private:
  bool all_;
  std::vector<char> areas_, departments_;
};

}  // namespace civicgrid::analytics
