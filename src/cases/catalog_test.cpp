#include "cases/catalog.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace civicgrid::cases {
namespace {

using identity::OrgTree;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// D (district)
// ├── S1 (street) ── C1 (community) ── G1, G2 (grids)
// ├── S2 (street) ── G3 (grid, directly under the street for brevity)
// └── DA, DB, DC (departments)
OrgTree sample_tree() {
  return OrgTree({
      {"D", "区", "District", "district", "", ""},
      {"S1", "街道一", "Street 1", "street", "D", ""},
      {"S2", "街道二", "Street 2", "street", "D", ""},
      {"C1", "社区一", "Community 1", "community", "S1", ""},
      {"G1", "网格1", "Grid 1", "grid", "C1", ""},
      {"G2", "网格2", "Grid 2", "grid", "C1", ""},
      {"G3", "网格3", "Grid 3", "grid", "S2", ""},
      {"DA", "部门A", "Dept A", "department", "D", ""},
      {"DB", "部门B", "Dept B", "department", "D", ""},
      {"DC", "部门C", "Dept C", "department", "D", ""},
  });
}

// A ── A1 ── A1x
//  └── A2
// B ── B1
std::vector<Category> sample_categories() {
  return {
      {"A", "城建", "Construction", "", 1, true},  {"A1", "市政", "", "A", 2, true},
      {"A1x", "井盖", "", "A1", 3, true},          {"A2", "规划", "", "A", 2, false},
      {"B", "民政", "Civil affairs", "", 1, true}, {"B1", "养老", "", "B", 2, true},
  };
}

TimeLimit limit(std::string category, Urgency u, int accept_wm, int handle_days,
                int handle_natural = 0) {
  TimeLimit l;
  l.category = std::move(category);
  l.urgency = u;
  l.accept_working_minutes = accept_wm;
  l.handle_working_days = handle_days;
  l.handle_natural_minutes = handle_natural;
  return l;
}

TEST(Catalog, CategoryLookup) {
  const Catalog cat(sample_categories(), {}, {});
  ASSERT_NE(cat.category("A1x"), nullptr);
  EXPECT_EQ(cat.category("A1x")->name, "井盖");
  EXPECT_EQ(cat.category("A1x")->parent, "A1");
  EXPECT_FALSE(cat.category("A2")->is_public);
  EXPECT_EQ(cat.category("Z"), nullptr);
  EXPECT_EQ(cat.category(""), nullptr);
  EXPECT_EQ(cat.categories().size(), 6u);
}

TEST(Catalog, TopLevel) {
  const Catalog cat(sample_categories(), {}, {});
  ASSERT_NE(cat.top_level("A1x"), nullptr);
  EXPECT_EQ(cat.top_level("A1x")->code, "A");
  EXPECT_EQ(cat.top_level("A1")->code, "A");
  EXPECT_EQ(cat.top_level("A2")->code, "A");
  EXPECT_EQ(cat.top_level("A")->code, "A");
  EXPECT_EQ(cat.top_level("B1")->code, "B");
  EXPECT_EQ(cat.top_level("Z"), nullptr);
  EXPECT_EQ(cat.top_level(""), nullptr);
}

TEST(Catalog, TopLevelOfACycleTerminates) {
  // Bad data (a parent cycle) must not hang the lookup.
  const Catalog cat({{"X", "x", "", "Y", 2, true}, {"Y", "y", "", "X", 2, true}}, {}, {});
  const Category* top = cat.top_level("X");
  ASSERT_NE(top, nullptr);
  EXPECT_TRUE(top->code == "X" || top->code == "Y");
}

TEST(CatalogSuggest, DeepestCategoryWins) {
  const OrgTree tree = sample_tree();
  const Catalog cat(
      sample_categories(),
      {{"A", "", "DA", {"DC"}}, {"A1", "", "DB", {}}, {"A1x", "", "DC", {"DA", "DB"}}}, {});
  auto s = cat.suggest("A1x", "G1", tree);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->lead, "DC");
  EXPECT_THAT(s->co, ElementsAre("DA", "DB"));
  EXPECT_EQ(s->rule_category, "A1x");
  EXPECT_EQ(s->rule_area, "");

