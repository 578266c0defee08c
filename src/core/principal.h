// Who is making a request: an anonymous visitor, a logged-in user, or a machine client with an API key.
// Made by the identity module's authentication and read by every module's permission checks.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace civicgrid {

enum class Role {
  kAdmin,              // organisations, people, roles, categories, rules
  kDispatcher,         // command centre: register, dispatch, supervise, close
  kDepartmentHandler,  // a department: accept or return, handle
  kGridWorker,         // patrol reports, verification in their grid
  kLeader,             // cockpit, statistics, supervision
  kResident,           // own appeals, proposals
};

inline constexpr Role kAllRoles[] = {Role::kAdmin,      Role::kDispatcher, Role::kDepartmentHandler,
                                     Role::kGridWorker, Role::kLeader,     Role::kResident};

std::string_view role_name(Role role);  // "admin", "dispatcher", ...
std::optional<Role> parse_role(std::string_view name);

struct Principal {
  enum class Kind { kAnonymous, kUser, kApiKey };

  Kind kind = Kind::kAnonymous;
  std::int64_t id = 0;     // user id or API key id
  std::string name;        // username or API key name
  std::string display_name;
  std::vector<Role> roles;           // users only
  std::vector<std::string> units;    // org unit codes the user belongs to
  std::vector<std::string> scopes;   // API keys only, e.g. "open311"
  std::string session_hash;          // for logout; empty for API keys

  bool authenticated() const { return kind != Kind::kAnonymous; }
  bool has_role(Role r) const {
    for (Role x : roles)
      if (x == r) return true;
    return false;
  }
  bool has_scope(std::string_view s) const {
    for (const auto& x : scopes)
      if (x == s) return true;
    return false;
  }
  // "user:alice", "apikey:fixmystreet", "anonymous": the actor written to the audit log.
  std::string actor() const;
};

}  // namespace civicgrid
