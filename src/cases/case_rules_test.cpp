#include "cases/case_rules.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cases/state_machine.h"

namespace civicgrid::cases {
namespace {

namespace json = boost::json;
using identity::OrgTree;

// D (district)
// ├── S1 (street) ── C1 (community) ── G1, G2 (grids)
// │   └── S1-CC (street command centre)
// ├── S2 (street) ── G3 (grid)
// ├── CC (district command centre)
// └── DA, DB, DC (departments)
OrgTree make_tree() {
  return OrgTree({
      {"D", "区", "District", "district", "", ""},
      {"S1", "街道一", "Street 1", "street", "D", ""},
      {"C1", "社区一", "Community 1", "community", "S1", ""},
      {"G1", "网格1", "Grid 1", "grid", "C1", ""},
      {"G2", "网格2", "Grid 2", "grid", "C1", ""},
      {"S2", "街道二", "Street 2", "street", "D", ""},
      {"G3", "网格3", "Grid 3", "grid", "S2", ""},
      {"CC", "区指挥中心", "Command centre", "command_center", "D", ""},
      {"S1-CC", "街道综治中心", "Street centre", "command_center", "S1", ""},
      {"DA", "部门A", "Dept A", "department", "D", ""},
      {"DB", "部门B", "Dept B", "department", "D", ""},
      {"DC", "部门C", "Dept C", "department", "D", ""},
  });
}

Catalog make_catalog() {
  TimeLimit normal;
  normal.urgency = Urgency::kNormal;
  normal.accept_working_minutes = 24 * 60;
  normal.handle_working_days = 7;
  TimeLimit emergency;
  emergency.urgency = Urgency::kEmergency;
  emergency.accept_natural_minutes = 30;
  emergency.handle_natural_minutes = 120;
  return Catalog({{"ROAD", "道路", "Roads", "", 1, true}, {"NOISE", "噪音", "Noise", "", 1, true}},
                 {{"ROAD", "", "DA", {}}}, {normal, emergency});
}

std::string calendar_path() {
  if (const char* dir = std::getenv("CIVICGRID_SOURCE_DIR"))
    return std::string(dir) + "/data/calendar/cn-holidays.json";
  for (const char* p : {"data/calendar/cn-holidays.json", "../data/calendar/cn-holidays.json"})
    if (std::filesystem::exists(p)) return p;
  return "data/calendar/cn-holidays.json";
}

const WorkCalendar& calendar() {
  static const WorkCalendar cal = [] {
    auto loaded = load_work_calendar(calendar_path());
    if (!loaded) {
      ADD_FAILURE() << "cannot load " << calendar_path() << ": " << loaded.error().message_en();
      std::abort();
    }
    return *loaded;
  }();
  return cal;
}

Timestamp at(const char* rfc3339) {
  auto t = parse_rfc3339(rfc3339);
  if (!t) ADD_FAILURE() << "bad time " << rfc3339;
  return t.value_or(0);
}

Principal user(std::string name, Role role, std::vector<std::string> units) {
  Principal p;
  p.kind = Principal::Kind::kUser;
  p.name = std::move(name);
  p.roles = {role};
  p.units = std::move(units);
  return p;
}

// Everything apply() may change, as text: "unchanged" means this string is the same.
std::string dump(const Case& c) {
  std::ostringstream s;
  s << name(c.status) << '|' << c.category << '|' << c.lead << '|' << c.deadline_at << '|'
    << c.closed_at << '|' << c.updated_at << '|' << c.overdue << '|' << c.supervisions << '|'
    << c.reworks << '|' << c.returns << '|' << c.extension_days_pending << '|' << c.extension_reason
    << '|' << c.result << '|' << c.reply << '|' << c.merged_into << '|' << c.evaluation.has_value()
    << '|' << c.version;
  for (const auto& p : c.participants)
    s << "|{" << p.unit << ',' << p.role << ',' << p.assigned_at << ',' << p.due_at << ','
      << p.accepted_at << ',' << p.active << '}';
  return s.str();
}

json::object data_of(const CaseEvent& ev) {
  return json::parse(ev.data).as_object();
}

class CaseRulesTest : public ::testing::Test {
 protected:
  CaseRulesTest()
      : tree_(make_tree()),
        catalog_(make_catalog()),
        ctx_{tree_, calendar(), catalog_, [this](std::int64_t id) -> Result<Status> {
               auto it = others_.find(id);
               if (it == others_.end()) return fail(Error::not_found("无此案件", "no such case"));
               return it->second;
             }} {}

