// Named SQL for the identity module's tables. Nothing outside src/identity touches them.
#pragma once

namespace civicgrid::identity::queries {

inline constexpr const char* kAllUnits =
    "SELECT code, name, name_en, kind, COALESCE(parent_code, ''), COALESCE(geometry, '') "
    "FROM org_units ORDER BY code";
inline constexpr const char* kInsertUnit =
    "INSERT INTO org_units (code, name, name_en, kind, parent_code, geometry, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, NULLIF($5, ''), NULLIF($6, ''), $7, $7)";
inline constexpr const char* kUpdateUnit =
    "UPDATE org_units SET name = $2, name_en = $3, geometry = NULLIF($4, ''), updated_at = $5 "
    "WHERE code = $1";

inline constexpr const char* kInsertUser =
    "INSERT INTO users (username, display_name, phone, password_hash, active, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id";
inline constexpr const char* kUserById =
    "SELECT id, username, display_name, phone, active, created_at FROM users WHERE id = $1";
inline constexpr const char* kUserByName =
    "SELECT id, password_hash, active FROM users WHERE username = $1";
inline constexpr const char* kUserRoles = "SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role";
inline constexpr const char* kUserUnits =
    "SELECT unit_code FROM user_units WHERE user_id = $1 ORDER BY unit_code";
inline constexpr const char* kListUserIds =
    "SELECT DISTINCT u.id FROM users u "
    "LEFT JOIN user_units uu ON uu.user_id = u.id LEFT JOIN user_roles ur ON ur.user_id = u.id "
    "WHERE ($1 = '' OR uu.unit_code = $1) AND ($2 = '' OR ur.role = $2) ORDER BY u.id LIMIT 1000";
inline constexpr const char* kInsertRole = "INSERT INTO user_roles (user_id, role) VALUES ($1, $2)";
inline constexpr const char* kDeleteRoles = "DELETE FROM user_roles WHERE user_id = $1";
inline constexpr const char* kInsertUserUnit =
    "INSERT INTO user_units (user_id, unit_code) VALUES ($1, $2)";
inline constexpr const char* kDeleteUserUnits = "DELETE FROM user_units WHERE user_id = $1";
inline constexpr const char* kUpdateUserProfile =
    "UPDATE users SET display_name = COALESCE($2, display_name), phone = COALESCE($3, phone), "
    "password_hash = COALESCE($4, password_hash), active = COALESCE($5, active), updated_at = $6 "
    "WHERE id = $1";

inline constexpr const char* kInsertSession =
    "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)";
inline constexpr const char* kSessionUser =
    "SELECT s.user_id, s.expires_at, s.revoked_at, u.active FROM sessions s "
    "JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1";
inline constexpr const char* kRevokeSession =
    "UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL";
inline constexpr const char* kRevokeUserSessions =
    "UPDATE sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL";

inline constexpr const char* kInsertApiKey =
    "INSERT INTO api_keys (name, key_hash, scopes, created_at) VALUES ($1, $2, $3, $4) RETURNING id";
inline constexpr const char* kApiKeyByHash =
    "SELECT id, name, scopes, revoked_at FROM api_keys WHERE key_hash = $1";
inline constexpr const char* kListApiKeys =
    "SELECT id, name, scopes, created_at, revoked_at FROM api_keys ORDER BY id";
inline constexpr const char* kRevokeApiKey =
    "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";

// The login throttle's shared windows (login_throttle.cpp). A window that has passed ($3 is
// now - window) starts again at $2 with one failure.
inline constexpr const char* kLoginFailures =
    "SELECT throttle_key, window_start, failures FROM login_failures "
    "WHERE throttle_key IN ($1, $2)";
inline constexpr const char* kRecordLoginFailure =
    "INSERT INTO login_failures (throttle_key, window_start, failures) VALUES ($1, $2, 1) "
    "ON CONFLICT (throttle_key) DO UPDATE SET "
    "failures = CASE WHEN login_failures.window_start <= $3 THEN 1 "
    "ELSE login_failures.failures + 1 END, "
    "window_start = CASE WHEN login_failures.window_start <= $3 THEN $2 "
    "ELSE login_failures.window_start END "
    "RETURNING window_start, failures";
inline constexpr const char* kClearLoginFailures =
    "DELETE FROM login_failures WHERE throttle_key = $1";
inline constexpr const char* kPruneLoginFailures =
    "DELETE FROM login_failures WHERE window_start <= $1";

}  // namespace civicgrid::identity::queries
