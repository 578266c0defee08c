// HTTP routes of the audit module: GET /api/v1/admin/audit (newest first, filters, cursor) and
// GET /api/v1/admin/audit/verify. Administrators only.
#pragma once

#include "audit/audit.h"
#include "http/router.h"

namespace civicgrid::audit {

void register_routes(http::Router& router, AuditLog& log);

}  // namespace civicgrid::audit