  Actor actor(Principal p, std::string unit = {}) {
    identity::DataScope scope = identity::scope_of(p, tree_);
    return Actor{std::move(p), std::move(scope), false, std::move(unit)};
  }
  Actor dispatcher() { return actor(user("disp", Role::kDispatcher, {"CC"}), "CC"); }
  Actor s1_dispatcher() { return actor(user("disp-s1", Role::kDispatcher, {"S1-CC"}), "S1-CC"); }
  Actor s2_dispatcher() { return actor(user("disp-s2", Role::kDispatcher, {"S2"}), "S2"); }
  Actor handler(const std::string& dept) {
    return actor(user("h-" + dept, Role::kDepartmentHandler, {dept}), dept);
  }
  Actor grid_worker() { return actor(user("gw", Role::kGridWorker, {"G1"}), "G1"); }
  Actor leader() { return actor(user("boss", Role::kLeader, {"D"}), "D"); }
  Actor resident() { return actor(user("alice", Role::kResident, {})); }
  static Actor system() { return Actor{Principal{}, {}, true, {}}; }

  Result<CaseEvent> act(Case& c, Action a, json::object body, const Actor& who, Timestamp now) {
    return apply(c, a, body, who, now, ctx_);
  }
  // Applies and asserts success.
  CaseEvent ok(Case& c, Action a, json::object body, const Actor& who, Timestamp now) {
    auto r = act(c, a, std::move(body), who, now);
    EXPECT_TRUE(r.has_value()) << name(a) << ": " << (r ? "" : r.error().message_en());
    return r.value_or(CaseEvent{});
  }
  // Applies, expects `code` (and `field` when given) and that the case did not change.
  void fails(Case& c, Action a, json::object body, const Actor& who, ErrorCode code,
             std::string_view field = {}, Timestamp now = 0) {
    const std::string before = dump(c);
    auto r = act(c, a, std::move(body), who, now ? now : t0_);
    ASSERT_FALSE(r.has_value()) << name(a) << " succeeded, now " << name(c.status);
    EXPECT_EQ(error_code_name(r.error().code()), error_code_name(code)) << r.error().message_en();
    if (!field.empty()) {
      EXPECT_EQ(r.error().field(), field) << r.error().message_en();
    }
    EXPECT_EQ(dump(c), before) << name(a) << " changed the case although it failed";
  }

  Case new_case() {
    Case c;
    c.id = 1;
    c.tracking_code = "ABCD-EFGH-JKMN";
    c.title = "路灯不亮";
    c.area = "G1";
    c.grid = "G1";
    c.created_at = c.updated_at = t0_;
    c.deadline_at = handling_deadline(catalog_, calendar(), "", c.urgency, t0_);
    return c;
  }
  // A case walked to `target` along the main loop (register, dispatch to DA, accept, handle, ...).
  Case case_in(Status target) {
    Case c = new_case();
    const std::pair<Action, json::object> steps[] = {
        {Action::kRegister, {{"category", "ROAD"}}},
        {Action::kDispatch, {{"department", "DA"}}},
        {Action::kAccept, {}},
        {Action::kHandle, {{"result", "已修复"}, {"reply", "路灯已修好"}}},
        {Action::kVerify, {{"ok", true}}},
        {Action::kClose, {}},
    };
    for (const auto& [a, body] : steps) {
      if (c.status == target) break;
      const bool dept = a == Action::kAccept || a == Action::kHandle;
      ok(c, a, body, dept ? handler("DA") : dispatcher(), t0_);
    }
    EXPECT_EQ(c.status, target);
    return c;
  }