  s = cat.suggest("A1", "G1", tree);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->lead, "DB");
  EXPECT_THAT(s->co, IsEmpty());
  EXPECT_EQ(s->rule_category, "A1");
}

TEST(CatalogSuggest, WalksUpTheCategoryTree) {
  const OrgTree tree = sample_tree();
  const Catalog cat(sample_categories(), {{"A", "", "DA", {"DC"}}, {"A1", "", "DB", {}}}, {});
  // A1x has no rule of its own: its parent A1's rule applies.
  auto s = cat.suggest("A1x", "G2", tree);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->lead, "DB");
  EXPECT_EQ(s->rule_category, "A1");
  // A2 has none either: the first-level A's rule applies.
  s = cat.suggest("A2", "G2", tree);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->lead, "DA");
  EXPECT_THAT(s->co, ElementsAre("DC"));
  EXPECT_EQ(s->rule_category, "A");
}

TEST(CatalogSuggest, AreaSpecificRuleBeatsTheGeneralOne) {
  const OrgTree tree = sample_tree();
  const Catalog cat(sample_categories(),
                    {{"A1", "", "DA", {}}, {"A1", "S1", "DB", {}}, {"A1", "G2", "DC", {}}}, {});
  // G2's own rule.
  auto s = cat.suggest("A1", "G2", tree);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->lead, "DC");
  EXPECT_EQ(s->rule_area, "G2");
  // G1 → C1 → S1: the street's rule.
  s = cat.suggest("A1", "G1", tree);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->lead, "DB");
  EXPECT_EQ(s->rule_area, "S1");
  s = cat.suggest("A1", "C1", tree);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->lead, "DB");
  // Street S2 has no rule: the district-wide one.
  s = cat.suggest("A1", "G3", tree);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->lead, "DA");
  EXPECT_EQ(s->rule_area, "");
  // Unknown or empty area: only the district-wide rule can match.
  s = cat.suggest("A1", "NOWHERE", tree);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->lead, "DA");
  s = cat.suggest("A1", "", tree);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->lead, "DA");
}

TEST(CatalogSuggest, AreaRuleOnAnAncestorCategoryApplies) {
  const OrgTree tree = sample_tree();
  // Only an area rule on the first level: a third-level case in that area takes it, one elsewhere
  // gets nothing.
  const Catalog cat(sample_categories(), {{"A", "S1", "DB", {}}}, {});
  auto s = cat.suggest("A1x", "G1", tree);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->lead, "DB");
  EXPECT_EQ(s->rule_category, "A");
  EXPECT_EQ(s->rule_area, "S1");
  EXPECT_EQ(cat.suggest("A1x", "G3", tree), std::nullopt);
}

TEST(CatalogSuggest, DeeperCategoryBeatsANarrowerAreaOnAShallowerCategory) {
  // As documented: the deepest category first, then the most specific area for it.
  const OrgTree tree = sample_tree();
  const Catalog cat(sample_categories(), {{"A", "G1", "DA", {}}, {"A1", "", "DB", {}}}, {});
  auto s = cat.suggest("A1", "G1", tree);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->lead, "DB");
  EXPECT_EQ(s->rule_category, "A1");
}

TEST(CatalogSuggest, NoRuleGivesNothing) {
  const OrgTree tree = sample_tree();
  const Catalog cat(sample_categories(), {{"A", "", "DA", {}}, {"B1", "S1", "DB", {}}}, {});
  EXPECT_EQ(cat.suggest("B", "G1", tree), std::nullopt);   // no rule for B
  EXPECT_EQ(cat.suggest("B1", "G3", tree), std::nullopt);  // B1's rule is for S1 only
  EXPECT_EQ(cat.suggest("Z", "G1", tree), std::nullopt);   // unknown category
  EXPECT_EQ(cat.suggest("", "G1", tree), std::nullopt);    // no category yet
  EXPECT_EQ(Catalog().suggest("A", "G1", tree), std::nullopt);
  // ... while B1 in S1 does match.
  ASSERT_TRUE(cat.suggest("B1", "G2", tree).has_value());
}

