// The pure rules of the case workflow: given a case, an action with its JSON body, who acts and when,
// decide whether it may happen and what changes. No I/O: the service loads the case, calls apply(),
// and stores the case and the event in one transaction. The history import uses the same function, so
// imported histories obey the same rules as live work.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <string>

#include "cases/case.h"
#include "cases/catalog.h"
#include "core/error.h"
#include "core/principal.h"
#include "core/work_calendar.h"
#include "identity/org_tree.h"
#include "identity/permissions.h"

namespace civicgrid::cases {

struct Actor {
  Principal principal;
  identity::DataScope scope;
  bool system = false;  // the platform itself (time limits) or the history import: no role checks
  std::string unit;     // the unit shown on the public timeline for this actor (optional)
};

struct RuleContext {
  const identity::OrgTree& tree;
  const WorkCalendar& calendar;
  const Catalog& catalog;
  // Status of another case (merge target); kNotFound when it does not exist.
  std::function<Result<Status>(std::int64_t)> case_status;
};

// Applies `action` to `c` at time `now`. On success `c` is updated (status, fields, version is NOT
// changed: the store does that) and the event to record is returned. Errors:
//   kForbidden        the actor's role may never take this action, or the case is outside their scope,
//                     or they are not the department concerned
//   kConflict         the action is not allowed in the current state (extra "state"), or a guard fails
//                     (e.g. an extension already pending)
//   kInvalidArgument  the body is wrong (field named)
Result<CaseEvent> apply(Case& c, Action action, const boost::json::object& body, const Actor& actor,
                        Timestamp now, const RuleContext& ctx);

// The handling deadline of a case with this category and urgency, received at `at`.
Timestamp handling_deadline(const Catalog& catalog, const WorkCalendar& calendar,
                            const std::string& category, Urgency urgency, Timestamp at);

// Whether the actor may take this action on this case now (for showing the staff only their buttons):
// the same checks as apply() minus the body.
bool may_act(const Case& c, Action action, const Actor& actor);

}  // namespace civicgrid::cases