  OrgTree tree_;
  Catalog catalog_;
  RuleContext ctx_;
  std::map<std::int64_t, Status> others_;
  const Timestamp t0_ = at("2024-09-02T10:00:00+08:00");  // a Monday
};

TEST_F(CaseRulesTest, FullLoop) {
  Case c = new_case();
  const Timestamp t1 = t0_ + kMillisPerHour;

  CaseEvent ev = ok(c, Action::kRegister, {{"category", "ROAD"}}, s1_dispatcher(), t1);
  EXPECT_EQ(c.status, Status::kRegistered);
  EXPECT_EQ(c.category, "ROAD");
  EXPECT_EQ(ev.case_id, 1);
  EXPECT_EQ(ev.action, Action::kRegister);
  EXPECT_EQ(ev.from, Status::kSubmitted);
  EXPECT_EQ(ev.to, Status::kRegistered);
  EXPECT_EQ(ev.at, t1);
  EXPECT_EQ(ev.actor, "user:disp-s1");
  EXPECT_EQ(ev.actor_unit, "S1-CC");
  EXPECT_EQ(data_of(ev), (json::object{{"category", "ROAD"}}));
  EXPECT_EQ(c.updated_at, t1);

  const Timestamp t2 = t1 + kMillisPerHour;
  ev = ok(c, Action::kDispatch,
          {{"department", "DA"}, {"co_departments", {"DB"}}, {"note", "尽快"}}, dispatcher(), t2);
  EXPECT_EQ(c.status, Status::kDispatched);
  EXPECT_EQ(c.lead, "DA");
  ASSERT_EQ(c.participants.size(), 2u);
  const Timestamp accept_due = calendar().add_working_minutes(t2, 24 * 60);
  EXPECT_EQ(c.participants[0].unit, "DA");
  EXPECT_EQ(c.participants[0].role, "lead");
  EXPECT_EQ(c.participants[0].due_at, accept_due);
  EXPECT_TRUE(c.participants[0].active);
  EXPECT_EQ(c.participants[1].unit, "DB");
  EXPECT_EQ(c.participants[1].role, "co");
  json::object d = data_of(ev);
  EXPECT_EQ(d.at("department"), json::value("DA"));
  EXPECT_EQ(d.at("co_departments"), json::value(json::array{"DB"}));
  EXPECT_EQ(d.at("note"), json::value("尽快"));
  EXPECT_EQ(d.at("accept_due_at"), json::value(format_rfc3339(accept_due)));
  EXPECT_EQ(ev.actor_unit, "DA");  // the public timeline shows where it went

  const Timestamp t3 = t2 + kMillisPerHour;
  ev = ok(c, Action::kAccept, {{"contacted", true}}, handler("DA"), t3);
  EXPECT_EQ(c.status, Status::kAccepted);
  EXPECT_EQ(c.participants[0].accepted_at, t3);
  EXPECT_EQ(c.participants[1].accepted_at, 0);
  EXPECT_EQ(data_of(ev).at("contacted"), json::value(true));
  EXPECT_EQ(ev.actor_unit, "DA");

  ev = ok(c, Action::kHandle, {{"result", "已更换灯泡"}, {"reply", "您好，路灯已修复"}},
          handler("DA"), t3 + kMillisPerHour);
  EXPECT_EQ(c.status, Status::kHandled);
  EXPECT_EQ(c.result, "已更换灯泡");
  EXPECT_EQ(c.reply, "您好，路灯已修复");
  EXPECT_EQ(data_of(ev).at("reply"), json::value("您好，路灯已修复"));

  ev = ok(c, Action::kVerify, {{"ok", true}, {"note", "现场已亮"}}, grid_worker(),
          t3 + 2 * kMillisPerHour);
  EXPECT_EQ(c.status, Status::kVerified);
  EXPECT_EQ(ev.to, Status::kVerified);
  EXPECT_EQ(c.reworks, 0);
  EXPECT_EQ(data_of(ev), (json::object{{"ok", true}, {"note", "现场已亮"}}));

  const Timestamp t4 = t3 + 3 * kMillisPerHour;
  ev = ok(c, Action::kClose, {}, s1_dispatcher(), t4);
  EXPECT_EQ(c.status, Status::kClosed);
  EXPECT_EQ(c.closed_at, t4);

  const Timestamp t5 = t4 + kMillisPerDay;
  ev = ok(c, Action::kEvaluate,
          {{"resolved", "resolved"}, {"satisfaction", "satisfied"}, {"comment", "谢谢"}},
          resident(), t5);
  EXPECT_EQ(c.status, Status::kClosed);
  EXPECT_EQ(ev.from, Status::kClosed);
  EXPECT_EQ(ev.to, Status::kClosed);
  ASSERT_TRUE(c.evaluation.has_value());
  EXPECT_EQ(c.evaluation->resolved, "resolved");
  EXPECT_EQ(c.evaluation->satisfaction, "satisfied");
  EXPECT_EQ(c.evaluation->comment, "谢谢");
  EXPECT_EQ(c.evaluation->at, t5);
  EXPECT_EQ(c.closed_at, t4);
  EXPECT_FALSE(data_of(ev).contains("reopened"));
  EXPECT_EQ(c.supervisions, 0);
  EXPECT_EQ(c.version, 0);  // the store bumps it, not apply()
}

TEST_F(CaseRulesTest, ActionNotAllowedInStateIsAConflictNamingTheState) {
  Case c = case_in(Status::kRegistered);
  const std::string before = dump(c);
  auto r = act(c, Action::kClose, {}, dispatcher(), t0_);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), ErrorCode::kConflict);
  ASSERT_TRUE(r.error().extra().contains("state"));
  EXPECT_EQ(r.error().extra().at("state"), json::value("registered"));
  EXPECT_EQ(dump(c), before);
  fails(c, Action::kAccept, {}, handler("DA"), ErrorCode::kConflict);
  Case closed = case_in(Status::kClosed);
  fails(closed, Action::kDispatch, {{"department", "DA"}}, dispatcher(), ErrorCode::kConflict);
  fails(c, Action::kSubmit, {}, dispatcher(), ErrorCode::kInvalidArgument, "action");
}

