// JSON views of cases: the staff view (full, contact masked unless the role needs it) and the public
// view (no personal data, no staff names).
#pragma once

#include <boost/json.hpp>

#include "cases/case.h"
#include "cases/catalog.h"
#include "identity/org_tree.h"

namespace civicgrid::cases {

boost::json::object staff_case_json(const Case& c, const Catalog& catalog, const identity::OrgTree& tree,
                                    bool show_contact);
boost::json::object staff_event_json(const CaseEvent& e, const identity::OrgTree& tree);
boost::json::object public_case_json(const Case& c, const std::vector<CaseEvent>& events,
                                     const Catalog& catalog, const identity::OrgTree& tree,
                                     Timestamp now);
// Whether a case counts as overdue now: flagged, or open and past its deadline.
bool overdue_now(const Case& c, Timestamp now);

}  // namespace civicgrid::cases
