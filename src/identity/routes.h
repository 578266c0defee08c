// HTTP routes of the identity module: /api/v1/auth/*, /api/v1/me, /api/v1/org/units*,
// /api/v1/admin/users*, /api/v1/admin/api-keys*. Thin: JSON ⇄ IdentityService, nothing else.
#pragma once

#include "http/router.h"
#include "identity/identity.h"

namespace civicgrid::identity {

void register_routes(http::Router& router, IdentityService& service);

// JSON views shared with other modules' responses.
boost::json::object unit_json(const OrgUnit& u, bool with_geometry);
boost::json::object user_json(const User& u, bool show_phone);

}  // namespace civicgrid::identity