TEST_F(CaseRulesTest, ForbiddenRolesScopesAndDepartments) {
  Case reg = case_in(Status::kRegistered);
  // A resident can never dispatch.
  fails(reg, Action::kDispatch, {{"department", "DA"}}, resident(), ErrorCode::kForbidden);
  fails(reg, Action::kDispatch, {{"department", "DA"}}, handler("DA"), ErrorCode::kForbidden);
  // A street S2 dispatcher on a case in grid G1 (street S1).
  Case sub = new_case();
  fails(sub, Action::kRegister, {}, s2_dispatcher(), ErrorCode::kForbidden);
  fails(reg, Action::kDispatch, {{"department", "DA"}}, s2_dispatcher(), ErrorCode::kForbidden);
  // ... while street S1's centre may.
  ok(sub, Action::kRegister, {}, s1_dispatcher(), t0_);
  // A DB handler on a case led by DA.
  Case disp = case_in(Status::kDispatched);
  fails(disp, Action::kAccept, {}, handler("DB"), ErrorCode::kForbidden);
  fails(disp, Action::kReturn, {{"reason", "不归我们管"}}, handler("DB"), ErrorCode::kForbidden);
  // A grid worker verifies only in their grid.
  Case handled = case_in(Status::kHandled);
  handled.area = handled.grid = "G2";
  fails(handled, Action::kVerify, {{"ok", true}}, grid_worker(), ErrorCode::kForbidden);
  // A case located only to the district (intake's fallback without a grid): the district centre
  // acts on it, a street centre does not.
  Case district_wide = new_case();
  district_wide.area = "D";
  district_wide.grid.clear();
  fails(district_wide, Action::kRegister, {}, s1_dispatcher(), ErrorCode::kForbidden);
  ok(district_wide, Action::kRegister, {}, dispatcher(), t0_);
  // A case without any area: a street centre cannot act on it either.
  Case nowhere = new_case();
  nowhere.area.clear();
  fails(nowhere, Action::kRegister, {}, s1_dispatcher(), ErrorCode::kForbidden);
}

