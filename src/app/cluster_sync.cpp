#include "app/cluster_sync.h"

#include <unistd.h>

#include <charconv>

#include <spdlog/spdlog.h>

#include "app/app.h"

namespace civicgrid::app {

namespace {

const store::Migration kSqlite[] = {{"cluster", 0, "", ""}};

// Statement-level triggers for configuration tables (one notification per transaction, as
// identical payloads of one transaction are folded), row-level for cases.
const store::Migration kPostgres[] = {{"cluster", 1, "change_notifications", R"__sql__(
CREATE FUNCTION civicgrid_notify_case() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_notify('civicgrid_changes', 'case:' || NEW.id);
  RETURN NULL;
END $fn$;
CREATE FUNCTION civicgrid_notify_table() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_notify('civicgrid_changes', TG_ARGV[0]);
  RETURN NULL;
END $fn$;
CREATE TRIGGER cases_notify AFTER INSERT OR UPDATE ON cases
  FOR EACH ROW EXECUTE FUNCTION civicgrid_notify_case();
CREATE TRIGGER org_units_notify AFTER INSERT OR UPDATE OR DELETE ON org_units
  FOR EACH STATEMENT EXECUTE FUNCTION civicgrid_notify_table('org');
CREATE TRIGGER categories_notify AFTER INSERT OR UPDATE OR DELETE ON categories
  FOR EACH STATEMENT EXECUTE FUNCTION civicgrid_notify_table('catalog');
CREATE TRIGGER routing_rules_notify AFTER INSERT OR UPDATE OR DELETE ON routing_rules
  FOR EACH STATEMENT EXECUTE FUNCTION civicgrid_notify_table('catalog');
CREATE TRIGGER time_limits_notify AFTER INSERT OR UPDATE OR DELETE ON time_limits
  FOR EACH STATEMENT EXECUTE FUNCTION civicgrid_notify_table('catalog');
CREATE TRIGGER open311_attributes_notify AFTER INSERT OR UPDATE OR DELETE ON open311_attributes
  FOR EACH STATEMENT EXECUTE FUNCTION civicgrid_notify_table('open311');
)__sql__"},
                                      {"cluster", 2, "analytics_config_notifications", R"__sql__(
CREATE TRIGGER analytics_config_notify AFTER INSERT OR UPDATE OR DELETE ON analytics_config
  FOR EACH STATEMENT EXECUTE FUNCTION civicgrid_notify_table('analytics_config');
)__sql__"}};

// `url` with application_name `civicgrid-listener-<pid>`, so that an operator (and the reconnect
// test) can find the listening backend of each server in pg_stat_activity. Accepts both libpq
// forms: a URI (postgresql://…) and key=value pairs. A name already in the URL is replaced by a
// later one: libpq takes the last.
std::string with_application_name(const std::string& url) {
  const std::string name = "civicgrid-listener-" + std::to_string(getpid());
  if (url.starts_with("postgresql://") || url.starts_with("postgres://"))
    return url + (url.find('?') == std::string::npos ? "?" : "&") + "application_name=" + name;
  return url + " application_name=" + name;
}

}  // namespace

store::MigrationSet cluster_migrations() {
  return {"cluster", kSqlite, kPostgres};
}

ClusterSync::ClusterSync(App& app, const std::string& url) : app_(app) {
  listener_ = std::make_unique<store::postgres::PgListener>(
      with_application_name(url), "civicgrid_changes", [this](const std::string& p) { apply(p); });
  if (!listener_->wait_listening(10000))
    spdlog::warn("cluster sync: not listening yet; retrying in the background");
}

ClusterSync::~ClusterSync() {
  listener_.reset();
}

void ClusterSync::apply(const std::string& payload) {
  auto warn = [&](const Error& e) {
    spdlog::warn("cluster sync: applying '{}' failed: {}", payload, e.message_en());
  };
  if (payload.starts_with("case:")) {
    std::int64_t id = 0;
    const char* first = payload.data() + 5;
    const char* last = payload.data() + payload.size();
    if (std::from_chars(first, last, id).ec != std::errc()) return;
    if (auto r = app_.cases().notify_external_change(id); !r) warn(r.error());
    return;
  }
  const bool all = payload == "*";
  if (all || payload == "org") {
    if (auto r = app_.identity().load(); !r) warn(r.error());
    app_.cases().refresh_grids();
  }
  if (all || payload == "catalog") {
    if (auto r = app_.cases().load(); !r) warn(r.error());
  }
  if (all || payload == "open311") {
    if (auto r = app_.open311().load(); !r) warn(r.error());
  }
  if (all) {
    // Rebuilds the cube and reloads the analytics configuration.
    if (auto r = app_.analytics().load(); !r) warn(r.error());
  } else if (payload == "analytics_config") {
    if (auto r = app_.analytics().reload_config(); !r) warn(r.error());
  }
}

}  // namespace civicgrid::app
