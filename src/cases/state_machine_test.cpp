#include "cases/state_machine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>

namespace civicgrid {
// Readable failure messages (internal linkage: other test files may print these types too).
static void PrintTo(Role r, std::ostream* os) {
  *os << role_name(r);
}
namespace cases {
static void PrintTo(Status s, std::ostream* os) {
  *os << name(s);
}
static void PrintTo(Action a, std::ostream* os) {
  *os << name(a);
}
static void PrintTo(Relation r, std::ostream* os) {
  constexpr const char* kNames[] = {"area_scope", "lead_department", "summoned", "resident",
                                    "system"};
  *os << kNames[static_cast<int>(r)];
}
namespace {

using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// The expected workflow, written from the rules (not read from the code's table). Rows follow
// kStates, columns kActions; a cell is the usual next state, or "—" when the action is not allowed.
constexpr Status kStates[10] = {Status::kSubmitted,  Status::kRejected,   Status::kMerged,
                                Status::kRegistered, Status::kDispatched, Status::kAccepted,
                                Status::kHandled,    Status::kVerified,   Status::kClosed,
                                Status::kReopened};
constexpr Action kActions[17] = {Action::kSubmit,    Action::kRegister, Action::kReject,
                                 Action::kMerge,     Action::kDispatch, Action::kAccept,
                                 Action::kReturn,    Action::kHandle,   Action::kVerify,
                                 Action::kClose,     Action::kExtend,   Action::kApproveExtension,
                                 Action::kSupervise, Action::kSummon,   Action::kReport,
                                 Action::kEvaluate,  Action::kOverdue};

// clang-format off
constexpr std::string_view kTable[10][17] = {
//            submit reg    reject merge  disp   accept return handle verify close  extend apprv  superv summon report eval   overdue
/* sub */    {"—",   "reg", "rej", "mrg", "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "sub", "—",   "—",   "—",   "sub"},
/* rej */    {"—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—"  },
/* mrg */    {"—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—"  },
/* reg */    {"—",   "—",   "—",   "mrg", "dsp", "—",   "—",   "—",   "—",   "—",   "—",   "—",   "reg", "reg", "reg", "—",   "reg"},
/* dsp */    {"—",   "—",   "—",   "—",   "—",   "acc", "reg", "—",   "—",   "—",   "dsp", "dsp", "dsp", "dsp", "dsp", "—",   "dsp"},
/* acc */    {"—",   "—",   "—",   "—",   "—",   "—",   "—",   "hdl", "—",   "—",   "acc", "acc", "acc", "acc", "acc", "—",   "acc"},
/* hdl */    {"—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "ver", "—",   "—",   "—",   "hdl", "—",   "hdl", "—",   "hdl"},
/* ver */    {"—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "clo", "—",   "—",   "ver", "—",   "—",   "—",   "ver"},
/* clo */    {"—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "—",   "clo", "—"  },
/* reo */    {"—",   "—",   "—",   "mrg", "dsp", "—",   "—",   "—",   "—",   "—",   "—",   "—",   "reo", "reo", "reo", "—",   "reo"},
};
// clang-format on

std::optional<Status> cell_status(std::string_view cell) {
  static const std::map<std::string_view, Status> k = {
      {"sub", Status::kSubmitted},  {"rej", Status::kRejected},   {"mrg", Status::kMerged},
      {"reg", Status::kRegistered}, {"dsp", Status::kDispatched}, {"acc", Status::kAccepted},
      {"hdl", Status::kHandled},    {"ver", Status::kVerified},   {"clo", Status::kClosed},
      {"reo", Status::kReopened}};
  if (cell == "—") return std::nullopt;
  auto it = k.find(cell);
  if (it == k.end()) ADD_FAILURE() << "bad cell in the expected table: " << cell;
  return it == k.end() ? std::nullopt : std::optional<Status>(it->second);
}

// The other outcome, decided by the action's body.
std::optional<Status> expected_alt(Status from, Action a) {
  if (from == Status::kHandled && a == Action::kVerify) return Status::kAccepted;   // failed check
  if (from == Status::kClosed && a == Action::kEvaluate) return Status::kReopened;  // unsatisfied
  return std::nullopt;
}

struct Who {
  std::set<Role> roles;
  Relation relation;
};

// Who may take each action, from the rules.
Who expected_who(Action a) {
  const std::set<Role> dispatcher{Role::kDispatcher};
  const std::set<Role> handler{Role::kDepartmentHandler};
  switch (a) {
    case Action::kRegister:
    case Action::kReject:
    case Action::kMerge:
    case Action::kDispatch:
    case Action::kClose:
    case Action::kApproveExtension:
    case Action::kSummon:
      return {dispatcher, Relation::kAreaScope};
    case Action::kAccept:
    case Action::kReturn:
    case Action::kHandle:
    case Action::kExtend:
      return {handler, Relation::kLeadDepartment};
    case Action::kReport:
      return {handler, Relation::kSummoned};
    case Action::kVerify:
      return {{Role::kDispatcher, Role::kGridWorker}, Relation::kAreaScope};
    case Action::kSupervise:
      return {{Role::kDispatcher, Role::kLeader}, Relation::kAreaScope};
    case Action::kEvaluate:
      return {{}, Relation::kResident};
    case Action::kOverdue:
      return {{}, Relation::kSystem};
    case Action::kSubmit:
      break;
  }
  ADD_FAILURE() << "no rule for " << name(a);
  return {{}, Relation::kSystem};
}

std::string cell_label(Status s, Action a) {
  return std::string(name(s)) + " × " + std::string(name(a));
}

TEST(StateMachine, TableCoversEveryStateAndAction) {
  // The expected table above must list the enums in the same order as the header's lists.
  ASSERT_EQ(std::size(kAllStatuses), std::size(kStates));
  ASSERT_EQ(std::size(kAllActions), std::size(kActions));
  EXPECT_EQ(std::set<Status>(std::begin(kAllStatuses), std::end(kAllStatuses)),
            std::set<Status>(std::begin(kStates), std::end(kStates)));
  EXPECT_EQ(std::set<Action>(std::begin(kAllActions), std::end(kAllActions)),
            std::set<Action>(std::begin(kActions), std::end(kActions)));
}

TEST(StateMachine, EveryCellMatchesTheWorkflowRules) {
  int allowed = 0;
  for (size_t i = 0; i < std::size(kStates); ++i) {
    for (size_t j = 0; j < std::size(kActions); ++j) {
      const Status s = kStates[i];
      const Action a = kActions[j];
      SCOPED_TRACE(cell_label(s, a));
      const std::optional<Status> want = cell_status(kTable[i][j]);
      const Transition* t = find_transition(s, a);
      if (!want) {
        EXPECT_EQ(t, nullptr) << "allowed, but the rules forbid it (code says → "
                              << (t ? name(t->to) : "") << ")";
        continue;
      }
      ++allowed;
      ASSERT_NE(t, nullptr) << "not allowed, but the rules say → " << name(*want);
      EXPECT_EQ(t->from, s);
      EXPECT_EQ(t->action, a);
      EXPECT_EQ(t->to, *want) << "code: " << name(t->to) << ", rules: " << name(*want);
      EXPECT_EQ(t->alt, expected_alt(s, a));
      const Who who = expected_who(a);
      EXPECT_EQ(std::set<Role>(t->roles.begin(), t->roles.end()), who.roles);
      EXPECT_EQ(t->roles.size(), who.roles.size()) << "a role is listed twice";
      EXPECT_EQ(t->relation, who.relation);
    }
  }
  // Rows: submitted 5, registered 6, dispatched 8, accepted 7, handled 4, verified 3, closed 1,
  // reopened 6.
  EXPECT_EQ(allowed, 40);
  // The whole table holds exactly these cells, each once (no shadowed duplicate rows).
  EXPECT_EQ(transitions().size(), static_cast<size_t>(allowed));
  std::set<std::pair<Status, Action>> rows;
  for (const auto& t : transitions())
    EXPECT_TRUE(rows.insert({t.from, t.action}).second)
        << "duplicate row " << cell_label(t.from, t.action);
}

TEST(StateMachine, TerminalStatesAllowNothingAndClosedOnlyEvaluation) {
  for (Action a : kActions) {
    EXPECT_EQ(find_transition(Status::kRejected, a), nullptr) << name(a);
    EXPECT_EQ(find_transition(Status::kMerged, a), nullptr) << name(a);
    if (a != Action::kEvaluate) {
      EXPECT_EQ(find_transition(Status::kClosed, a), nullptr) << name(a);
    }
  }
  ASSERT_NE(find_transition(Status::kClosed, Action::kEvaluate), nullptr);
  EXPECT_EQ(find_transition(Status::kClosed, Action::kEvaluate)->to, Status::kClosed);
}

TEST(StateMachine, SubmitIsNeverAWorkflowAction) {
  for (Status s : kStates) EXPECT_EQ(find_transition(s, Action::kSubmit), nullptr) << name(s);
}

TEST(StateMachine, OpenStatesTakeSupervisionAndTheTimeLimitSweep) {
  for (Status s : kStates) {
    const bool open = s != Status::kClosed && s != Status::kRejected && s != Status::kMerged;
    EXPECT_EQ(is_open(s), open) << name(s);
    const Transition* sup = find_transition(s, Action::kSupervise);
    const Transition* ovd = find_transition(s, Action::kOverdue);
    EXPECT_EQ(sup != nullptr, open) << name(s);
    EXPECT_EQ(ovd != nullptr, open) << name(s);
    if (sup) {
      EXPECT_EQ(sup->to, s);
    }
    if (ovd) {
      EXPECT_EQ(ovd->to, s);
    }
  }
}

TEST(StateMachine, ActionsInMatchesTheTableWithoutSystemActions) {
  for (size_t i = 0; i < std::size(kStates); ++i) {
    std::set<Action> want;
    for (size_t j = 0; j < std::size(kActions); ++j)
      if (cell_status(kTable[i][j]) && kActions[j] != Action::kOverdue) want.insert(kActions[j]);
    const std::vector<Action> got = actions_in(kStates[i]);
    EXPECT_EQ(std::set<Action>(got.begin(), got.end()), want) << name(kStates[i]);
    EXPECT_EQ(got.size(), want.size()) << name(kStates[i]) << ": an action listed twice";
  }
}

TEST(StateMachine, ActionsInSpotChecks) {
  EXPECT_THAT(
      actions_in(Status::kSubmitted),
      UnorderedElementsAre(Action::kRegister, Action::kReject, Action::kMerge, Action::kSupervise));
  EXPECT_THAT(actions_in(Status::kDispatched),
              UnorderedElementsAre(Action::kAccept, Action::kReturn, Action::kExtend,
                                   Action::kApproveExtension, Action::kSupervise, Action::kSummon,
                                   Action::kReport));
  EXPECT_THAT(actions_in(Status::kHandled),
              UnorderedElementsAre(Action::kVerify, Action::kSupervise, Action::kReport));
  EXPECT_THAT(actions_in(Status::kReopened),
              UnorderedElementsAre(Action::kMerge, Action::kDispatch, Action::kSupervise,
                                   Action::kSummon, Action::kReport));
  EXPECT_THAT(actions_in(Status::kClosed), UnorderedElementsAre(Action::kEvaluate));
  EXPECT_THAT(actions_in(Status::kRejected), IsEmpty());
  EXPECT_THAT(actions_in(Status::kMerged), IsEmpty());
}

TEST(StateMachine, NamesRoundTrip) {
  for (Status s : kAllStatuses) {
    EXPECT_FALSE(name(s).empty());
    EXPECT_EQ(parse_status(name(s)), s);
  }
  for (Action a : kAllActions) {
    EXPECT_FALSE(name(a).empty());
    EXPECT_EQ(parse_action(name(a)), a);
  }
  EXPECT_EQ(name(Action::kApproveExtension), "approve_extension");
  EXPECT_EQ(parse_action("nope"), std::nullopt);
}

}  // namespace
}  // namespace cases
}  // namespace civicgrid