TEST_F(CaseRulesTest, BodyErrorsNameTheField) {
  Case sub = new_case();
  fails(sub, Action::kReject, {}, dispatcher(), ErrorCode::kInvalidArgument, "reason");
  fails(sub, Action::kReject, {{"reason", "  "}}, dispatcher(), ErrorCode::kInvalidArgument,
        "reason");
  fails(sub, Action::kRegister, {{"category", "NOPE"}}, dispatcher(), ErrorCode::kInvalidArgument,
        "category");

  Case reg = case_in(Status::kRegistered);
  for (const char* not_a_department : {"C1", "CC", "G1", "D", "NOPE"})
    fails(reg, Action::kDispatch, {{"department", not_a_department}}, dispatcher(),
          ErrorCode::kInvalidArgument, "department");
  fails(reg, Action::kDispatch, {}, dispatcher(), ErrorCode::kInvalidArgument, "department");
  fails(reg, Action::kDispatch, {{"department", "DA"}, {"co_departments", {"DB", "DA"}}},
        dispatcher(), ErrorCode::kInvalidArgument, "co_departments");
  fails(reg, Action::kDispatch, {{"department", "DA"}, {"co_departments", {"S1"}}}, dispatcher(),
        ErrorCode::kInvalidArgument, "co_departments");
  fails(reg, Action::kSummon, {{"departments", json::array{}}, {"within_minutes", 60}},
        dispatcher(), ErrorCode::kInvalidArgument, "departments");
  fails(reg, Action::kSummon, {{"within_minutes", 60}}, dispatcher(), ErrorCode::kInvalidArgument,
        "departments");
  fails(reg, Action::kSummon, {{"departments", {"DB", "C1"}}, {"within_minutes", 60}}, dispatcher(),
        ErrorCode::kInvalidArgument, "departments");

  Case acc = case_in(Status::kAccepted);
  fails(acc, Action::kHandle, {{"result", "已处理"}}, handler("DA"), ErrorCode::kInvalidArgument,
        "reply");
  fails(acc, Action::kHandle, {{"reply", "已处理"}}, handler("DA"), ErrorCode::kInvalidArgument,
        "result");
  for (int days : {0, 31, -1})
    fails(acc, Action::kExtend, {{"days", days}, {"reason", "需协调"}}, handler("DA"),
          ErrorCode::kInvalidArgument, "days");
  fails(acc, Action::kExtend, {{"days", 3}}, handler("DA"), ErrorCode::kInvalidArgument, "reason");

  Case handled = case_in(Status::kHandled);
  fails(handled, Action::kVerify, {}, dispatcher(), ErrorCode::kInvalidArgument, "ok");
  fails(handled, Action::kVerify, {{"ok", "yes"}}, dispatcher(), ErrorCode::kInvalidArgument, "ok");

  Case closed = case_in(Status::kClosed);
  fails(closed, Action::kEvaluate, {{"resolved", "resolved"}, {"satisfaction", "happy"}},
        resident(), ErrorCode::kInvalidArgument, "satisfaction");
  fails(closed, Action::kEvaluate, {{"resolved", "maybe"}, {"satisfaction", "satisfied"}},
        resident(), ErrorCode::kInvalidArgument, "resolved");
  fails(closed, Action::kEvaluate, {{"resolved", "resolved"}}, resident(),
        ErrorCode::kInvalidArgument, "satisfaction");
}

TEST_F(CaseRulesTest, ReturnClearsTheLeadSoTheCaseCanBeRedispatched) {
  Case c = case_in(Status::kDispatched);
  const Timestamp t = t0_ + kMillisPerHour;
  CaseEvent ev = ok(c, Action::kReturn, {{"reason", "非本部门职责"}}, handler("DA"), t);
  EXPECT_EQ(c.status, Status::kRegistered);
  EXPECT_EQ(c.returns, 1);
  EXPECT_EQ(c.lead, "");
  ASSERT_EQ(c.participants.size(), 1u);
  EXPECT_FALSE(c.participants[0].active);
  EXPECT_EQ(data_of(ev).at("department"), json::value("DA"));
  EXPECT_EQ(data_of(ev).at("reason"), json::value("非本部门职责"));
  EXPECT_EQ(ev.actor_unit, "DA");

  ok(c, Action::kDispatch, {{"department", "DB"}}, dispatcher(), t + kMillisPerHour);
  EXPECT_EQ(c.status, Status::kDispatched);
  EXPECT_EQ(c.lead, "DB");
  fails(c, Action::kAccept, {}, handler("DA"), ErrorCode::kForbidden);
  ok(c, Action::kAccept, {}, handler("DB"), t + 2 * kMillisPerHour);
  EXPECT_EQ(c.status, Status::kAccepted);
  EXPECT_EQ(c.returns, 1);
}

TEST_F(CaseRulesTest, FailedVerificationSendsTheCaseBackForRework) {
  Case c = case_in(Status::kHandled);
  CaseEvent ev = ok(c, Action::kVerify, {{"ok", false}, {"note", "仍不亮"}}, grid_worker(), t0_);
  EXPECT_EQ(c.status, Status::kAccepted);
  EXPECT_EQ(ev.to, Status::kAccepted);
  EXPECT_EQ(c.reworks, 1);
  EXPECT_EQ(data_of(ev).at("ok"), json::value(false));
  ok(c, Action::kHandle, {{"result", "再次维修"}, {"reply", "已修复"}}, handler("DA"), t0_);
  ok(c, Action::kVerify, {{"ok", false}}, dispatcher(), t0_);
  EXPECT_EQ(c.reworks, 2);
}

