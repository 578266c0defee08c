// The case state machine as a table: (state, action) → next state, the roles that may act, and how the
// actor must relate to the case. Everything about "may this happen now" that does not depend on the
// action's body lives here; the table test checks every cell.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "cases/case.h"
#include "core/principal.h"

namespace civicgrid::cases {

// How the actor must relate to the case, beyond having the role.
enum class Relation {
  kAreaScope,       // the case's area lies in the actor's data scope (dispatchers, leaders, grid workers)
  kLeadDepartment,  // the actor belongs to the lead department of the current dispatch
  kSummoned,        // the actor belongs to a department summoned and not yet reported
  kResident,        // whoever holds the tracking code (evaluation)
  kSystem,          // the platform itself (time limits, import)
};

struct Transition {
  Status from;
  Action action;
  Status to;                   // the usual outcome; "stays" when equal to `from`
  std::optional<Status> alt;   // the other outcome decided by the body (failed verification, ...)
  std::vector<Role> roles;     // empty: no role needed (resident, system)
  Relation relation;
};

// The whole table.
std::span<const Transition> transitions();

// The row for (from, action), or nullptr when the action is not allowed in that state.
const Transition* find_transition(Status from, Action action);

// Actions that someone could take in this state (for the staff screen's buttons).
std::vector<Action> actions_in(Status s);

}  // namespace civicgrid::cases
