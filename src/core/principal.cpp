#include "core/principal.h"

namespace civicgrid {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kDispatcher: return "dispatcher";
    case Role::kDepartmentHandler: return "department_handler";
    case Role::kGridWorker: return "grid_worker";
    case Role::kLeader: return "leader";
    case Role::kResident: return "resident";
  }
  return "resident";
}

std::optional<Role> parse_role(std::string_view name) {
  for (Role r : kAllRoles)
    if (role_name(r) == name) return r;
  return std::nullopt;
}

std::string Principal::actor() const {
  switch (kind) {
    case Kind::kUser: return "user:" + name;
    case Kind::kApiKey: return "apikey:" + name;
    case Kind::kAnonymous: break;
  }
  return "anonymous";
}

}  // namespace civicgrid
