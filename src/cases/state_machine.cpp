#include "cases/state_machine.h"

namespace civicgrid::cases {

namespace {

using S = Status;
using A = Action;
using R = Relation;
constexpr Role kDispatcher = Role::kDispatcher;
constexpr Role kHandler = Role::kDepartmentHandler;
constexpr Role kGridWorker = Role::kGridWorker;
constexpr Role kLeader = Role::kLeader;

// Open states in which supervision (督办) and the time-limit sweep apply.
constexpr S kOpenStates[] = {S::kSubmitted, S::kRegistered, S::kDispatched, S::kAccepted,
                             S::kHandled,   S::kVerified,   S::kReopened};

std::vector<Transition> build_table() {
  std::vector<Transition> t = {
      {S::kSubmitted, A::kRegister, S::kRegistered, {}, {kDispatcher}, R::kAreaScope},
      {S::kSubmitted, A::kReject, S::kRejected, {}, {kDispatcher}, R::kAreaScope},
      {S::kSubmitted, A::kMerge, S::kMerged, {}, {kDispatcher}, R::kAreaScope},
      {S::kRegistered, A::kMerge, S::kMerged, {}, {kDispatcher}, R::kAreaScope},
      {S::kReopened, A::kMerge, S::kMerged, {}, {kDispatcher}, R::kAreaScope},
      {S::kRegistered, A::kDispatch, S::kDispatched, {}, {kDispatcher}, R::kAreaScope},
      {S::kReopened, A::kDispatch, S::kDispatched, {}, {kDispatcher}, R::kAreaScope},
      {S::kDispatched, A::kAccept, S::kAccepted, {}, {kHandler}, R::kLeadDepartment},
      {S::kDispatched, A::kReturn, S::kRegistered, {}, {kHandler}, R::kLeadDepartment},
      {S::kAccepted, A::kHandle, S::kHandled, {}, {kHandler}, R::kLeadDepartment},
      {S::kHandled, A::kVerify, S::kVerified, S::kAccepted, {kDispatcher, kGridWorker}, R::kAreaScope},
      {S::kVerified, A::kClose, S::kClosed, {}, {kDispatcher}, R::kAreaScope},
      {S::kDispatched, A::kExtend, S::kDispatched, {}, {kHandler}, R::kLeadDepartment},
      {S::kAccepted, A::kExtend, S::kAccepted, {}, {kHandler}, R::kLeadDepartment},
      {S::kDispatched, A::kApproveExtension, S::kDispatched, {}, {kDispatcher}, R::kAreaScope},
      {S::kAccepted, A::kApproveExtension, S::kAccepted, {}, {kDispatcher}, R::kAreaScope},
      {S::kRegistered, A::kSummon, S::kRegistered, {}, {kDispatcher}, R::kAreaScope},
      {S::kDispatched, A::kSummon, S::kDispatched, {}, {kDispatcher}, R::kAreaScope},
      {S::kAccepted, A::kSummon, S::kAccepted, {}, {kDispatcher}, R::kAreaScope},
      {S::kReopened, A::kSummon, S::kReopened, {}, {kDispatcher}, R::kAreaScope},
      {S::kRegistered, A::kReport, S::kRegistered, {}, {kHandler}, R::kSummoned},
      {S::kDispatched, A::kReport, S::kDispatched, {}, {kHandler}, R::kSummoned},
      {S::kAccepted, A::kReport, S::kAccepted, {}, {kHandler}, R::kSummoned},
      {S::kHandled, A::kReport, S::kHandled, {}, {kHandler}, R::kSummoned},
      {S::kReopened, A::kReport, S::kReopened, {}, {kHandler}, R::kSummoned},
      {S::kClosed, A::kEvaluate, S::kClosed, S::kReopened, {}, R::kResident},
  };
  for (S s : kOpenStates) {
    t.push_back({s, A::kSupervise, s, {}, {kDispatcher, kLeader}, R::kAreaScope});
    t.push_back({s, A::kOverdue, s, {}, {}, R::kSystem});
  }
  return t;
}

const std::vector<Transition>& table() {
  static const std::vector<Transition> t = build_table();
  return t;
}

}  // namespace

std::span<const Transition> transitions() { return table(); }

const Transition* find_transition(Status from, Action action) {
  for (const auto& t : table())
    if (t.from == from && t.action == action) return &t;
  return nullptr;
}

std::vector<Action> actions_in(Status s) {
  std::vector<Action> out;
  for (const auto& t : table())
    if (t.from == s && t.relation != Relation::kSystem) out.push_back(t.action);
  return out;
}

}  // namespace civicgrid::cases
