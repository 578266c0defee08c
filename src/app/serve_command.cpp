// `civicgrid serve`: open the store, wire the modules, serve HTTP until SIGTERM/SIGINT.
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <functional>
#include <iostream>
#include <optional>

#include "app/app.h"
#include "app/commands.h"
#include "app/demo_district.h"
#include "core/periodic_task.h"
#include "http/request_context.h"
#include "http/server.h"

namespace civicgrid::app {

namespace {

struct ServeOptions {
  StoreOptions store;
  http::ServerOptions server;
  bool demo = false;
  bool test_clock = false;
  int sweep_interval_s = 60;
  std::string cube_snapshot;  // "" = default (see snapshot_path), "none" = off
  int cube_snapshot_interval_s = 600;
  int cube_snapshot_margin_s = 900;
  std::string static_dir;
  std::string log_level = "info";
  std::vector<std::string> trusted_proxies;
};

// Credentials: "Authorization: Bearer <session token>" for people, "X-API-Key: <key>" for machines.
http::Authenticator make_authenticator(identity::IdentityService& identity) {
  return [&identity](const http::RequestContext& ctx) -> Result<Principal> {
    std::string_view auth = ctx.header("Authorization");
    std::string_view token;
    if (auth.size() > 7 && (auth.starts_with("Bearer ") || auth.starts_with("bearer ")))
      token = auth.substr(7);
    else if (!auth.empty())
      return fail(Error::unauthenticated("不支持的认证方式", "unsupported Authorization scheme"));
    return identity.authenticate(token, ctx.header("X-API-Key"));
  };
}

// Writes the audit entry of a request: every call of a state-changing route, and every read the
// handler marked as a read of personal data. Unmatched paths (404 before routing) are not audited.
http::CompletionHook make_audit_hook(audit::AuditLog& log) {
  return [&log](const http::RequestContext& ctx, unsigned status) {
    const http::Route* route = ctx.route();
    if (!route) return;
    const auto& note = ctx.audit();
    if (!route->audited && !note.personal_data_read) return;
    if (note.written && status < 400) return;
    audit::Entry e;
    e.actor = ctx.principal().actor();
    e.action = note.action.empty()
                   ? std::string(http::method_name(ctx.method())) + " " + route->pattern
                   : note.action;
    e.target_type = note.target_type;
    e.target_id = note.target_id;
    e.remote = ctx.remote_address();
    e.request_id = ctx.request_id();
    e.outcome = std::to_string(status);
    boost::json::object detail = note.detail;
    if (note.personal_data_read) detail["personal_data"] = true;
    e.detail = boost::json::serialize(detail);
    if (auto r = log.append(e); !r)
      spdlog::error("audit append failed for request {}: {}", ctx.request_id(), r.error().detail());
  };
}

void sweep_overdue(cases::CaseService& cases) {
  auto n = cases.sweep_overdue();
  if (!n)
    spdlog::warn("overdue sweep failed: {}", n.error().message_en());
  else if (*n > 0)
    spdlog::info("overdue sweep: {} cases became overdue", *n);
}

void save_cube_snapshot(analytics::AnalyticsService& analytics, bool force) {
  if (auto r = analytics.save_snapshot(force); !r)
    spdlog::warn("analytics: cube snapshot not written: {}", r.error().message_en());
}

// The cube snapshot's file: --cube-snapshot, else beside the SQLite store; none on PostgreSQL
// unless asked for (several servers share one database, each with its own cube).
std::string snapshot_path(const ServeOptions& opt, store::Dialect dialect) {
  if (opt.cube_snapshot == "none") return "";
  if (!opt.cube_snapshot.empty()) return opt.cube_snapshot;
  return dialect == store::Dialect::kSqlite ? opt.store.data_dir + "/cube.snapshot" : "";
}

void add_test_clock_route(http::Router& router, OffsetClock& clock) {
  router.add({http::Method::kPost, "/api/v1/test/clock", http::Access::public_access(),
              [&clock](http::RequestContext& ctx) -> Result<http::Response> {
                auto body = ctx.json_object();
                if (!body) return fail(body.error());
                const auto* adv = (*body)->if_contains("advance_ms");
                if (!adv || !adv->is_int64())
                  return fail(Error::invalid("advance_ms", "advance_ms 应为整数",
                                             "advance_ms must be an integer"));
                clock.advance(adv->get_int64());
                return http::Response::json(
                    {{"now", format_rfc3339(clock.now())}, {"offset_ms", clock.offset()}});
              }});
}

int serve(const ServeOptions& opt) {
  spdlog::set_level(spdlog::level::from_str(opt.log_level));
  auto proxies = http::TrustedProxies::parse(opt.trusted_proxies);
  if (!proxies) {
    spdlog::critical("--trusted-proxy: {}", proxies.error().message_en());
    return 2;
  }
  OffsetClock clock;
  auto app = App::open(opt.store, clock);
  if (!app) {
    spdlog::critical("cannot open the store: {} {}", app.error().message_en(),
                     app.error().detail());
    return 1;
  }
  if (opt.demo) {
    const std::string dir = find_shipped_dir("data/demo");
    if (dir.empty()) {
      spdlog::critical("--demo: data/demo not found");
      return 1;
    }
    auto units = load_demo_units(**app, dir);
    if (!units) {
      spdlog::critical("--demo: {}", units.error().message_en());
      return 1;
    }
    (*app)->cases().refresh_grids();
    auto catalog = load_demo_catalog(**app, dir);
    if (!catalog) {
      spdlog::critical("--demo: {} {}", catalog.error().message_en(), catalog.error().detail());
      return 1;
    }
    auto users = create_demo_users(**app);
    if (!users) {
      spdlog::critical("--demo: {} {}", users.error().message_en(), users.error().detail());
      return 1;
    }
    if (*units > 0) spdlog::info("demo district loaded: {} units", *units);
    if (!users->empty()) {
      std::cout
          << "\n演示账号（仅显示一次，请妥善保存） / demo accounts (shown once, keep them):\n";
      for (const auto& c : *users)
        std::cout << "  " << c.username << " (" << c.role << "): " << c.password << "\n";
      std::cout << std::endl;
    }
  }
  const std::string snapshot = snapshot_path(opt, (*app)->db().dialect());
  (*app)->analytics().set_snapshot(snapshot, opt.cube_snapshot_margin_s * kMillisPerSecond);
  http::Router router;
  http::Metrics metrics;
  (*app)->register_routes(router, metrics);
  if (opt.test_clock) {
    spdlog::warn(
        "--test-clock: POST /api/v1/test/clock can move this server's time. Never in production.");
    add_test_clock_route(router, clock);
  }
  http::ServerOptions server_options = opt.server;
  server_options.trusted_proxies = std::move(*proxies);
  server_options.static_dir = opt.static_dir.empty() ? find_shipped_dir("web/dist") : opt.static_dir;
  http::Server server(server_options, router, metrics, make_authenticator((*app)->identity()),
                      make_audit_hook((*app)->audit()));
  auto port = server.start();
  if (!port) {
    spdlog::critical("{}", port.error().message_en());
    return 1;
  }
  std::cout << "civicgrid listening on http://" << server_options.listen << ":" << *port
            << std::endl;
  spdlog::info("listening on {}:{}", server_options.listen, *port);
  auto& cases = (*app)->cases();
  auto& analytics = (*app)->analytics();
  PeriodicTask sweeper(std::chrono::seconds(opt.sweep_interval_s),
                       [&cases] { sweep_overdue(cases); });
  std::optional<PeriodicTask> snapshots;
  if (!snapshot.empty() && opt.cube_snapshot_interval_s > 0)
    snapshots.emplace(std::chrono::seconds(opt.cube_snapshot_interval_s),
                      [&analytics] { save_cube_snapshot(analytics, false); });
  server.run();
  sweeper.stop();
  if (snapshots) snapshots->stop();
  // After the last request: the snapshot holds every change this server applied.
  if (!snapshot.empty()) save_cube_snapshot(analytics, false);
  spdlog::info("stopped accepting; closing the store");
  app->reset();
  spdlog::info("shutdown complete");
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& cli, int& exit_code) {
  auto opt = std::make_shared<ServeOptions>();
  auto* cmd = cli.add_subcommand("serve", "运行 HTTP 服务 / run the HTTP server");
  cmd->add_option("--data", opt->store.data_dir, "data directory (SQLite store)")
      ->capture_default_str();
  cmd->add_option("--db", opt->store.db_url, "database URL (overrides --data)");
  cmd->add_option("--db-replica", opt->store.db_replica_url,
                  "PostgreSQL read replica for heavy analytics reads (the statistics cube rebuild)");
  cmd->add_option("--audit-link-interval", opt->store.audit_link_interval_ms,
                  "PostgreSQL: ms between looks for unchained audit entries (0: none)")
      ->capture_default_str()
      ->check(CLI::Range(0, 60000));
  cmd->add_option("--port", opt->server.port, "TCP port (0 = any free port)")->capture_default_str();
  cmd->add_option("--listen", opt->server.listen, "listen address")->capture_default_str();
  cmd->add_option("--threads", opt->server.threads, "worker threads (0 = 8 × cores, at least 64)");
  cmd->add_option("--body-limit", opt->server.body_limit, "maximum request body in bytes")
      ->capture_default_str();
  cmd->add_option("--trusted-proxy", opt->trusted_proxies,
                  "reverse proxy (address or CIDR) whose X-Forwarded-For names the client; repeatable");
  cmd->add_option("--static", opt->static_dir, "front-end directory (default: web/dist)");
  cmd->add_option("--log-level", opt->log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  cmd->add_option("--sweep-interval", opt->sweep_interval_s, "seconds between overdue sweeps")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  cmd->add_option("--cube-snapshot", opt->cube_snapshot,
                  "statistics cube snapshot file, loaded at start-up and written at shutdown and "
                  "periodically (default: <data>/cube.snapshot on SQLite, none on PostgreSQL; "
                  "'none' = off)");
  cmd->add_option("--cube-snapshot-interval", opt->cube_snapshot_interval_s,
                  "seconds between background cube snapshots (0 = only at shutdown)")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400 * 7));
  cmd->add_option("--cube-snapshot-margin", opt->cube_snapshot_margin_s,
                  "seconds before a snapshot's time from which start-up re-reads updated cases")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400 * 30));
  cmd->add_flag("--demo", opt->demo, "load the demo district and demo users (idempotent)");
  cmd->add_flag("--test-clock", opt->test_clock,
                "allow tests to move the clock (never in production)");
  cmd->callback([opt, &exit_code] { exit_code = serve(*opt); });
}

}  // namespace civicgrid::app
