#include "identity/org_tree.h"

#include <algorithm>

namespace civicgrid::identity {

namespace {

constexpr std::string_view kAreaOrder[] = {"district", "street", "community", "grid"};

int area_level(std::string_view kind) {
  for (size_t i = 0; i < std::size(kAreaOrder); ++i)
    if (kAreaOrder[i] == kind) return static_cast<int>(i);
  return -1;
}

}  // namespace

bool is_unit_kind(std::string_view kind) {
  return std::find(std::begin(kUnitKinds), std::end(kUnitKinds), kind) != std::end(kUnitKinds);
}

bool is_area_kind(std::string_view kind) { return area_level(kind) >= 0; }

bool is_handling_kind(std::string_view kind) {
  return is_unit_kind(kind) && !is_area_kind(kind) && kind != "command_center";
}

bool valid_parent_kind(std::string_view child, std::string_view parent) {
  if (!is_unit_kind(child)) return false;
  if (parent.empty()) return child == "district";
  const int pl = area_level(parent);
  if (pl < 0) return false;  // only areas have children
  const int cl = area_level(child);
  if (cl >= 0) return cl == pl + 1;
  // Command centres, departments and other actors belong to a district, street or community.
  return parent != "grid";
}

OrgTree::OrgTree(std::vector<OrgUnit> units) : units_(std::move(units)) {
  std::sort(units_.begin(), units_.end(),
            [](const OrgUnit& a, const OrgUnit& b) { return a.code < b.code; });
  for (size_t i = 0; i < units_.size(); ++i) {
    index_.emplace(units_[i].code, i);
    if (!units_[i].parent.empty()) children_.emplace(units_[i].parent, i);
  }
}

const OrgUnit* OrgTree::find(std::string_view code) const {
  auto it = index_.find(code);
  return it == index_.end() ? nullptr : &units_[it->second];
}

std::vector<const OrgUnit*> OrgTree::children(std::string_view code) const {
  std::vector<const OrgUnit*> out;
  auto [b, e] = children_.equal_range(code);
  for (auto it = b; it != e; ++it) out.push_back(&units_[it->second]);
  return out;
}

std::set<std::string> OrgTree::subtree(std::string_view code) const {
  std::set<std::string> out;
  if (!find(code)) return out;
  std::vector<std::string> stack{std::string(code)};
  while (!stack.empty()) {
    std::string c = std::move(stack.back());
    stack.pop_back();
    if (!out.insert(c).second) continue;  // guards against a cycle in bad data
    for (const OrgUnit* child : children(c)) stack.push_back(child->code);
  }
  return out;
}

bool OrgTree::within(std::string_view code, std::string_view root) const {
  const OrgUnit* u = find(code);
  for (int depth = 0; u && depth < 64; ++depth) {
    if (u->code == root) return true;
    u = u->parent.empty() ? nullptr : find(u->parent);
  }
  return false;
}

const OrgUnit* OrgTree::ancestor_of_kind(std::string_view code, std::string_view kind) const {
  const OrgUnit* u = find(code);
  for (int depth = 0; u && depth < 64; ++depth) {
    if (u->kind == kind) return u;
    u = u->parent.empty() ? nullptr : find(u->parent);
  }
  return nullptr;
}

}  // namespace civicgrid::identity
