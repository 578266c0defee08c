#include "app/app.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "app/cluster_sync.h"
#include "audit/routes.h"
#include "cases/routes.h"
#include "http/request_context.h"
#include "identity/routes.h"
#include "text/routes.h"
#include "text/reply_quality_route.h"
#include "store/migration.h"

namespace civicgrid::app {

namespace fs = std::filesystem;

std::string find_shipped_dir(const std::string& relative) {
  std::vector<fs::path> candidates{fs::current_path() / relative};
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path() / ".." / relative);
    candidates.push_back(exe.parent_path() / relative);
  }
  if (const char* src = std::getenv("CIVICGRID_SOURCE_DIR")) candidates.push_back(fs::path(src) / relative);
  for (const auto& c : candidates)
    if (fs::is_directory(c, ec)) return fs::weakly_canonical(c, ec).string();
  return {};
}

Result<std::shared_ptr<const text::Classifier>> load_default_classifier() {
  const std::string dir = find_shipped_dir("data/text");
  if (dir.empty())
    return fail(Error::invalid("model", "找不到文本模型目录 data/text",
                               "text model directory data/text not found"));
  return text::open_default_classifier(dir);
}

Result<std::unique_ptr<App>> App::open(const StoreOptions& options, const Clock& clock) {
  std::unique_ptr<App> app(new App(clock));
  store::DatabaseOptions db_options;
  // --db, else $CIVICGRID_DB, else the SQLite file in --data.
  std::string db_url = options.db_url;
  if (const char* env = std::getenv("CIVICGRID_DB"); db_url.empty() && env) db_url = env;
  db_options.url = db_url.empty() ? options.data_dir : db_url;
  auto db = store::open_database(db_options);
  if (!db) return fail(db.error());
  app->db_ = std::move(*db);
  if (app->db_->dialect() == store::Dialect::kPostgres) app->db_url_ = db_url;
  // Order matters: a module's tables may reference those of modules before it.
  const store::MigrationSet sets[] = {audit::migrations(), identity::migrations(), cases::migrations(),
                                      open311::migrations(), analytics::migrations(),
                                      cluster_migrations()};
  auto applied = store::apply_migrations(*app->db_, sets);
  if (!applied) return fail(applied.error());
  app->audit_ = std::make_unique<audit::AuditLog>(*app->db_, clock);
  if (options.audit_link_interval_ms > 0)
    app->audit_->start_linker(std::chrono::milliseconds(options.audit_link_interval_ms));
  app->identity_ = std::make_unique<identity::IdentityService>(*app->db_, clock);
  if (auto ok = app->identity_->load(); !ok) return fail(ok.error());
  std::string calendar_file = options.calendar_file;
  if (calendar_file.empty()) {
    const std::string dir = find_shipped_dir("data/calendar");
    if (dir.empty())
      return fail(Error::invalid("calendar", "找不到节假日日历 data/calendar", "holiday calendar data/calendar not found"));
    calendar_file = dir + "/cn-holidays.json";
  }
  auto calendar = load_work_calendar(calendar_file);
  if (!calendar) return fail(calendar.error());
  app->calendar_ = std::move(*calendar);
  app->cases_ = std::make_unique<cases::CaseService>(*app->db_, clock, app->calendar_, *app->identity_,
                                                     *app->audit_);
  if (auto ok = app->cases_->load(); !ok) return fail(ok.error());
  if (!options.db_replica_url.empty()) {
    // Full scans (the cube rebuild) read from the replica; everything else stays on the primary,
    // so a client reads its own writes.
    auto replica = store::open_database({.url = options.db_replica_url});
    if (!replica) return fail(replica.error());
    app->replica_ = std::move(*replica);
    app->cases_->set_scan_source(app->replica_.get());
  }
  app->open311_ = std::make_unique<open311::Open311Service>(*app->db_, clock, *app->cases_, *app->identity_,
                                                           *app->audit_);
  if (auto ok = app->open311_->load(); !ok) return fail(ok.error());
  // The cube follows case changes from here on; it is filled by register_routes (servers only).
  // Its configuration is in the store; an analytics.json of earlier versions in --data is imported
  // once (docs/deploy.md).
  const std::string legacy_config =
      options.data_dir.empty() ? std::string() : options.data_dir + "/analytics.json";
  app->analytics_ = std::make_unique<analytics::AnalyticsService>(
      *app->cases_,
      std::make_unique<analytics::ConfigStore>(*app->db_, *app->audit_, clock, legacy_config));
  app->similar_ = std::make_unique<cases::SimilarCases>(*app->cases_);
  return app;
}

