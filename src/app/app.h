// The composition root: the only place that knows every module. It opens the store, applies every
// module's migrations, builds the services and registers their routes.
#pragma once

#include <memory>
#include <string>

#include "analytics/analytics.h"
#include "app/cluster_sync.h"
#include "audit/audit.h"
#include "cases/cases.h"
#include "cases/similar_cases.h"
#include "core/work_calendar.h"
#include "core/error.h"
#include "core/time.h"
#include "http/metrics.h"
#include "http/router.h"
#include "identity/identity.h"
#include "open311/open311.h"
#include "opendata/opendata.h"
#include "store/database.h"
#include "text/text.h"

namespace civicgrid::app {

struct StoreOptions {
  std::string data_dir = "var";  // SQLite file lives in <data_dir>/civicgrid.db
  std::string db_url;            // overrides data_dir when set
  std::string db_replica_url;    // PostgreSQL read replica for heavy analytics reads, optional
  std::string calendar_file;     // default: data/calendar/cn-holidays.json shipped with civicgrid
  // PostgreSQL: how often the audit linker looks for unchained entries when no append of this
  // process woke it; 0 runs no linker in this process (docs/adr/0004-audit-chain.md).
  int audit_link_interval_ms = 50;
};

// Services over one store, for the server and for the CLI commands.
class App {
 public:
  // Opens the store and applies migrations. `clock` outlives the App.
  static Result<std::unique_ptr<App>> open(const StoreOptions& options, const Clock& clock);
  ~App();

  store::Database& db() { return *db_; }
  audit::AuditLog& audit() { return *audit_; }
  identity::IdentityService& identity() { return *identity_; }
  cases::CaseService& cases() { return *cases_; }
  open311::Open311Service& open311() { return *open311_; }
  analytics::AnalyticsService& analytics() { return *analytics_; }
  cases::SimilarCases& similar_cases() { return *similar_; }
  const WorkCalendar& calendar() const { return calendar_; }
  const Clock& clock() const { return clock_; }

  // Registers every module's routes plus /healthz and /metrics. Also builds the statistics cube from
  // the stored cases (only a server needs it); throws std::runtime_error when that fails. Loads the
  // text classifier for category suggestions too; without it the server runs without suggestions.
  void register_routes(http::Router& router, http::Metrics& metrics);

 private:
  explicit App(const Clock& clock) : clock_(clock) {}
  void register_text_routes(http::Router& router);

  const Clock& clock_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<identity::IdentityService> identity_;
  WorkCalendar calendar_;
  std::unique_ptr<cases::CaseService> cases_;
  std::unique_ptr<open311::Open311Service> open311_;
  std::unique_ptr<analytics::AnalyticsService> analytics_;
  std::unique_ptr<cases::SimilarCases> similar_;  // filled by register_routes (servers only)
  std::unique_ptr<opendata::OpenDataService> opendata_;  // public statistics and datasets (servers only)
  std::string db_url_;                 // the PostgreSQL URL, "" on SQLite
  std::unique_ptr<store::Database> replica_;  // --db-replica
  std::unique_ptr<ClusterSync> sync_;  // servers on PostgreSQL: follows other processes' changes
};

// Locates a directory shipped with the source tree (e.g. "data/demo", "web/dist"): next to the
// working directory, then relative to the executable, then under $CIVICGRID_SOURCE_DIR.
std::string find_shipped_dir(const std::string& relative);

// The shipped text classifier from data/text (see src/text/README.md): its model file, or a model
// trained from its training CSV when there is no model file.
Result<std::shared_ptr<const text::Classifier>> load_default_classifier();

}  // namespace civicgrid::app