TEST_F(CaseRulesTest, SecondExtensionRequestIsAConflict) {
  Case c = case_in(Status::kAccepted);
  CaseEvent ev = ok(c, Action::kExtend, {{"days", 3}, {"reason", "需协调"}}, handler("DA"), t0_);
  EXPECT_EQ(c.status, Status::kAccepted);
  EXPECT_EQ(c.extension_days_pending, 3);
  EXPECT_EQ(c.extension_reason, "需协调");
  EXPECT_EQ(data_of(ev).at("days"), json::value(3));
  fails(c, Action::kExtend, {{"days", 2}, {"reason", "再延"}}, handler("DA"), ErrorCode::kConflict);
  // Another department may not ask for the lead.
  Case d = case_in(Status::kDispatched);
  fails(d, Action::kExtend, {{"days", 2}, {"reason", "x"}}, handler("DB"), ErrorCode::kForbidden);
}

TEST_F(CaseRulesTest, ApprovedExtensionMovesTheDeadlineByWorkingDays) {
  Case c = case_in(Status::kAccepted);
  fails(c, Action::kApproveExtension, {}, dispatcher(), ErrorCode::kConflict);  // nothing pending
  const Timestamp old_deadline = at("2024-09-27T17:30:00+08:00");  // Friday before National Day
  c.deadline_at = old_deadline;
  c.overdue = true;
  ok(c, Action::kExtend, {{"days", 3}, {"reason", "节前无法施工"}}, handler("DA"), old_deadline);
  const Timestamp now = at("2024-09-28T10:00:00+08:00");
  CaseEvent ev = ok(c, Action::kApproveExtension, {}, dispatcher(), now);
  const std::int64_t want_day =
      calendar().add_working_days(WorkCalendar::local_day(old_deadline), 3);
  EXPECT_EQ(WorkCalendar::local_day(c.deadline_at), want_day);
  // 09-29 (adjusted workday), 09-30, then 10-08 after the holiday; same time of day.
  EXPECT_EQ(format_rfc3339(c.deadline_at), "2024-10-08T17:30:00+08:00");
  EXPECT_EQ(c.extension_days_pending, 0);
  EXPECT_FALSE(c.overdue);
  EXPECT_EQ(c.status, Status::kAccepted);
  EXPECT_EQ(data_of(ev).at("days"), json::value(3));
  EXPECT_EQ(data_of(ev).at("deadline_at"), json::value("2024-10-08T17:30:00+08:00"));
  // Approved again without a new request: conflict.
  fails(c, Action::kApproveExtension, {}, dispatcher(), ErrorCode::kConflict);
  fails(c, Action::kApproveExtension, {}, handler("DA"), ErrorCode::kForbidden);
}

TEST_F(CaseRulesTest, ApprovedExtensionStillInThePastKeepsTheCaseOverdue) {
  Case c = case_in(Status::kDispatched);
  c.deadline_at = at("2024-09-02T17:30:00+08:00");
  c.overdue = true;
  ok(c, Action::kExtend, {{"days", 1}, {"reason", "需协调"}}, handler("DA"), t0_);
  ok(c, Action::kApproveExtension, {}, dispatcher(), at("2024-09-10T09:00:00+08:00"));
  EXPECT_EQ(format_rfc3339(c.deadline_at), "2024-09-03T17:30:00+08:00");
  EXPECT_TRUE(c.overdue);
}