void App::register_text_routes(http::Router& router) {
  text::CategorySuggester suggester;
  if (auto model = load_default_classifier()) {
    // Labels are first-level category names; the catalog gives their codes (C01 for 城乡建设).
    suggester = text::make_category_suggester(*model, [this](std::string_view label) {
      for (const auto& c : cases_->catalog()->categories())
        if (c.level == 1 && c.name == label) return c.code;
      return std::string();
    });
  } else {
    spdlog::warn("text classifier unavailable, no category suggestions: {}",
                 model.error().message_en());
  }
  cases_->set_category_suggester(suggester);
  text::register_routes(router, std::move(suggester));
}

App::~App() {
  sync_.reset();
  if (audit_) audit_->stop_linker();  // its last round needs the store
  if (replica_) replica_->close();
  if (db_) db_->close();
}

void App::register_routes(http::Router& router, http::Metrics& metrics) {
  router.add({http::Method::kGet, "/healthz", http::Access::public_access(),
              [this](http::RequestContext&) -> Result<http::Response> {
                auto ping = db_->read([](store::Session& s) { return s.query("SELECT 1"); });
                if (!ping) return fail(Error::unavailable("存储不可用", "store unavailable"));
                return http::Response::json({{"status", "ok"}});
              }});
  router.add({http::Method::kGet, "/metrics", http::Access::public_access(),
              [&metrics](http::RequestContext&) -> Result<http::Response> {
                return http::Response::text(metrics.render(), "text/plain; version=0.0.4; charset=utf-8");
              }});
  metrics.add_gauge("civicgrid_db_readers_total", "Reader connections in the pool.",
                    [this] { return db_->stats().readers_total; });
  metrics.add_gauge("civicgrid_db_readers_in_use", "Reader connections in use.",
                    [this] { return db_->stats().readers_in_use; });
  metrics.add_gauge("civicgrid_db_writers_waiting", "Writers waiting for the write connection.",
                    [this] { return db_->stats().writers_waiting; });
  metrics.add_gauge("civicgrid_db_write_transactions", "Write transactions committed.",
                    [this] { return static_cast<double>(db_->stats().write_transactions); });
  metrics.add_gauge("civicgrid_db_write_batches", "Physical commits (group commit batches).",
                    [this] { return static_cast<double>(db_->stats().write_batches); });
  metrics.add_gauge("civicgrid_db_write_retries",
                    "Write bodies run again after a serialization failure or deadlock.",
                    [this] { return static_cast<double>(db_->stats().write_retries); });
  identity::register_routes(router, *identity_);
  audit::register_routes(router, *audit_);
  cases::register_routes(router, *cases_);
  register_text_routes(router);
  text::register_reply_quality_route(router, calendar_);
  open311::register_routes(router, *open311_);
  // Listening starts before the cube is built so that no change committed meanwhile is missed.
  if (!db_url_.empty()) sync_ = std::make_unique<ClusterSync>(*this, db_url_);
  if (auto n = analytics_->load(); !n)
    throw std::runtime_error("analytics: cannot build the statistics cube: " +
                             n.error().message_en());
  analytics::register_routes(router, *analytics_);
  opendata_ = std::make_unique<opendata::OpenDataService>(*analytics_, *cases_, *identity_);
  opendata::register_routes(router, *opendata_);
  if (auto n = similar_->load(); !n)
    throw std::runtime_error("similar cases: cannot index the open cases: " + n.error().message_en());
  cases_->set_similar_cases(similar_.get());
  metrics.add_gauge("civicgrid_similar_cases_indexed", "Open cases in the similar-cases index.",
                    [this] { return static_cast<double>(similar_->index().size()); });
  if (sync_) sync_->start_applying();  // the views and their change listeners are in place
}

}  // namespace civicgrid::app
