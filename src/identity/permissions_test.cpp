#include "identity/permissions.h"

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
// │   └── CC-S1 (street command centre)
// ├── S2 (street) ── C2 (community) ── G3 (grid)
// ├── CC-D (district command centre)
// ├── DEP-A (department)
// └── DEP-B (department)
const OrgTree& tree() {
  static const OrgTree t({
      {"D", "城区", "", "district", "", ""},
      {"S1", "街道一", "", "street", "D", ""},
      {"S2", "街道二", "", "street", "D", ""},
      {"C1", "社区一", "", "community", "S1", ""},
      {"C2", "社区二", "", "community", "S2", ""},
      {"G1", "网格1", "", "grid", "C1", ""},
      {"G2", "网格2", "", "grid", "C1", ""},
      {"G3", "网格3", "", "grid", "C2", ""},
      {"CC-D", "区指挥中心", "", "command_center", "D", ""},
      {"CC-S1", "街道指挥中心", "", "command_center", "S1", ""},
      {"DEP-A", "城管局", "", "department", "D", ""},
      {"DEP-B", "水务局", "", "department", "D", ""},
  });
  return t;
}

enum class Who {
  kAnonymous,
  kAdmin,
  kGridWorkerG1,
  kStreetDispatcher,    // unit: CC-S1
  kDistrictDispatcher,  // unit: CC-D
  kHandlerDepA,
  kResident,
  kLeader,  // unit: D
  kApiKey,
};

Principal principal(Who who) {
  Principal p;
  auto as_user = [&](std::string name, std::vector<Role> roles, std::vector<std::string> units) {
    p.kind = Principal::Kind::kUser;
    p.id = 1;
    p.name = std::move(name);
    p.roles = std::move(roles);
    p.units = std::move(units);
  };
  switch (who) {
    case Who::kAnonymous:
      break;
    case Who::kAdmin:
      as_user("admin", {Role::kAdmin}, {});
      break;
    case Who::kGridWorkerG1:
      as_user("gw1", {Role::kGridWorker}, {"G1"});
      break;
    case Who::kStreetDispatcher:
      as_user("ds1", {Role::kDispatcher}, {"CC-S1"});
      break;
    case Who::kDistrictDispatcher:
      as_user("dd", {Role::kDispatcher}, {"CC-D"});
      break;
    case Who::kHandlerDepA:
      as_user("ha", {Role::kDepartmentHandler}, {"DEP-A"});
      break;
    case Who::kResident:
      as_user("res", {Role::kResident}, {"G1"});
      break;
    case Who::kLeader:
      as_user("lead", {Role::kLeader}, {"D"});
      break;
    case Who::kApiKey:
      p.kind = Principal::Kind::kApiKey;
      p.id = 5;
      p.name = "fms";
      p.scopes = {"open311"};
      break;
  }
  return p;
}

const char* who_name(Who w) {
  switch (w) {
    case Who::kAnonymous:
      return "anonymous";
    case Who::kAdmin:
      return "admin";
    case Who::kGridWorkerG1:
      return "grid_worker@G1";
    case Who::kStreetDispatcher:
      return "dispatcher@CC-S1";
    case Who::kDistrictDispatcher:
      return "dispatcher@CC-D";
    case Who::kHandlerDepA:
      return "handler@DEP-A";
    case Who::kResident:
      return "resident";
    case Who::kLeader:
      return "leader@D";
    case Who::kApiKey:
      return "apikey";
  }
  return "?";
}

enum class Expect { kAllowed, kForbidden, kUnauthenticated };

struct Row {
  Who who;
  IdentityAction action;
  const char* unit;
  Expect expect;
};

using A = IdentityAction;
using E = Expect;

