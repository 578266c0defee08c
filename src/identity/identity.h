// The identity module's public interface: organisation units, users and roles, sessions, API keys,
// and data scopes. Other modules use IdentityService and never read its tables.
//
// Tables owned: org_units, users, user_roles, user_units, sessions, api_keys.
// Thread-safe: one IdentityService serves all request threads.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/principal.h"
#include "core/time.h"
#include "identity/login_throttle.h"
#include "identity/org_tree.h"
#include "identity/permissions.h"
#include "store/database.h"
#include "store/migration.h"

namespace civicgrid::identity {

store::MigrationSet migrations();

struct User {
  std::int64_t id = 0;
  std::string username;
  std::string display_name;
  std::string phone;  // personal data: shown unmasked only to admins, and audited
  std::vector<Role> roles;
  std::vector<std::string> units;
  bool active = true;
  Timestamp created_at = 0;
};

struct NewUser {
  std::string username;
  std::string password;
  std::string display_name;
  std::string phone;
  std::vector<Role> roles;
  std::vector<std::string> units;
};

struct UserUpdate {
  std::optional<std::string> display_name;
  std::optional<std::string> phone;
  std::optional<std::string> password;
  std::optional<std::vector<Role>> roles;
  std::optional<std::vector<std::string>> units;
  std::optional<bool> active;
};

struct LoginResult {
  std::string token;  // shown once; only its hash is stored
  Timestamp expires_at = 0;
  User user;
};

struct ApiKey {
  std::int64_t id = 0;
  std::string name;
  std::vector<std::string> scopes;
  Timestamp created_at = 0;
  bool revoked = false;
};

struct NewApiKey {
  ApiKey key;
  std::string secret;  // shown once
};

struct IdentityOptions {
  std::int64_t session_ttl_ms = 12 * kMillisPerHour;
  ThrottleOptions throttle;
};

// Validation rules shared by the API and the CLI.
Result<void> validate_username(std::string_view username);
Result<void> validate_password(std::string_view password);

class IdentityService {
 public:
  IdentityService(store::Database& db, const Clock& clock, IdentityOptions options = {});

  // Loads the organisation tree into memory. Call once after migrations.
  Result<void> load();

  // --- organisation units
  std::shared_ptr<const OrgTree> org_tree() const;
  // kConflict when the code exists; kInvalidArgument naming the field for a bad kind or parent.
  Result<OrgUnit> create_unit(const OrgUnit& unit);
  // Updates name, name_en and geometry (code, kind and parent are stable).
  Result<OrgUnit> update_unit(const OrgUnit& unit);

  // --- users
  Result<User> create_user(const NewUser& u);
  Result<User> update_user(std::int64_t id, const UserUpdate& u);
  Result<User> get_user(std::int64_t id);
  Result<std::optional<User>> find_user(std::string_view username);
  Result<std::vector<User>> list_users(std::optional<std::string> unit, std::optional<Role> role);

  // --- sessions
  // kUnauthenticated for a wrong username or password (the same message for both),
  // kTooManyRequests after repeated failures from the same address or for the same name.
  Result<LoginResult> login(std::string_view username, std::string_view password,
                            std::string_view remote);
  Result<void> logout(const Principal& who);
  // Bearer token or API key → Principal. Anonymous when both are empty; kUnauthenticated when the
  // credential is unknown, expired, revoked or belongs to an inactive user.
  Result<Principal> authenticate(std::string_view bearer_token, std::string_view api_key);

  // --- API keys
  Result<NewApiKey> create_api_key(std::string_view name, std::vector<std::string> scopes);
  Result<std::vector<ApiKey>> list_api_keys();
  Result<void> revoke_api_key(std::int64_t id);

  DataScope scope_of(const Principal& who) const { return identity::scope_of(who, *org_tree()); }

 private:
  Result<void> reload_tree();
  Result<User> read_user(store::Session& s, std::int64_t id);
  Result<void> check_units(const std::vector<std::string>& units) const;

  store::Database& db_;
  const Clock& clock_;
  IdentityOptions options_;
  LoginThrottle throttle_;
  mutable std::mutex tree_mu_;
  std::shared_ptr<const OrgTree> tree_;
};

}  // namespace civicgrid::identity
