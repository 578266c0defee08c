// Staff-capacity indicators from hand-made case timelines with named actors.
#include "analytics/staff.h"

#include <gtest/gtest.h>

#include "analytics/test_fixture.h"

namespace civicgrid::analytics {
namespace {

using namespace analytics::testing;
using cases::Action;
using cases::CaseEvent;

CaseEvent ev(std::int64_t id, Action a, Timestamp when, std::string actor,
             std::string data = "{}") {
  CaseEvent e;
  e.case_id = id;
  e.action = a;
  e.at = when;
  e.actor = std::move(actor);
  e.data = std::move(data);
  return e;
}

const PersonCapacity& person(const CapacityResult& r, const std::string& name) {
  for (const auto& p : r.people)
    if (p.username == name) return p;
  throw std::runtime_error("no person " + name);
}

class StaffTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cube_.set_reference(test_tree(), test_catalog());
    // Case 1, found on patrol by gw1 (Mon 2024-03-04 09:00, deadline Sat 03-09 09:00): dispatched
    // by d1, returned, dispatched again by d1; handled by h1 at 10:00 (on time), failed
    // verification by gw1 at 11:00 (60 working minutes: on time), handled again Mon 03-11 (after
    // the deadline), verified by gw1 on Thu 03-14 (three working days later: late).
    const Timestamp t = at(2024, 3, 4, 9);
    CaseBuilder one(1, t, "S1-C1-G1", "C2");
    one.c.channel = cases::Channel::kPatrol;
    one.lead("D1", t, t + kMillisPerHour, t + kMillisPerHour).closed(at(2024, 3, 15));
    one.c.version = 9;
    const std::vector<CaseEvent> events = {
        ev(1, Action::kSubmit, t, "user:gw1"),
        ev(1, Action::kDispatch, t + 10 * kMillisPerMinute, "user:d1"),
        ev(1, Action::kReturn, t + 20 * kMillisPerMinute, "user:h1"),
        ev(1, Action::kDispatch, t + 30 * kMillisPerMinute, "user:d1"),
        ev(1, Action::kHandle, at(2024, 3, 4, 10), "user:h1"),
        ev(1, Action::kVerify, at(2024, 3, 4, 11), "user:gw1", R"({"ok":false})"),
        ev(1, Action::kHandle, at(2024, 3, 11, 10), "user:h1"),
        ev(1, Action::kVerify, at(2024, 3, 14, 10), "user:gw1", R"({"ok":true})"),
    };
    feed(one, events);
    one_ = one;
    one_events_ = events;
    // Case 2, by hotline in G2: dispatched by d2, handled on time by h2, awaiting verification.
    CaseBuilder two(2, t, "S1-C1-G2", "C2");
    two.lead("D1", t, t + kMillisPerHour, t + kMillisPerHour).status(cases::Status::kHandled);
    two.c.version = 3;
    feed(two, std::vector<CaseEvent>{ev(2, Action::kSubmit, t, "user:cc"),
                                     ev(2, Action::kDispatch, t, "user:d2"),
                                     ev(2, Action::kHandle, t + kMillisPerDay, "user:h2")});
    // Case 3, imported: its actor is nobody's work.
    CaseBuilder three(3, t, "S1-C1-G2", "C2");
    three.lead("D1", t, t + kMillisPerHour);
    feed(three, std::vector<CaseEvent>{ev(3, Action::kDispatch, t, "import")});
  }
  void feed(const CaseBuilder& b, const std::vector<CaseEvent>& events) {
    cube_.update(b.c, events);
    ledger_.update(b.c, events);
  }
  CapacityResult run(Post post, Period p = {}, const identity::DataScope& scope = {true, {}, {}}) {
    return ledger_.capacity(cube_, post, p, scope);
  }
  WorkCalendar cal_ = test_calendar();
  Cube cube_{cal_};
  StaffLedger ledger_{cal_};
  CaseBuilder one_{0, 0, "", ""};
  std::vector<CaseEvent> one_events_;
};