const Row kRows[] = {
    // Administrators may do everything.
    {Who::kAdmin, A::kViewUnitMembers, "G3", E::kAllowed},
    {Who::kAdmin, A::kViewUnitMembers, "DEP-B", E::kAllowed},
    {Who::kAdmin, A::kViewUnit, "G1", E::kAllowed},
    {Who::kAdmin, A::kManageUsers, "", E::kAllowed},
    {Who::kAdmin, A::kManageUnits, "", E::kAllowed},
    {Who::kAdmin, A::kManageApiKeys, "", E::kAllowed},
    {Who::kAdmin, A::kViewAudit, "", E::kAllowed},
    {Who::kAdmin, A::kListUnits, "", E::kAllowed},
    // A grid worker sees the members of their own grid only.
    {Who::kGridWorkerG1, A::kViewUnitMembers, "G1", E::kAllowed},
    {Who::kGridWorkerG1, A::kViewUnitMembers, "G2", E::kForbidden},
    {Who::kGridWorkerG1, A::kViewUnitMembers, "C1", E::kForbidden},
    {Who::kGridWorkerG1, A::kViewUnitMembers, "G3", E::kForbidden},
    {Who::kGridWorkerG1, A::kViewUnitMembers, "DEP-A", E::kForbidden},
    {Who::kGridWorkerG1, A::kViewUnit, "G3", E::kAllowed},
    // A street dispatcher (street command centre) sees their street.
    {Who::kStreetDispatcher, A::kViewUnitMembers, "G1", E::kAllowed},
    {Who::kStreetDispatcher, A::kViewUnitMembers, "G2", E::kAllowed},
    {Who::kStreetDispatcher, A::kViewUnitMembers, "C1", E::kAllowed},
    {Who::kStreetDispatcher, A::kViewUnitMembers, "S1", E::kAllowed},
    {Who::kStreetDispatcher, A::kViewUnitMembers, "G3", E::kForbidden},
    {Who::kStreetDispatcher, A::kViewUnitMembers, "C2", E::kForbidden},
    {Who::kStreetDispatcher, A::kViewUnitMembers, "S2", E::kForbidden},
    {Who::kStreetDispatcher, A::kViewUnitMembers, "D", E::kForbidden},
    {Who::kStreetDispatcher, A::kViewUnitMembers, "DEP-A", E::kForbidden},
    // A district dispatcher (district command centre) sees every area.
    {Who::kDistrictDispatcher, A::kViewUnitMembers, "D", E::kAllowed},
    {Who::kDistrictDispatcher, A::kViewUnitMembers, "S1", E::kAllowed},
    {Who::kDistrictDispatcher, A::kViewUnitMembers, "S2", E::kAllowed},
    {Who::kDistrictDispatcher, A::kViewUnitMembers, "G1", E::kAllowed},
    {Who::kDistrictDispatcher, A::kViewUnitMembers, "G3", E::kAllowed},
    {Who::kDistrictDispatcher, A::kViewUnitMembers, "C2", E::kAllowed},
    {Who::kDistrictDispatcher, A::kManageUsers, "", E::kForbidden},
    {Who::kDistrictDispatcher, A::kViewAudit, "", E::kForbidden},
    // A department handler sees their department.
    {Who::kHandlerDepA, A::kViewUnitMembers, "DEP-A", E::kAllowed},
    {Who::kHandlerDepA, A::kViewUnitMembers, "DEP-B", E::kForbidden},
    {Who::kHandlerDepA, A::kViewUnitMembers, "G1", E::kForbidden},
    {Who::kHandlerDepA, A::kViewUnitMembers, "D", E::kForbidden},
    {Who::kHandlerDepA, A::kViewUnit, "G1", E::kAllowed},
    {Who::kHandlerDepA, A::kManageUnits, "", E::kForbidden},
    // A leader of the district sees all its areas, but manages nothing.
    {Who::kLeader, A::kViewUnitMembers, "G3", E::kAllowed},
    {Who::kLeader, A::kViewUnitMembers, "S1", E::kAllowed},
    {Who::kLeader, A::kManageUnits, "", E::kForbidden},
    {Who::kLeader, A::kManageApiKeys, "", E::kForbidden},
    {Who::kLeader, A::kViewAudit, "", E::kForbidden},
    // Residents are not staff, even with a unit.
    {Who::kResident, A::kViewUnitMembers, "G1", E::kForbidden},
    {Who::kResident, A::kViewUnit, "G1", E::kForbidden},
    {Who::kResident, A::kListUnits, "", E::kAllowed},
    {Who::kResident, A::kManageUsers, "", E::kForbidden},
    // API keys are machine clients, not staff.
    {Who::kApiKey, A::kListUnits, "", E::kAllowed},
    {Who::kApiKey, A::kViewUnit, "G1", E::kForbidden},
    {Who::kApiKey, A::kViewUnitMembers, "G1", E::kForbidden},
    {Who::kApiKey, A::kManageApiKeys, "", E::kForbidden},
    // Anonymous callers may only list the tree.
    {Who::kAnonymous, A::kListUnits, "", E::kAllowed},
    {Who::kAnonymous, A::kViewUnit, "G1", E::kUnauthenticated},
    {Who::kAnonymous, A::kViewUnitMembers, "G1", E::kUnauthenticated},
    {Who::kAnonymous, A::kManageUnits, "", E::kUnauthenticated},
    {Who::kAnonymous, A::kManageUsers, "", E::kUnauthenticated},
    {Who::kAnonymous, A::kManageApiKeys, "", E::kUnauthenticated},
    {Who::kAnonymous, A::kViewAudit, "", E::kUnauthenticated},
};

void PrintTo(const Row& r, std::ostream* os) {
  *os << who_name(r.who) << " action#" << static_cast<int>(r.action) << " on \"" << r.unit << "\"";
}

class Authorize : public ::testing::TestWithParam<Row> {};

