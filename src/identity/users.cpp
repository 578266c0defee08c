// IdentityService: users and their roles and units.
#include "core/crypto.h"
#include "core/json_fields.h"
#include "identity/identity.h"
#include "identity/queries.h"

namespace civicgrid::identity {

Result<void> validate_username(std::string_view username) {
  if (username.size() < 2 || username.size() > 64)
    return fail(Error::invalid("username", "用户名应为 2–64 个字符", "username must be 2–64 characters"));
  for (char c : username)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
      return fail(Error::invalid("username", "用户名只能包含字母、数字和 _ - .",
                                 "username may only contain letters, digits and _ - ."));
  return {};
}

Result<void> validate_password(std::string_view password) {
  const size_t n = json_fields::utf8_length(password);
  if (n < 10)
    return fail(Error::invalid("password", "密码至少 10 个字符", "password must have at least 10 characters"));
  if (password.size() > 1024)
    return fail(Error::invalid("password", "密码过长", "password is too long"));
  return {};
}

namespace {

Result<void> validate_phone(const std::string& phone) {
  if (phone.empty()) return {};
  if (phone.size() > 20)
    return fail(Error::invalid("phone", "电话号码格式不正确", "phone number is malformed"));
  for (char c : phone)
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != '-' && c != '+' && c != ' ')
      return fail(Error::invalid("phone", "电话号码格式不正确", "phone number is malformed"));
  return {};
}

Result<void> write_roles_units(store::Session& s, std::int64_t id, const std::vector<Role>* roles,
                               const std::vector<std::string>* units) {
  if (roles) {
    if (auto r = s.execute(queries::kDeleteRoles, {id}); !r) return fail(r.error());
    for (Role role : *roles)
      if (auto r = s.execute(queries::kInsertRole, {id, std::string(role_name(role))}); !r)
        return fail(r.error());
  }
  if (units) {
    if (auto r = s.execute(queries::kDeleteUserUnits, {id}); !r) return fail(r.error());
    for (const auto& u : *units)
      if (auto r = s.execute(queries::kInsertUserUnit, {id, u}); !r) return fail(r.error());
  }
  return {};
}

template <typename T>
std::vector<T> unique(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

}  // namespace

Result<User> IdentityService::read_user(store::Session& s, std::int64_t id) {
  auto row = s.query(queries::kUserById, {id});
  if (!row) return fail(row.error());
  if (row->rows.empty()) return fail(Error::not_found("用户不存在", "no such user"));
  const auto& r = row->rows[0];
  User u{r.i64(0), r.str(1), r.str(2), r.str(3), {}, {}, r.i64(4) != 0, r.i64(5)};
  auto roles = s.query(queries::kUserRoles, {id});
  if (!roles) return fail(roles.error());
  for (const auto& rr : roles->rows)
    if (auto role = parse_role(rr.str(0))) u.roles.push_back(*role);
  auto units = s.query(queries::kUserUnits, {id});
  if (!units) return fail(units.error());
  for (const auto& ur : units->rows) u.units.push_back(ur.str(0));
  return u;
}

Result<User> IdentityService::create_user(const NewUser& in) {
  if (auto ok = validate_username(in.username); !ok) return fail(ok.error());
  if (auto ok = validate_password(in.password); !ok) return fail(ok.error());
  if (auto ok = validate_phone(in.phone); !ok) return fail(ok.error());
  if (in.roles.empty())
    return fail(Error::invalid("roles", "至少需要一个角色", "at least one role is required"));
  if (auto ok = check_units(in.units); !ok) return fail(ok.error());
  const auto roles = unique(in.roles);
  const auto units = unique(in.units);
  // Hash outside the write transaction: argon2id takes tens of milliseconds.
  const std::string hash = crypto::hash_password(in.password);
  auto id = db_.write([&](store::Session& s) -> Result<std::int64_t> {
    auto ins = s.query(queries::kInsertUser, {in.username, json_fields::trim(in.display_name), in.phone,
                                              hash, clock_.now()});
    if (!ins) return fail(ins.error());
    const std::int64_t id = ins->rows.at(0).i64(0);
    if (auto ok = write_roles_units(s, id, &roles, &units); !ok) return fail(ok.error());
    return id;
  });
  if (!id) {
    if (id.error().code() == ErrorCode::kConflict)
      return fail(Error::conflict("用户名已存在：" + in.username,
                                  "username already exists: " + in.username, "username"));
    return fail(id.error());
  }
  return get_user(*id);
}

Result<User> IdentityService::update_user(std::int64_t id, const UserUpdate& in) {
  if (in.password)
    if (auto ok = validate_password(*in.password); !ok) return fail(ok.error());
  if (in.phone)
    if (auto ok = validate_phone(*in.phone); !ok) return fail(ok.error());
  if (in.units)
    if (auto ok = check_units(*in.units); !ok) return fail(ok.error());
  if (in.roles && in.roles->empty())
    return fail(Error::invalid("roles", "至少需要一个角色", "at least one role is required"));
  std::optional<std::vector<Role>> roles;
  if (in.roles) roles = unique(*in.roles);
  std::optional<std::vector<std::string>> units;
  if (in.units) units = unique(*in.units);
  std::optional<std::string> hash;
  if (in.password) hash = crypto::hash_password(*in.password);
  auto opt = [](const std::optional<std::string>& v) -> store::Value {
    return v ? store::Value(*v) : store::Value(nullptr);
  };
  auto r = db_.write([&](store::Session& s) -> Result<void> {
    auto exists = read_user(s, id);
    if (!exists) return fail(exists.error());
    auto upd = s.execute(queries::kUpdateUserProfile,
                         {id, opt(in.display_name), opt(in.phone), opt(hash),
                          in.active ? store::Value(std::int64_t{*in.active}) : store::Value(nullptr),
                          clock_.now()});
    if (!upd) return fail(upd.error());
    if (auto ok = write_roles_units(s, id, roles ? &*roles : nullptr, units ? &*units : nullptr); !ok)
      return fail(ok.error());
    // A deactivated user or a changed password ends every open session.
    if ((in.active && !*in.active) || in.password)
      if (auto rv = s.execute(queries::kRevokeUserSessions, {id, clock_.now()}); !rv)
        return fail(rv.error());
    return {};
  });
  if (!r) return fail(r.error());
  return get_user(id);
}

Result<User> IdentityService::get_user(std::int64_t id) {
  return db_.read([&](store::Session& s) { return read_user(s, id); });
}

Result<std::optional<User>> IdentityService::find_user(std::string_view username) {
  return db_.read([&](store::Session& s) -> Result<std::optional<User>> {
    auto row = s.query(queries::kUserByName, {std::string(username)});
    if (!row) return fail(row.error());
    if (row->rows.empty()) return std::optional<User>();
    auto u = read_user(s, row->rows[0].i64(0));
    if (!u) return fail(u.error());
    return std::optional<User>(std::move(*u));
  });
}

Result<std::vector<User>> IdentityService::list_users(std::optional<std::string> unit,
                                                       std::optional<Role> role) {
  return db_.read([&](store::Session& s) -> Result<std::vector<User>> {
    auto ids = s.query(queries::kListUserIds,
                       {unit.value_or(""), role ? std::string(role_name(*role)) : std::string()});
    if (!ids) return fail(ids.error());
    std::vector<User> out;
    for (const auto& r : ids->rows) {
      auto u = read_user(s, r.i64(0));
      if (!u) return fail(u.error());
      out.push_back(std::move(*u));
    }
    return out;
  });
}

}  // namespace civicgrid::identity