TEST(CatalogLimits, CategorySpecificBeatsDefault) {
  const Catalog cat(
      sample_categories(), {},
      {limit("", Urgency::kNormal, 24 * 60, 5), limit("A1", Urgency::kNormal, 120, 3)});
  TimeLimit l = cat.limit_for("A1", Urgency::kNormal);
  EXPECT_EQ(l.category, "A1");
  EXPECT_EQ(l.handle_working_days, 3);
  EXPECT_EQ(l.accept_working_minutes, 120);
  l = cat.limit_for("B1", Urgency::kNormal);
  EXPECT_EQ(l.category, "");
  EXPECT_EQ(l.handle_working_days, 5);
  EXPECT_EQ(l.accept_working_minutes, 24 * 60);
  // Uncategorised and unknown categories take the default.
  EXPECT_EQ(cat.limit_for("", Urgency::kNormal).handle_working_days, 5);
  EXPECT_EQ(cat.limit_for("Z", Urgency::kNormal).handle_working_days, 5);
}

TEST(CatalogLimits, WalksUpToTheParentCategory) {
  const Catalog cat(sample_categories(), {},
                    {limit("", Urgency::kNormal, 24 * 60, 5), limit("A", Urgency::kNormal, 60, 4),
                     limit("A1", Urgency::kNormal, 120, 3)});
  EXPECT_EQ(cat.limit_for("A1x", Urgency::kNormal).category, "A1");
  EXPECT_EQ(cat.limit_for("A1x", Urgency::kNormal).handle_working_days, 3);
  EXPECT_EQ(cat.limit_for("A2", Urgency::kNormal).category, "A");
  EXPECT_EQ(cat.limit_for("A2", Urgency::kNormal).handle_working_days, 4);
}

TEST(CatalogLimits, UrgencyMustMatch) {
  const Catalog cat(
      sample_categories(), {},
      {limit("", Urgency::kNormal, 24 * 60, 5), limit("A1", Urgency::kNormal, 120, 3),
       limit("", Urgency::kEmergency, 30, 0, 120), limit("A", Urgency::kUrgent, 60, 2)});
  // A1 has a normal limit only; an urgent A1 case walks up to A's urgent limit.
  TimeLimit l = cat.limit_for("A1x", Urgency::kUrgent);
  EXPECT_EQ(l.category, "A");
  EXPECT_EQ(l.urgency, Urgency::kUrgent);
  EXPECT_EQ(l.handle_working_days, 2);
  // An emergency anywhere: the default emergency limit (natural minutes).
  l = cat.limit_for("A1", Urgency::kEmergency);
  EXPECT_EQ(l.category, "");
  EXPECT_EQ(l.urgency, Urgency::kEmergency);
  EXPECT_EQ(l.handle_natural_minutes, 120);
  EXPECT_EQ(l.handle_working_days, 0);
}

TEST(CatalogLimits, FallbackWhenNothingIsConfigured) {
  const Catalog none;
  for (Urgency u : {Urgency::kNormal, Urgency::kUrgent, Urgency::kEmergency}) {
    const TimeLimit l = none.limit_for("A1", u);
    EXPECT_EQ(l.urgency, u);
    EXPECT_EQ(l.category, "");
    EXPECT_EQ(l.handle_working_days, 7);
    EXPECT_EQ(l.accept_working_minutes, 24 * 60);
    EXPECT_EQ(l.handle_natural_minutes, 0);
    EXPECT_EQ(l.accept_natural_minutes, 0);
  }
  // Configured for normal only: urgent falls back to the national practice.
  const Catalog some(sample_categories(), {}, {limit("", Urgency::kNormal, 60, 5)});
  EXPECT_EQ(some.limit_for("A1", Urgency::kUrgent).handle_working_days, 7);
  EXPECT_EQ(some.limit_for("A1", Urgency::kNormal).handle_working_days, 5);
}

}  // namespace
}  // namespace civicgrid::cases
