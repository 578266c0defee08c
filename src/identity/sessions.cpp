// IdentityService: login, logout, authentication of tokens and API keys, API key management.
#include "core/crypto.h"
#include "identity/identity.h"
#include "identity/queries.h"

namespace civicgrid::identity {

namespace {

constexpr std::string_view kApiKeyPrefix = "cgk_";

// Verifying against this when the username is unknown keeps the answer time the same, so response
// times do not reveal which usernames exist.
const std::string& dummy_hash() {
  static const std::string h = crypto::hash_password("civicgrid-no-such-user");
  return h;
}

std::vector<std::string> split_scopes(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = s.find(',', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

Error bad_credentials() {
  return Error::unauthenticated("用户名或密码错误", "wrong username or password");
}

}  // namespace

Result<LoginResult> IdentityService::login(std::string_view username, std::string_view password,
                                           std::string_view remote) {
  const Timestamp now = clock_.now();
  if (const auto wait = throttle_.retry_after(username, remote, now); wait > 0) {
    Error e = Error::too_many_requests("登录失败次数过多，请稍后再试",
                                       "too many failed logins; try again later");
    e.with_extra("retry_after_seconds", (wait + 999) / 1000);
    return fail(std::move(e));
  }
  auto row = db_.read([&](store::Session& s) {
    return s.query(queries::kUserByName, {std::string(username)});
  });
  if (!row) return fail(row.error());
  const bool found = !row->rows.empty();
  const std::string hash = found ? row->rows[0].str(1) : dummy_hash();
  const bool ok = crypto::verify_password(hash, password);
  if (!found || !ok || row->rows[0].i64(2) == 0) {
    throttle_.record_failure(username, remote, now);
    return fail(bad_credentials());
  }
  throttle_.record_success(username);
  const std::int64_t user_id = row->rows[0].i64(0);
  LoginResult out;
  out.token = crypto::random_hex(32);
  out.expires_at = now + options_.session_ttl_ms;
  auto ins = db_.write([&](store::Session& s) {
    return s.execute(queries::kInsertSession,
                     {crypto::blake2b_hex(out.token), user_id, now, out.expires_at});
  });
  if (!ins) return fail(ins.error());
  auto user = get_user(user_id);
  if (!user) return fail(user.error());
  out.user = std::move(*user);
  return out;
}

Result<void> IdentityService::logout(const Principal& who) {
  if (who.kind != Principal::Kind::kUser || who.session_hash.empty())
    return fail(Error::unauthenticated());
  auto r = db_.write([&](store::Session& s) {
    return s.execute(queries::kRevokeSession, {who.session_hash, clock_.now()});
  });
  if (!r) return fail(r.error());
  return {};
}

Result<Principal> IdentityService::authenticate(std::string_view bearer_token,
                                                std::string_view api_key) {
  if (!bearer_token.empty()) {
    const std::string token_hash = crypto::blake2b_hex(bearer_token);
    return db_.read([&](store::Session& s) -> Result<Principal> {
      auto row = s.query(queries::kSessionUser, {token_hash});
      if (!row) return fail(row.error());
      if (row->rows.empty())
        return fail(Error::unauthenticated("登录凭证无效，请重新登录", "unknown session token"));
      const auto& r = row->rows[0];
      if (!r.is_null(2))
        return fail(Error::unauthenticated("已退出登录，请重新登录", "session was logged out"));
      if (r.i64(1) <= clock_.now())
        return fail(Error::unauthenticated("登录已过期，请重新登录", "session expired"));
      if (r.i64(3) == 0)
        return fail(Error::unauthenticated("账号已停用", "account is deactivated"));
      auto user = read_user(s, r.i64(0));
      if (!user) return fail(user.error());
      Principal p;
      p.kind = Principal::Kind::kUser;
      p.id = user->id;
      p.name = user->username;
      p.display_name = user->display_name;
      p.roles = std::move(user->roles);
      p.units = std::move(user->units);
      p.session_hash = token_hash;
      return p;
    });
  }
  if (!api_key.empty()) {
    if (!api_key.starts_with(kApiKeyPrefix))
      return fail(Error::unauthenticated("API 密钥无效", "invalid API key"));
    auto row = db_.read([&](store::Session& s) {
      return s.query(queries::kApiKeyByHash, {crypto::blake2b_hex(api_key)});
    });
    if (!row) return fail(row.error());
    if (row->rows.empty() || !row->rows[0].is_null(3))
      return fail(Error::unauthenticated("API 密钥无效或已吊销", "invalid or revoked API key"));
    Principal p;
    p.kind = Principal::Kind::kApiKey;
    p.id = row->rows[0].i64(0);
    p.name = row->rows[0].str(1);
    p.scopes = split_scopes(row->rows[0].str(2));
    return p;
  }
  return Principal{};
}

Result<NewApiKey> IdentityService::create_api_key(std::string_view name,
                                                  std::vector<std::string> scopes) {
  if (name.empty() || name.size() > 64)
    return fail(Error::invalid("name", "名称应为 1–64 个字符", "name must be 1–64 characters"));
  for (const auto& s : scopes)
    if (s.empty() || s.find(',') != std::string::npos)
      return fail(Error::invalid("scopes", "权限范围无效：" + s, "invalid scope: " + s));
  if (scopes.empty()) scopes.push_back("open311");
  std::string joined;
  for (const auto& s : scopes) joined += (joined.empty() ? "" : ",") + s;
  NewApiKey out;
  out.secret = std::string(kApiKeyPrefix) + crypto::random_hex(24);
  const Timestamp now = clock_.now();
  auto id = db_.write([&](store::Session& s) -> Result<std::int64_t> {
    auto r = s.query(queries::kInsertApiKey,
                     {std::string(name), crypto::blake2b_hex(out.secret), joined, now});
    if (!r) return fail(r.error());
    return r->rows.at(0).i64(0);
  });
  if (!id) {
    if (id.error().code() == ErrorCode::kConflict)
      return fail(Error::conflict("API 密钥名称已存在", "an API key with this name exists", "name"));
    return fail(id.error());
  }
  out.key = {*id, std::string(name), std::move(scopes), now, false};
  return out;
}

Result<std::vector<ApiKey>> IdentityService::list_api_keys() {
  auto rows = db_.read([](store::Session& s) { return s.query(queries::kListApiKeys); });
  if (!rows) return fail(rows.error());
  std::vector<ApiKey> out;
  for (const auto& r : rows->rows)
    out.push_back({r.i64(0), r.str(1), split_scopes(r.str(2)), r.i64(3), !r.is_null(4)});
  return out;
}

Result<void> IdentityService::revoke_api_key(std::int64_t id) {
  auto n = db_.write([&](store::Session& s) {
    return s.execute(queries::kRevokeApiKey, {id, clock_.now()});
  });
  if (!n) return fail(n.error());
  if (*n == 0) return fail(Error::not_found("API 密钥不存在或已吊销", "no such active API key"));
  return {};
}

}  // namespace civicgrid::identity