TEST_F(StaffTest, GridWorkerReportsVerificationsAndGridLoad) {
  const CapacityResult r = run(Post::kGridWorker);
  ASSERT_EQ(r.people.size(), 1u);
  const PersonCapacity& gw = person(r, "gw1");
  EXPECT_EQ(gw.patrol_reports, 1);
  EXPECT_EQ(gw.open_reports, 0);  // closed
  EXPECT_EQ(gw.verifications, 2);
  EXPECT_EQ(gw.verifications_on_time, 1);
  ASSERT_EQ(r.grids.size(), 2u);
  EXPECT_EQ(r.grids[0].grid, "S1-C1-G2");  // 2 cases
  EXPECT_EQ(r.grids[0].cases, 2);
  EXPECT_EQ(r.grids[0].patrol_found, 0);
  EXPECT_EQ(r.grids[0].from_elsewhere, 2);
  EXPECT_EQ(r.grids[0].awaiting_verification, 1);
  EXPECT_EQ(r.grids[0].workers, 0);
  EXPECT_EQ(r.grids[1].grid, "S1-C1-G1");
  EXPECT_EQ(r.grids[1].patrol_found, 1);
  EXPECT_EQ(r.grids[1].workers, 1);
}

TEST_F(StaffTest, DispatchAccuracyAndHandling) {
  const CapacityResult d = run(Post::kDispatcher);
  ASSERT_EQ(d.people.size(), 2u);  // d1, d2; the import is nobody
  EXPECT_EQ(person(d, "d1").dispatches, 2);
  EXPECT_EQ(person(d, "d1").dispatches_returned, 1);
  EXPECT_EQ(person(d, "d2").dispatches, 1);
  EXPECT_EQ(person(d, "d2").dispatches_returned, 0);
  EXPECT_TRUE(d.grids.empty());
  const CapacityResult h = run(Post::kHandler);
  ASSERT_EQ(h.people.size(), 2u);
  EXPECT_EQ(person(h, "h1").handled, 2);
  EXPECT_EQ(person(h, "h1").handled_on_time, 1);
  EXPECT_EQ(person(h, "h1").handled_reworked, 1);
  EXPECT_EQ(person(h, "h2").handled, 1);
  EXPECT_EQ(person(h, "h2").handled_on_time, 1);
  EXPECT_EQ(person(h, "h2").handled_reworked, 0);
}

TEST_F(StaffTest, PeriodScopeAndRepeatedNotifications) {
  // Actions from Mon 03-11 on: h1's second handle only.
  const CapacityResult h = run(Post::kHandler, {*parse_day("2024-03-11"), std::nullopt});
  ASSERT_EQ(h.people.size(), 1u);
  EXPECT_EQ(person(h, "h1").handled, 1);
  EXPECT_EQ(person(h, "h1").handled_on_time, 0);
  EXPECT_TRUE(run(Post::kHandler, {}, {false, {"S2"}, {}}).people.empty());
  EXPECT_EQ(run(Post::kHandler, {}, {false, {}, {"D1"}}).people.size(), 2u);
  // The whole history again (as an action's notification carries it) counts nothing twice.
  one_.c.version = 10;
  ledger_.update(one_.c, one_events_);
  EXPECT_EQ(person(run(Post::kHandler), "h1").handled, 2);
  EXPECT_EQ(person(run(Post::kDispatcher), "d1").dispatches, 2);
  // An event already counted changes nothing; a later one is counted.
  CaseBuilder two(2, at(2024, 3, 4, 9), "S1-C1-G2", "C2");
  two.lead("D1", two.c.created_at, two.c.created_at + kMillisPerHour)
      .status(cases::Status::kHandled);
  two.c.version = 3;
  const std::vector<CaseEvent> again = {ev(2, Action::kHandle, at(2024, 3, 5), "user:h2")};
  ledger_.update(two.c, again);
  EXPECT_EQ(person(run(Post::kHandler), "h2").handled, 1);
  two.c.version = 4;
  const std::vector<CaseEvent> verify = {
      ev(2, Action::kVerify, at(2024, 3, 5, 10), "user:gw2", R"({"ok":false})")};
  ledger_.update(two.c, verify);
  EXPECT_EQ(person(run(Post::kHandler), "h2").handled_reworked, 1);
  EXPECT_EQ(person(run(Post::kGridWorker), "gw2").verifications, 1);
}

}  // namespace
}  // namespace civicgrid::analytics
