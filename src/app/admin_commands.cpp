// Operator commands that work on the store directly: `user add`, `apikey create`, `audit verify`.
// Each action is written to the audit log as actor "cli:<login name>".
#include <unistd.h>

#include <iostream>

#include "app/app.h"
#include "app/commands.h"

namespace civicgrid::app {

namespace {

std::string cli_actor() {
  const char* user = std::getenv("USER");
  return std::string("cli:") + (user ? user : std::to_string(getuid()));
}

// Opens the store or prints why not; nullptr on failure.
std::unique_ptr<App> open_or_report(const StoreOptions& store, const Clock& clock) {
  auto app = App::open(store, clock);
  if (!app) {
    std::cerr << "civicgrid: " << app.error().message_zh() << " / " << app.error().message_en()
              << (app.error().detail().empty() ? "" : ": " + app.error().detail()) << "\n";
    return nullptr;
  }
  return std::move(*app);
}

void report(const Error& e) {
  std::cerr << "civicgrid: " << e.message_zh() << " / " << e.message_en();
  if (!e.field().empty()) std::cerr << " (" << e.field() << ")";
  std::cerr << "\n";
}

void add_store_options(CLI::App* cmd, StoreOptions& store) {
  cmd->add_option("--data", store.data_dir, "data directory (SQLite store)")->capture_default_str();
  cmd->add_option("--db", store.db_url, "database URL (overrides --data)");
}

}  // namespace

void add_user_commands(CLI::App& cli, int& exit_code) {
  struct Opts {
    StoreOptions store;
    std::string username, display_name, phone, role;
    std::vector<std::string> units;
  };
  auto opt = std::make_shared<Opts>();
  auto* user = cli.add_subcommand("user", "管理用户 / manage users");
  user->require_subcommand(1);
  auto* add = user->add_subcommand("add", "新增用户，密码从标准输入读取 / add a user; password read from stdin");
  add_store_options(add, opt->store);
  add->add_option("--username", opt->username, "login name")->required();
  add->add_option("--role", opt->role, "admin, dispatcher, department_handler, grid_worker, leader, resident")
      ->required();
  add->add_option("--unit", opt->units, "org unit code (repeatable)");
  add->add_option("--name", opt->display_name, "display name");
  add->add_option("--phone", opt->phone, "phone number");
  add->callback([opt, &exit_code] {
    auto role = parse_role(opt->role);
    if (!role) {
      std::cerr << "civicgrid: 未知角色 / unknown role: " << opt->role << "\n";
      exit_code = 2;
      return;
    }
    std::string password;
    if (isatty(STDIN_FILENO)) std::cerr << "password: ";
    std::getline(std::cin, password);
    SystemClock clock;
    auto app = open_or_report(opt->store, clock);
    if (!app) {
      exit_code = 1;
      return;
    }
    identity::NewUser nu{opt->username, password, opt->display_name, opt->phone, {*role}, opt->units};
    auto u = app->identity().create_user(nu);
    audit::Entry e{cli_actor(), "user.create", "user", opt->username, "", "", u ? "ok" : "error"};
    if (u) e.target_id = std::to_string(u->id);
    (void)app->audit().append(e);
    if (!u) {
      report(u.error());
      exit_code = u.error().code() == ErrorCode::kConflict ? 3 : 2;
      return;
    }
    std::cout << "created user " << u->username << " (id " << u->id << ", role " << opt->role << ")\n";
  });
}

void add_apikey_commands(CLI::App& cli, int& exit_code) {
  struct Opts {
    StoreOptions store;
    std::string name;
    std::vector<std::string> scopes;
  };
  auto opt = std::make_shared<Opts>();
  auto* apikey = cli.add_subcommand("apikey", "管理 API 密钥 / manage API keys");
  apikey->require_subcommand(1);
  auto* create = apikey->add_subcommand("create", "新建 API 密钥并显示一次 / create a key, shown once");
  add_store_options(create, opt->store);
  create->add_option("--name", opt->name, "key name (e.g. the client)")->required();
  create->add_option("--scope", opt->scopes, "scope (repeatable; default open311)");
  create->callback([opt, &exit_code] {
    SystemClock clock;
    auto app = open_or_report(opt->store, clock);
    if (!app) {
      exit_code = 1;
      return;
    }
    auto k = app->identity().create_api_key(opt->name, opt->scopes);
    (void)app->audit().append({cli_actor(), "api_key.create", "api_key", opt->name, "", "", k ? "ok" : "error"});
    if (!k) {
      report(k.error());
      exit_code = 2;
      return;
    }
    std::cout << k->secret << "\n";
  });
}

void add_audit_commands(CLI::App& cli, int& exit_code) {
  auto store = std::make_shared<StoreOptions>();
  auto* audit = cli.add_subcommand("audit", "审计日志 / audit log");
  audit->require_subcommand(1);
  auto* verify = audit->add_subcommand("verify", "校验审计日志哈希链 / verify the audit hash chain");
  add_store_options(verify, *store);
  verify->callback([store, &exit_code] {
    SystemClock clock;
    auto app = open_or_report(*store, clock);
    if (!app) {
      exit_code = 2;
      return;
    }
    auto r = app->audit().verify();
    if (!r) {
      report(r.error());
      exit_code = 2;
      return;
    }
    if (r->ok()) {
      std::cout << "audit chain intact: " << r->count << " entries";
      if (r->pending > 0) std::cout << " (" << r->pending << " committed since, not yet chained)";
      std::cout << "\n";
      exit_code = 0;
    } else {
      std::cout << "audit chain BROKEN at entry " << *r->broken << ": " << r->reason << "\n";
      exit_code = 1;
    }
  });
}

}  // namespace civicgrid::app