TEST_P(Authorize, Table) {
  const Row& r = GetParam();
  const auto result = authorize(principal(r.who), r.action, tree(), r.unit);
  switch (r.expect) {
    case E::kAllowed:
      EXPECT_TRUE(result.has_value()) << result.error().message_en();
      break;
    case E::kForbidden:
      ASSERT_FALSE(result.has_value());
      EXPECT_EQ(result.error().code(), ErrorCode::kForbidden);
      break;
    case E::kUnauthenticated:
      ASSERT_FALSE(result.has_value());
      EXPECT_EQ(result.error().code(), ErrorCode::kUnauthenticated);
      break;
  }
}

INSTANTIATE_TEST_SUITE_P(RoleActionScope, Authorize, ::testing::ValuesIn(kRows));

TEST(AuthorizeAdminOnly, EveryRoleButAdminIsRefused) {
  for (A action : {A::kManageUsers, A::kManageUnits, A::kManageApiKeys, A::kViewAudit}) {
    for (Role role : kAllRoles) {
      Principal p;
      p.kind = Principal::Kind::kUser;
      p.roles = {role};
      p.units = {"D"};
      const bool allowed = authorize(p, action, tree()).has_value();
      EXPECT_EQ(allowed, role == Role::kAdmin)
          << role_name(role) << " action#" << static_cast<int>(action);
    }
  }
}

struct ScopeRow {
  Who who;
  bool all;
  Codes areas;
  Codes departments;
};

const ScopeRow kScopeRows[] = {
    {Who::kAdmin, true, {}, {}},
    {Who::kAnonymous, false, {}, {}},
    {Who::kApiKey, false, {}, {}},
    {Who::kResident, false, {}, {}},
    {Who::kGridWorkerG1, false, {"G1"}, {}},
    // A command centre's scope is its parent area's subtree (the areas below the street); the
    // command centres and departments in that subtree are actors, not areas.
    {Who::kStreetDispatcher, false, {"S1", "C1", "G1", "G2"}, {}},
    {Who::kDistrictDispatcher, false, {"D", "S1", "S2", "C1", "C2", "G1", "G2", "G3"}, {}},
    {Who::kLeader, false, {"D", "S1", "S2", "C1", "C2", "G1", "G2", "G3"}, {}},
    {Who::kHandlerDepA, false, {}, {"DEP-A"}},
};

void PrintTo(const ScopeRow& r, std::ostream* os) {
  *os << who_name(r.who);
}

class ScopeOf : public ::testing::TestWithParam<ScopeRow> {};

TEST_P(ScopeOf, Table) {
  const ScopeRow& r = GetParam();
  const DataScope s = scope_of(principal(r.who), tree());
  EXPECT_EQ(s.all, r.all);
  EXPECT_EQ(s.areas, r.areas);
  EXPECT_EQ(s.departments, r.departments);
  EXPECT_EQ(s.empty(), !r.all && r.areas.empty() && r.departments.empty());
}

INSTANTIATE_TEST_SUITE_P(Roles, ScopeOf, ::testing::ValuesIn(kScopeRows));

TEST(ScopeOf, SeveralUnitsAreMergedAndUnknownUnitsIgnored) {
  Principal p;
  p.kind = Principal::Kind::kUser;
  p.roles = {Role::kGridWorker, Role::kDepartmentHandler};
  p.units = {"G1", "G3", "DEP-B", "NO-SUCH-UNIT"};
  const DataScope s = scope_of(p, tree());
  EXPECT_FALSE(s.all);
  EXPECT_EQ(s.areas, (Codes{"G1", "G3"}));
  EXPECT_EQ(s.departments, (Codes{"DEP-B"}));
  EXPECT_TRUE(s.covers_area("G3"));
  EXPECT_FALSE(s.covers_area("G2"));
  EXPECT_TRUE(s.covers_department("DEP-B"));
  EXPECT_FALSE(s.covers_department("DEP-A"));
}

TEST(ScopeOf, AllCoversEverything) {
  const DataScope s = scope_of(principal(Who::kAdmin), tree());
  EXPECT_TRUE(s.covers_area("G3"));
  EXPECT_TRUE(s.covers_area("anything"));
  EXPECT_TRUE(s.covers_department("DEP-B"));
  EXPECT_FALSE(s.empty());
}

TEST(IsStaff, UsersWithANonResidentRole) {
  EXPECT_TRUE(is_staff(principal(Who::kGridWorkerG1)));
  EXPECT_TRUE(is_staff(principal(Who::kLeader)));
  EXPECT_TRUE(is_staff(principal(Who::kAdmin)));
  EXPECT_FALSE(is_staff(principal(Who::kResident)));
  EXPECT_FALSE(is_staff(principal(Who::kAnonymous)));
  EXPECT_FALSE(is_staff(principal(Who::kApiKey)));
  Principal both = principal(Who::kResident);
  both.roles.push_back(Role::kGridWorker);
  EXPECT_TRUE(is_staff(both));
  Principal none = principal(Who::kResident);
  none.roles.clear();
  EXPECT_FALSE(is_staff(none));
}

}  // namespace
}  // namespace civicgrid::identity