TEST_F(CaseRulesTest, SummonedDepartmentsReport) {
  Case c = case_in(Status::kDispatched);
  CaseEvent ev = ok(c, Action::kSummon, {{"departments", {"DB", "DC"}}, {"within_minutes", 60}},
                    dispatcher(), t0_);
  EXPECT_EQ(c.status, Status::kDispatched);
  EXPECT_EQ(data_of(ev).at("departments"), json::value(json::array{"DB", "DC"}));
  EXPECT_EQ(data_of(ev).at("due_at"), json::value(format_rfc3339(t0_ + 60 * kMillisPerMinute)));

  // Not summoned: the lead department may not report.
  fails(c, Action::kReport, {}, handler("DA"), ErrorCode::kForbidden);

  ev = ok(c, Action::kReport, {{"note", "已到场"}}, handler("DB"), t0_ + 60 * kMillisPerMinute);
  EXPECT_EQ(data_of(ev).at("department"), json::value("DB"));
  EXPECT_EQ(data_of(ev).at("on_time"), json::value(true));
  EXPECT_EQ(ev.actor_unit, "DB");
  ev = ok(c, Action::kReport, {}, handler("DC"), t0_ + 61 * kMillisPerMinute);
  EXPECT_EQ(data_of(ev).at("department"), json::value("DC"));
  EXPECT_EQ(data_of(ev).at("on_time"), json::value(false));
  EXPECT_EQ(c.status, Status::kDispatched);
  int reported = 0;
  for (const auto& p : c.participants)
    if (p.role == "summoned") {
      EXPECT_NE(p.accepted_at, 0) << p.unit;
      ++reported;
    }
  EXPECT_EQ(reported, 2);
  // Reporting twice: the department was summoned but owes no report any more (409).
  fails(c, Action::kReport, {}, handler("DB"), ErrorCode::kConflict);
}

TEST_F(CaseRulesTest, UnresolvedAndUnsatisfiedEvaluationReopens) {
  Case c = case_in(Status::kClosed);
  const Timestamp now = at("2024-09-09T10:00:00+08:00");
  CaseEvent ev = ok(c, Action::kEvaluate,
                    {{"resolved", "unresolved"}, {"satisfaction", "unsatisfied"}}, resident(), now);
  EXPECT_EQ(c.status, Status::kReopened);
  EXPECT_EQ(ev.to, Status::kReopened);
  EXPECT_EQ(c.supervisions, 1);
  EXPECT_EQ(c.closed_at, 0);
  EXPECT_EQ(c.lead, "");
  EXPECT_EQ(c.deadline_at, handling_deadline(catalog_, calendar(), "ROAD", Urgency::kNormal, now));
  // 09-10..09-13, 09-14 (adjusted workday), Mid-Autumn 09-15..17 off, 09-18, 09-19.
  EXPECT_EQ(format_rfc3339(c.deadline_at), "2024-09-19T17:30:00+08:00");
  for (const auto& p : c.participants) EXPECT_FALSE(p.active) << p.unit;
  EXPECT_EQ(data_of(ev).at("reopened"), json::value(true));
  // Evaluated once only.
  fails(c, Action::kEvaluate, {{"resolved", "resolved"}, {"satisfaction", "satisfied"}}, resident(),
        ErrorCode::kConflict);
  // Back to the dispatcher.
  ok(c, Action::kDispatch, {{"department", "DB"}}, dispatcher(), now);
  EXPECT_EQ(c.lead, "DB");
}

TEST_F(CaseRulesTest, OtherEvaluationsKeepTheCaseClosedAndCannotRepeat) {
  Case c = case_in(Status::kClosed);
  ok(c, Action::kEvaluate, {{"resolved", "unresolved"}, {"satisfaction", "basically_satisfied"}},
     resident(), t0_);
  EXPECT_EQ(c.status, Status::kClosed);
  EXPECT_EQ(c.supervisions, 0);
  fails(c, Action::kEvaluate, {{"resolved", "unresolved"}, {"satisfaction", "unsatisfied"}},
        resident(), ErrorCode::kConflict);
}

TEST_F(CaseRulesTest, OverdueIsForTheSystemOnly) {
  Case c = case_in(Status::kAccepted);
  fails(c, Action::kOverdue, {}, dispatcher(), ErrorCode::kForbidden);
  fails(c, Action::kOverdue, {}, resident(), ErrorCode::kForbidden);
  CaseEvent ev = ok(c, Action::kOverdue, {}, system(), c.deadline_at + kMillisPerMinute);
  EXPECT_TRUE(c.overdue);
  EXPECT_EQ(c.status, Status::kAccepted);
  EXPECT_EQ(ev.actor, "system");
  EXPECT_EQ(data_of(ev).at("deadline_at"), json::value(format_rfc3339(c.deadline_at)));
  Case closed = case_in(Status::kClosed);
  fails(closed, Action::kOverdue, {}, system(), ErrorCode::kConflict);
}

