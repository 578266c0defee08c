// Several civicgrid servers over one PostgreSQL store: each process keeps in-memory state derived
// from the store (the analytics cube, the org tree and grid index, the case catalog, the Open311
// attribute table). Triggers installed by cluster_migrations() send a notification on the channel
// `civicgrid_changes` whenever a configuration table changes, delivered at commit; a changed case
// is recorded in case_changes_pending and notified by the relay of a running server, in batches
// (case_change_relay.h; CLI commands run no relay, their changes wait for a server). ClusterSync
// LISTENs (as application_name `civicgrid-listener-<pid>`), runs the relay, and refreshes what
// the change touches:
//   cases:<id>,<id>,… (or case:<id> from servers before cluster migration 3)
//              → CaseService::notify_external_change (the cube follows)
//   org        → the org tree and the grid index
//   catalog    → categories, routing rules, time limits
//   open311    → Open311 service attributes
//   analytics_config → the analytics configuration (weights, 复诉 window)
//   *          → everything, the cube rebuilt (after the listener lost its connection)
// A process also receives its own changes; applying them again is harmless (the cube keeps the
// newest version of a case). See docs/adr/0016-postgresql-back-end.md.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/migration.h"
#include "store/postgres/pg_listener.h"

namespace civicgrid::app {

class App;
class CaseChangeRelay;

// PostgreSQL: the notification triggers. SQLite: none (one process per store).
store::MigrationSet cluster_migrations();

class ClusterSync {
 public:
  // Starts listening on `url`, then the relay; returns once LISTEN is in place (or after 10 s).
  ClusterSync(App& app, const std::string& url);
  ~ClusterSync();

  // Applies one notification payload (see above), or keeps it for start_applying(). Public for
  // tests.
  void apply(const std::string& payload);

  // The views are built and their change listeners registered: applies what arrived meanwhile
  // and, from now on, each payload as it arrives. Until then payloads are kept, since applying one
  // would run the case change listeners while the start-up registers them (and the relay of this
  // or another server may announce changes left pending by a server that died).
  void start_applying();

 private:
  void apply_now(const std::string& payload);

  App& app_;
  std::mutex mu_;
  bool applying_ = false;              // guarded by mu_
  std::vector<std::string> deferred_;  // guarded by mu_
  std::unique_ptr<store::postgres::PgListener> listener_;
  std::unique_ptr<CaseChangeRelay> relay_;
};

}  // namespace civicgrid::app
