#include "identity/org_tree.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

namespace civicgrid::identity {
namespace {

using Codes = std::set<std::string>;

// D (district)
// ├── S1 (street) ── C1 (community) ── G1, G2 (grids)
// │   └── CC-S1 (command centre)
// ├── S2 (street) ── C2 (community) ── G3 (grid)
// ├── CC-D (command centre)
// └── DEP-W (department)
OrgTree sample_tree() {
  // Deliberately not in code order: the tree sorts.
  return OrgTree({
      {"G3", "网格3", "Grid 3", "grid", "C2", ""},
      {"D", "城区", "District", "district", "", ""},
      {"S1", "街道一", "Street 1", "street", "D", ""},
      {"S2", "街道二", "Street 2", "street", "D", ""},
      {"C1", "社区一", "Community 1", "community", "S1", ""},
      {"C2", "社区二", "Community 2", "community", "S2", ""},
      {"G1", "网格1", "Grid 1", "grid", "C1", ""},
      {"G2", "网格2", "Grid 2", "grid", "C1", ""},
      {"CC-D", "区指挥中心", "District command centre", "command_center", "D", ""},
      {"CC-S1", "街道指挥中心", "Street command centre", "command_center", "S1", ""},
      {"DEP-W", "水务局", "Water bureau", "department", "D", ""},
  });
}

Codes codes(const std::vector<const OrgUnit*>& units) {
  Codes out;
  for (const auto* u : units) out.insert(u->code);
  return out;
}

TEST(OrgTree, FindAndSortedUnits) {
  const OrgTree t = sample_tree();
  ASSERT_EQ(t.units().size(), 11u);
  for (size_t i = 1; i < t.units().size(); ++i) EXPECT_LT(t.units()[i - 1].code, t.units()[i].code);
  const OrgUnit* g1 = t.find("G1");
  ASSERT_NE(g1, nullptr);
  EXPECT_EQ(g1->name, "网格1");
  EXPECT_EQ(g1->parent, "C1");
  EXPECT_EQ(t.find("nope"), nullptr);
  EXPECT_EQ(t.find(""), nullptr);
  EXPECT_EQ(OrgTree().find("D"), nullptr);
}

TEST(OrgTree, Children) {
  const OrgTree t = sample_tree();
  EXPECT_EQ(codes(t.children("D")), (Codes{"S1", "S2", "CC-D", "DEP-W"}));
  EXPECT_EQ(codes(t.children("S1")), (Codes{"C1", "CC-S1"}));
  EXPECT_EQ(codes(t.children("C1")), (Codes{"G1", "G2"}));
  EXPECT_TRUE(t.children("G1").empty());
  EXPECT_TRUE(t.children("nope").empty());
}

TEST(OrgTree, Subtree) {
  const OrgTree t = sample_tree();
  EXPECT_EQ(t.subtree("D"),
            (Codes{"D", "S1", "S2", "C1", "C2", "G1", "G2", "G3", "CC-D", "CC-S1", "DEP-W"}));
  EXPECT_EQ(t.subtree("S1"), (Codes{"S1", "C1", "G1", "G2", "CC-S1"}));
  EXPECT_EQ(t.subtree("S2"), (Codes{"S2", "C2", "G3"}));
  EXPECT_EQ(t.subtree("C1"), (Codes{"C1", "G1", "G2"}));
  EXPECT_EQ(t.subtree("G2"), (Codes{"G2"}));
  EXPECT_EQ(t.subtree("DEP-W"), (Codes{"DEP-W"}));
  EXPECT_TRUE(t.subtree("nope").empty());
}

TEST(OrgTree, SubtreeSurvivesACycleInBadData) {
  const OrgTree t({{"A", "a", "", "street", "B", ""}, {"B", "b", "", "community", "A", ""}});
  EXPECT_EQ(t.subtree("A"), (Codes{"A", "B"}));
  EXPECT_FALSE(t.within("A", "Z"));  // terminates
  EXPECT_EQ(t.ancestor_of_kind("A", "district"), nullptr);
}

TEST(OrgTree, Within) {
  const OrgTree t = sample_tree();
  struct Row {
    const char* code;
    const char* root;
    bool expected;
  };
  const Row rows[] = {
      {"G1", "D", true},      {"G1", "S1", true},   {"G1", "C1", true},     {"G1", "G1", true},
      {"G1", "S2", false},    {"G1", "G2", false},  {"G3", "S1", false},    {"CC-S1", "S1", true},
      {"CC-S1", "S2", false}, {"DEP-W", "D", true}, {"DEP-W", "S1", false}, {"D", "S1", false},
      {"D", "D", true},       {"nope", "D", false}, {"G1", "nope", false},
  };
  for (const auto& r : rows)
    EXPECT_EQ(t.within(r.code, r.root), r.expected) << r.code << " within " << r.root;
}

TEST(OrgTree, AncestorOfKind) {
  const OrgTree t = sample_tree();
  struct Row {
    const char* code;
    const char* kind;
    const char* expected;  // nullptr: none
  };
  const Row rows[] = {
      {"G1", "grid", "G1"},
      {"G1", "community", "C1"},
      {"G1", "street", "S1"},
      {"G1", "district", "D"},
      {"G3", "street", "S2"},
      {"CC-S1", "street", "S1"},
      {"CC-S1", "command_center", "CC-S1"},
      {"DEP-W", "district", "D"},
      {"DEP-W", "street", nullptr},
      {"D", "street", nullptr},
      {"nope", "district", nullptr},
      {"S1", "grid", nullptr},
  };
  for (const auto& r : rows) {
    const OrgUnit* u = t.ancestor_of_kind(r.code, r.kind);
    if (r.expected) {
      ASSERT_NE(u, nullptr) << r.code << " / " << r.kind;
      EXPECT_EQ(u->code, r.expected) << r.code << " / " << r.kind;
    } else {
      EXPECT_EQ(u, nullptr) << r.code << " / " << r.kind;
    }
  }
}

// For each child kind, the parent kinds it may sit under ("" = a root).
const std::map<std::string, Codes> kAllowedParents = {
    {"district", {""}},
    {"street", {"district"}},
    {"community", {"street"}},
    {"grid", {"community"}},
    {"department", {"district", "street", "community"}},
    {"command_center", {"district", "street", "community"}},
    {"enterprise", {"district", "street", "community"}},
    {"property_company", {"district", "street", "community"}},
    {"social_org", {"district", "street", "community"}},
    {"volunteer_team", {"district", "street", "community"}},
    {"bogus", {}},
    {"", {}},
};

TEST(ValidParentKind, EveryKindUnderEveryParentKind) {
  std::vector<std::string> parents{"", "bogus"};
  for (auto k : kUnitKinds) parents.emplace_back(k);
  ASSERT_EQ(kAllowedParents.size(), std::size(kUnitKinds) + 2);
  int checked = 0;
  for (const auto& [child, allowed] : kAllowedParents) {
    for (const auto& parent : parents) {
      EXPECT_EQ(valid_parent_kind(child, parent), allowed.contains(parent))
          << "child \"" << child << "\" under parent \"" << parent << "\"";
      ++checked;
    }
  }
  EXPECT_EQ(checked, 12 * 12);
}

TEST(UnitKinds, Classification) {
  struct Row {
    const char* kind;
    bool unit, area, handling;
  };
  const Row rows[] = {
      {"district", true, true, false},        {"street", true, true, false},
      {"community", true, true, false},       {"grid", true, true, false},
      {"command_center", true, false, false}, {"department", true, false, true},
      {"enterprise", true, false, true},      {"property_company", true, false, true},
      {"social_org", true, false, true},      {"volunteer_team", true, false, true},
      {"bogus", false, false, false},         {"", false, false, false},
      {"Department", false, false, false},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(is_unit_kind(r.kind), r.unit) << r.kind;
    EXPECT_EQ(is_area_kind(r.kind), r.area) << r.kind;
    EXPECT_EQ(is_handling_kind(r.kind), r.handling) << r.kind;
  }
}

}  // namespace
}  // namespace civicgrid::identity
