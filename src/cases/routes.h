// HTTP routes of the case workflow: intake and public tracking (/api/v1/appeals...), the staff
// workflow (/api/v1/cases...), categories, and the admin configuration of rules and limits.
// Thin: JSON ⇄ CaseService.
#pragma once

#include "cases/cases.h"
#include "http/router.h"

namespace civicgrid::cases {

void register_routes(http::Router& router, CaseService& service);
// GET /api/v1/cases/hot-issues (hot_issues_route.cpp); called by register_routes.
void register_hot_issue_routes(http::Router& router, CaseService& service);
// POST /api/v1/appeals/suggest (suggest_route.cpp), public; called by register_routes.
void register_suggest_route(http::Router& router, CaseService& service);

}  // namespace civicgrid::cases
