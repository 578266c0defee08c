#include "support/test_server.h"

#include <signal.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

namespace civicgrid::api_test {

namespace {

constexpr std::string_view kListening = "civicgrid listening on http://";

std::string file_tail(const std::string& path, std::size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "(no " + path + ")\n";
  std::stringstream ss;
  ss << in.rdbuf();
  std::string s = ss.str();
  if (s.size() > max_bytes) s = "..." + s.substr(s.size() - max_bytes);
  return s;
}

}  // namespace

TestServer::TestServer(TestServerOptions options)
    : options_(std::move(options)), dir_("civicgrid-api") {
  if (test_on_postgres() && !options_.sqlite) {
    if (options_.db_url.empty()) {
      pg_ = std::make_unique<PgTestDatabase>("cg_api");
      db_url_ = pg_->url();
    } else {
      db_url_ = options_.db_url;
    }
    register_db_url(dir_.path(), db_url_);
  }
}

TestServer::~TestServer() {
  // The server goes first: its database can only be dropped once nothing uses it.
  if (process_.started()) process_.kill9();
  unregister_db_url(dir_.path());
}

std::string TestServer::sql(const std::string& statement) const {
  if (on_postgres()) return psql(db_url_, statement);
  CommandResult r = run_command({"sqlite3", db_path(), statement});
  if (r.exit_code != 0) throw HarnessError("sqlite3 failed: " + r.err + "\nSQL: " + statement);
  return r.out;
}

bool TestServer::running() {
  return process_.started() && process_.running();
}

void TestServer::start() {
  if (running()) throw HarnessError("TestServer::start: the server is already running");
  std::vector<std::string> argv{civicgrid_binary(), "serve",           "--data", dir_.path(),
                                "--listen",         "127.0.0.1",       "--port", "0",
                                "--log-level",      options_.log_level};
  if (on_postgres()) argv.insert(argv.end(), {"--db", db_url_});
  if (options_.demo) argv.push_back("--demo");
  if (options_.test_clock) argv.push_back("--test-clock");
  argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
  port_ = 0;
  process_ = Subprocess::spawn(argv, {.stdout_copy = dir_.path() + "/server.stdout.log",
                                      .stderr_copy = dir_.path() + "/server.log"});

  const auto deadline = std::chrono::steady_clock::now() + options_.start_timeout;
  const auto give_up = [&](const std::string& why) {
    process_.kill9();
    return HarnessError("civicgrid serve (data dir " + dir_.path() + ") " + why +
                        "\n--- server output ---\n" + log_tail());
  };

  // The port: from the line printed once the socket listens.
  for (;;) {
    const std::string out = process_.stdout_text();
    const size_t at = out.find(kListening);
    const size_t eol = at == std::string::npos ? at : out.find('\n', at);
    if (eol != std::string::npos) {
      const std::string line = out.substr(at, eol - at);
      const size_t colon = line.rfind(':');
      const int port = std::atoi(line.c_str() + colon + 1);
      if (port <= 0 || port > 65535) throw give_up("printed an unexpected listening line: " + line);
      port_ = static_cast<std::uint16_t>(port);
      break;
    }
    if (!process_.running())
      throw give_up("exited with status " + std::to_string(*process_.exit_status()) +
                    " before listening");
    if (std::chrono::steady_clock::now() >= deadline)
      throw give_up("printed no listening line in time");
    std::this_thread::sleep_for(10ms);
  }

  // Listening is not the same as ready to serve: wait for the health check.
  HttpClient probe(port_);
  probe.set_timeout(2s);
  std::string last;
  for (;;) {
    try {
      HttpResponse r = probe.get("/healthz");
      if (r.status == 200) return;
      last = "last answer: HTTP " + std::to_string(r.status) + " " + r.body;
    } catch (const HarnessError& e) {
      last = e.what();
    }
    if (!process_.running())
      throw give_up("exited with status " + std::to_string(*process_.exit_status()) +
                    " before /healthz answered");
    if (std::chrono::steady_clock::now() >= deadline)
      throw give_up("did not answer GET /healthz with 200 in time (" + last + ")");
    std::this_thread::sleep_for(50ms);
  }
}

int TestServer::stop(std::chrono::milliseconds timeout) {
  if (!process_.started()) throw HarnessError("TestServer::stop: the server was never started");
  if (!process_.running()) return *process_.exit_status();
  process_.send_signal(SIGTERM);
  if (auto status = process_.wait(timeout)) return *status;
  process_.kill9();
  throw HarnessError("civicgrid serve did not exit within " + std::to_string(timeout.count()) +
                     " ms of SIGTERM (killed)\n--- server output ---\n" + log_tail());
}

void TestServer::kill9() {
  if (process_.started()) process_.kill9();
}

void TestServer::restart() {
  if (running()) stop();
  start();
}

std::string TestServer::log_tail(std::size_t max_bytes) const {
  return "[stderr] " + file_tail(dir_.path() + "/server.log", max_bytes) + "\n[stdout] " +
         file_tail(dir_.path() + "/server.stdout.log", max_bytes);
}

CommandResult TestServer::cli(std::vector<std::string> args, std::string_view stdin_text) const {
  args.push_back("--data");
  args.push_back(dir_.path());
  if (on_postgres()) args.insert(args.end(), {"--db", db_url_});
  return run_cli(args, stdin_text);
}

HttpClient TestServer::login_as(std::string_view username, std::string_view password) const {
  HttpClient c(port_);
  HttpResponse r = c.login(username, password);
  if (r.status != 200)
    throw HarnessError("login as " + std::string(username) + " failed: HTTP " +
                       std::to_string(r.status) + " " + r.body);
  return c;
}

namespace {

std::vector<std::string> user_add_argv(const std::string& data_dir, const UserSpec& user) {
  std::vector<std::string> argv{civicgrid_binary(), "user",        "add",    "--data", data_dir,
                                "--username",       user.username, "--role", user.role};
  if (!user.unit.empty()) argv.insert(argv.end(), {"--unit", user.unit});
  if (!user.phone.empty()) argv.insert(argv.end(), {"--phone", user.phone});
  if (!user.display_name.empty()) argv.insert(argv.end(), {"--name", user.display_name});
  if (const std::string url = db_url_for(data_dir); !url.empty())
    argv.insert(argv.end(), {"--db", url});
  return argv;
}

void check_user_added(const UserSpec& user, const CommandResult& r) {
  if (r.exit_code != 0)
    throw HarnessError("civicgrid user add " + user.username + " exited " +
                       std::to_string(r.exit_code) + ": " + r.err + r.out);
}

}  // namespace

void create_user(const std::string& data_dir, const UserSpec& user) {
  check_user_added(user,
                   run_command(user_add_argv(data_dir, user), user.password + "\n", 60s, false));
}

void create_users(const std::string& data_dir, const std::vector<UserSpec>& users) {
  // Two cores: a few at a time is as fast as it gets without starving the server.
  constexpr std::size_t kParallel = 4;
  for (std::size_t first = 0; first < users.size(); first += kParallel) {
    const std::size_t last = std::min(users.size(), first + kParallel);
    std::vector<Subprocess> running;
    for (std::size_t i = first; i < last; ++i) {
      running.push_back(Subprocess::spawn(user_add_argv(data_dir, users[i]), {.stdin_pipe = true}));
      running.back().write_stdin(users[i].password + "\n");
      running.back().close_stdin();
    }
    for (std::size_t i = first; i < last; ++i) {
      Subprocess& p = running[i - first];
      const auto status = p.wait(60s);
      if (!status) throw HarnessError("civicgrid user add " + users[i].username + " hangs");
      check_user_added(users[i], {*status, p.stdout_text(), p.stderr_text()});
    }
  }
}

void create_users(const TestServer& server, const std::vector<UserSpec>& users) {
  create_users(server.data_dir(), users);
}

void create_user(const TestServer& server, const UserSpec& user) {
  create_user(server.data_dir(), user);
}

void create_user(const TestServer& server, std::string username, std::string role, std::string unit,
                 std::string password) {
  create_user(server.data_dir(),
              UserSpec{std::move(username), std::move(role), std::move(unit), std::move(password)});
}

HttpClient& SignedInClients::as(TestServer& server, const std::string& user) {
  auto it = clients_.find(user);
  if (it == clients_.end()) it = clients_.emplace(user, server.login_as(user)).first;
  return it->second;
}

boost::json::object SignedInClients::get_ok(TestServer& server, const std::string& user,
                                            const std::string& target) {
  HttpResponse r = as(server, user).get(target);
  if (r.status != 200)
    throw HarnessError("GET " + target + ": HTTP " + std::to_string(r.status) + " " + r.body);
  return r.json().as_object();
}

}  // namespace civicgrid::api_test
