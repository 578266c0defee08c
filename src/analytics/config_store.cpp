#include "analytics/config_store.h"

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

namespace civicgrid::analytics {

namespace json = boost::json;

namespace {

// Named SQL for the table this module owns; nothing else touches it.
constexpr const char* kSelectConfig = "SELECT body FROM analytics_config WHERE id = 1";
constexpr const char* kUpsertConfig =
    "INSERT INTO analytics_config (id, body, updated_at, updated_by) VALUES (1, $1, $2, $3) "
    "ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, "
    "updated_by = excluded.updated_by";
// Servers starting together may all find the table empty; only the first insert counts.
constexpr const char* kInsertConfigOnce =
    "INSERT INTO analytics_config (id, body, updated_at, updated_by) VALUES (1, $1, $2, $3) "
    "ON CONFLICT (id) DO NOTHING RETURNING id";

Result<RateConfig> parse_document(const std::string& text, const std::string& where) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object())
    return fail(
        Error::invalid("config", "统计配置无效：" + where, "invalid analytics config " + where));
  return parse_config(v.as_object());
}

Result<std::optional<RateConfig>> read_in(store::Session& s) {
  auto rows = s.query(kSelectConfig);
  if (!rows) return fail(rows.error());
  if (rows->rows.empty()) return std::optional<RateConfig>();
  auto c = parse_document(rows->rows[0].str(0), "analytics_config");
  if (!c) return fail(c.error());
  return std::optional<RateConfig>(std::move(*c));
}

}  // namespace

ConfigStore::ConfigStore(store::Database& db, audit::AuditLog& audit, const Clock& clock,
                         std::string legacy_file)
    : db_(db), audit_(audit), clock_(clock), legacy_file_(std::move(legacy_file)) {}

Result<std::optional<RateConfig>> ConfigStore::read() {
  return db_.read([](store::Session& s) { return read_in(s); });
}

Result<RateConfig> ConfigStore::load() {
  auto stored = read();
  if (!stored) return fail(stored.error());
  if (!*stored) {
    if (auto ok = import_legacy_file(); !ok) return fail(ok.error());
    stored = read();
    if (!stored) return fail(stored.error());
  } else if (!legacy_file_.empty() && std::filesystem::exists(legacy_file_)) {
    spdlog::warn(
        "analytics: {} is ignored; the configuration is kept in the store (table "
        "analytics_config, PUT /api/v1/admin/analytics/config)",
        legacy_file_);
  }
  return stored->value_or(RateConfig{});
}

Result<void> ConfigStore::import_legacy_file() {
  if (legacy_file_.empty() || !std::filesystem::exists(legacy_file_)) return {};
  std::ifstream in(legacy_file_);
  std::stringstream text;
  text << in.rdbuf();
  auto config = parse_document(text.str(), legacy_file_);
  if (!config) return fail(config.error());
  const std::string body = json::serialize(config_json(*config));
  bool imported = false;
  auto w = db_.write([&](store::Session& s) -> Result<void> {
    auto r = s.query(kInsertConfigOnce, {body, clock_.now(), std::string("import")});
    if (!r) return fail(r.error());
    imported = !r->rows.empty();
    if (!imported) return {};
    audit::Entry e;
    e.actor = "system";
    e.action = "analytics.config.import";
    e.target_type = "analytics_config";
    e.outcome = "ok";
    e.detail = json::serialize(json::object{{"file", legacy_file_}, {"after", json::parse(body)}});
    auto a = audit_.append(s, e);
    if (!a) return fail(a.error());
    return {};
  });
  if (!w) return fail(w.error());
  if (imported) spdlog::info("analytics: imported the configuration from {}", legacy_file_);
  return {};
}

Result<void> ConfigStore::save(const RateConfig& config, audit::Entry entry) {
  const json::object after = config_json(config);
  const std::string body = json::serialize(after);
  return db_.write([&](store::Session& s) -> Result<void> {
    auto before = read_in(s);
    json::value before_json = nullptr;
    if (before && *before) before_json = config_json(**before);
    if (auto ok = s.execute(kUpsertConfig, {body, clock_.now(), entry.actor}); !ok)
      return fail(ok.error());
    audit::Entry e = entry;
    e.detail = json::serialize(json::object{{"before", before_json}, {"after", after}});
    auto a = audit_.append(s, e);
    if (!a) return fail(a.error());
    return {};
  });
}

}  // namespace civicgrid::analytics
