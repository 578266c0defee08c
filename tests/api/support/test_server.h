// The API test harness: the real `civicgrid serve` on a free loopback port with its own temporary
// data directory, plus helpers for the CLI. Typical use, one server per test suite:
//
//   static std::unique_ptr<TestServer> server_;
//   static void SetUpTestSuite() {
//     server_ = std::make_unique<TestServer>();
//     server_->start();
//     create_user(*server_, "alice", "grid_worker", "MH-S01-C01-G01");
//   }
//   static void TearDownTestSuite() { server_.reset(); }
//   ... HttpClient c = server_->login_as("alice"); auto r = c.get("/api/v1/me");
//
// Org units come from the demo district, which `serve --demo` loads on its first start; users that
// belong to a unit can therefore only be added once the server has started. The CLI and the server
// share the SQLite store through the data dir, and the server reads users from the store on every
// login, so adding users to a running server is fine.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support/http_client.h"
#include "support/pg_backend.h"
#include "support/subprocess.h"

namespace civicgrid::api_test {

// Passes the server's password policy (at least 10 characters).
inline constexpr std::string_view kTestPassword = "test-password-123";

struct TestServerOptions {
  bool demo = true;        // --demo: the demo district's units and demo users
  bool test_clock = true;  // --test-clock: POST /api/v1/test/clock
  std::string log_level = "warn";
  std::vector<std::string> extra_args;  // e.g. {"--body-limit", "1024"}
  std::chrono::milliseconds start_timeout{30000};
  // PostgreSQL: run on this database instead of a fresh one of its own (several servers over one
  // store). Ignored on SQLite.
  std::string db_url;
  // Always SQLite, also in the PostgreSQL run (e.g. the source of a migrate-store test).
  bool sqlite = false;
};

class TestServer {
 public:
  // Creates the data directory; the server itself starts with start().
  explicit TestServer(TestServerOptions options = {});
  // Kills a server still running, then removes the data dir (kept with CIVICGRID_KEEP_TEST_DATA).
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  // Starts the server and waits until GET /healthz answers 200. Throws HarnessError with the tail
  // of the server's log when it does not come up within options.start_timeout.
  void start();
  // SIGTERM, then waits for the exit; returns the exit status (128 + signal when killed by one).
  // Throws HarnessError (after SIGKILL) when the server does not exit within `timeout`.
  int stop(std::chrono::milliseconds timeout = 15s);
  // SIGKILL: a crash, as far as the data dir is concerned.
  void kill9();
  // Stops the server if it is running and starts it again on the same data dir (a new port).
  void restart();
  bool running();
  pid_t pid() const { return process_.pid(); }
  // Sends a signal without waiting (e.g. SIGTERM while a request is in flight).
  void send_signal(int sig) { process_.send_signal(sig); }
  // Waits for an exit caused by other means (see send_signal); nullopt on timeout.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout) {
    return process_.wait(timeout);
  }

  std::uint16_t port() const { return port_; }
  const std::string& data_dir() const { return dir_.path(); }
  std::string db_path() const { return dir_.path() + "/civicgrid.db"; }
  // The server's PostgreSQL database URL, or "" on SQLite.
  const std::string& db_url() const { return db_url_; }
  bool on_postgres() const { return !db_url_.empty(); }
  // Runs SQL on the server's store with the engine's own client (sqlite3 or psql) and returns its
  // output (one line per row, columns separated by '|'); throws HarnessError when it fails.
  std::string sql(const std::string& statement) const;
  // What the server printed on stdout in this run (demo passwords, the listening line, log lines).
  std::string stdout_text() const { return process_.stdout_text(); }
  // The last `max_bytes` of the server's stderr and stdout logs of all runs, for failure messages.
  std::string log_tail(std::size_t max_bytes = 4000) const;

  // Runs `civicgrid <args...> --data <data dir>`; works before start() too (the CLI creates the
  // store), e.g. for users without a unit or API keys.
  CommandResult cli(std::vector<std::string> args, std::string_view stdin_text = {}) const;

  HttpClient client() const { return HttpClient(port_); }
  // A client logged in as `username`. Throws HarnessError when the login fails.
  HttpClient login_as(std::string_view username, std::string_view password = kTestPassword) const;

 private:
  TestServerOptions options_;
  TempDir dir_;
  std::unique_ptr<PgTestDatabase> pg_;  // the server's own database on PostgreSQL
  std::string db_url_;
  Subprocess process_;
  std::uint16_t port_ = 0;
};

struct UserSpec {
  std::string username;
  std::string role;  // admin, dispatcher, department_handler, grid_worker, leader, resident
  std::string unit;  // org unit code, or "" for none
  std::string password = std::string(kTestPassword);
  std::string phone;
  std::string display_name;
};

// `civicgrid user add` on a data dir; throws HarnessError when the command fails.
void create_user(const std::string& data_dir, const UserSpec& user);
void create_user(const TestServer& server, const UserSpec& user);
void create_user(const TestServer& server, std::string username, std::string role,
                 std::string unit = {}, std::string password = std::string(kTestPassword));
// Several `user add` runs side by side (each hashes a password, which takes a while).
void create_users(const std::string& data_dir, const std::vector<UserSpec>& users);
void create_users(const TestServer& server, const std::vector<UserSpec>& users);

// One logged-in client per username, opened on first use. Clear it when the server restarts (its
// port and sessions change).
class SignedInClients {
 public:
  HttpClient& as(TestServer& server, const std::string& user);
  // A GET that must answer 200, as its JSON object; throws HarnessError naming the status
  // otherwise.
  boost::json::object get_ok(TestServer& server, const std::string& user,
                             const std::string& target);
  void clear() { clients_.clear(); }

 private:
  std::map<std::string, HttpClient> clients_;
};

}  // namespace civicgrid::api_test
