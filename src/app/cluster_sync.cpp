#include "app/cluster_sync.h"

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <vector>

#include <spdlog/spdlog.h>

#include "app/app.h"
#include "app/case_change_relay.h"

namespace civicgrid::app {

namespace {

const store::Migration kSqlite[] = {{"cluster", 0, "", ""}};

// Statement-level triggers for configuration tables (one notification per transaction, as
// identical payloads of one transaction are folded), row-level for cases. Version 3 replaces the
// NOTIFY of the cases trigger by a row in case_changes_pending, which the relay of a server
// notifies (case_change_relay.h): a NOTIFY in every intake made intakes commit one at a time.
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
)__sql__"},
                                      {"cluster", 3, "case_changes_pending", R"__sql__(
CREATE TABLE case_changes_pending (
  id BIGSERIAL PRIMARY KEY,
  case_id BIGINT NOT NULL
);
CREATE FUNCTION civicgrid_queue_case_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO case_changes_pending (case_id) VALUES (NEW.id);
  RETURN NULL;
END $fn$;
DROP TRIGGER cases_notify ON cases;
DROP FUNCTION civicgrid_notify_case();
CREATE TRIGGER cases_change_pending AFTER INSERT OR UPDATE ON cases
  FOR EACH ROW EXECUTE FUNCTION civicgrid_queue_case_change();
)__sql__"}};

// How often a server's relay looks for pending case changes: the delay, at most, before another
// server's views show a case changed here.
constexpr std::chrono::milliseconds kRelayInterval{50};

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
  relay_ = std::make_unique<CaseChangeRelay>(app_.db(), kRelayInterval);
}

ClusterSync::~ClusterSync() {
  relay_.reset();  // its last drain announces this server's final changes to the others
  listener_.reset();
}

void ClusterSync::apply(const std::string& payload) {
  {
    std::lock_guard lock(mu_);
    if (!applying_) {
      deferred_.push_back(payload);
      return;
    }
  }
  apply_now(payload);
}

void ClusterSync::start_applying() {
  // Under the lock, so that a payload arriving now waits and keeps its order.
  std::lock_guard lock(mu_);
  for (const std::string& payload : deferred_) apply_now(payload);
  deferred_.clear();
  applying_ = true;
}

void ClusterSync::apply_now(const std::string& payload) {
  auto warn = [&](const Error& e) {
    spdlog::warn("cluster sync: applying '{}' failed: {}", payload, e.message_en());
  };
  if (payload.starts_with(kCasesPrefix)) {
    const std::vector<std::int64_t> ids = parse_case_payload(payload);
    if (ids.empty()) spdlog::warn("cluster sync: malformed payload '{}'", payload);
    for (std::int64_t id : ids)
      if (auto r = app_.cases().notify_external_change(id); !r) warn(r.error());
    return;
  }
  // The form sent by the trigger before version 3, while servers of both versions run.
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