TEST_F(CaseRulesTest, SupervisionNeedsANoteFromPeople) {
  Case c = case_in(Status::kDispatched);
  fails(c, Action::kSupervise, {}, leader(), ErrorCode::kInvalidArgument, "note");
  ok(c, Action::kSupervise, {{"note", "请加快"}}, leader(), t0_);
  ok(c, Action::kSupervise, {}, system(), t0_);
  EXPECT_EQ(c.supervisions, 2);
  fails(c, Action::kSupervise, {{"note", "x"}}, handler("DA"), ErrorCode::kForbidden);
}

TEST_F(CaseRulesTest, MergeTargets) {
  others_ = {{2, Status::kDispatched}, {3, Status::kClosed}, {4, Status::kMerged}};
  Case c = new_case();
  fails(c, Action::kMerge, {{"into", 1}}, dispatcher(), ErrorCode::kInvalidArgument, "into");
  fails(c, Action::kMerge, {{"into", 99}}, dispatcher(), ErrorCode::kInvalidArgument, "into");
  fails(c, Action::kMerge, {}, dispatcher(), ErrorCode::kInvalidArgument, "into");
  fails(c, Action::kMerge, {{"into", 3}}, dispatcher(), ErrorCode::kConflict);
  fails(c, Action::kMerge, {{"into", 4}}, dispatcher(), ErrorCode::kConflict);
  CaseEvent ev = ok(c, Action::kMerge, {{"into", 2}}, dispatcher(), t0_);
  EXPECT_EQ(c.status, Status::kMerged);
  EXPECT_EQ(c.merged_into, 2);
  EXPECT_EQ(c.closed_at, t0_);
  EXPECT_EQ(data_of(ev).at("into"), json::value(2));
}

TEST_F(CaseRulesTest, RejectEndsTheCase) {
  Case c = new_case();
  CaseEvent ev = ok(c, Action::kReject, {{"reason", "不属于受理范围"}}, dispatcher(), t0_);
  EXPECT_EQ(c.status, Status::kRejected);
  EXPECT_EQ(c.closed_at, t0_);
  EXPECT_EQ(data_of(ev).at("reason"), json::value("不属于受理范围"));
}

TEST_F(CaseRulesTest, HandlingDeadlineNormalIsSevenWorkingDays) {
  // Friday 2024-09-27 15:00, before National Day (10-01..10-07 off; 09-29 and 10-12 adjusted
  // workdays): 09-29, 09-30, 10-08, 10-09, 10-10, 10-11, 10-12 → 10-12 17:30.
  const Timestamp friday = at("2024-09-27T15:00:00+08:00");
  const Timestamp d = handling_deadline(catalog_, calendar(), "ROAD", Urgency::kNormal, friday);
  EXPECT_EQ(format_rfc3339(d), "2024-10-12T17:30:00+08:00");
  EXPECT_EQ(d, calendar().deadline_after_working_days(friday, 7));
  // An unknown category takes the default too.
  EXPECT_EQ(handling_deadline(catalog_, calendar(), "", Urgency::kNormal, friday), d);
}

TEST_F(CaseRulesTest, HandlingDeadlineEmergencyIsNaturalMinutes) {
  // 16:00 on the last working day before National Day: the clock, not the calendar, counts.
  const Timestamp t = at("2024-09-30T16:00:00+08:00");
  const Timestamp d = handling_deadline(catalog_, calendar(), "ROAD", Urgency::kEmergency, t);
  EXPECT_EQ(d, t + 120 * kMillisPerMinute);
  EXPECT_EQ(format_rfc3339(d), "2024-09-30T18:00:00+08:00");
}

TEST_F(CaseRulesTest, MayActMatchesApplyForStaffButtons) {
  Case disp = case_in(Status::kDispatched);
  EXPECT_TRUE(may_act(disp, Action::kAccept, handler("DA")));
  EXPECT_FALSE(may_act(disp, Action::kAccept, handler("DB")));
  EXPECT_FALSE(may_act(disp, Action::kAccept, dispatcher()));
  EXPECT_TRUE(may_act(disp, Action::kSummon, s1_dispatcher()));
  EXPECT_FALSE(may_act(disp, Action::kSummon, s2_dispatcher()));
  EXPECT_FALSE(may_act(disp, Action::kApproveExtension, dispatcher()));  // nothing pending
  EXPECT_FALSE(may_act(disp, Action::kOverdue, system()));               // never a button
  EXPECT_FALSE(may_act(disp, Action::kClose, dispatcher()));             // wrong state
}

}  // namespace
}  // namespace civicgrid::cases
