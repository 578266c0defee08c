// Platform core: graceful shutdown and restart. Each test stops its server, so each has its own.
#include <gtest/gtest.h>
#include <signal.h>

#include <memory>
#include <thread>

#include "support/api_assertions.h"
#include "support/test_server.h"

namespace civicgrid::api_test {
namespace {

std::string describe(const CommandResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstdout: " + r.out + "\nstderr: " + r.err;
}

TEST(ShutdownTest, SigtermExitsZeroPromptlyAndTheStoreReopens) {
  TestServer server;
  server.start();
  create_user(server, "keeper", "resident");
  HttpClient c = server.login_as("keeper");
  ASSERT_EQ(c.get("/api/v1/me").status, 200u);

  const auto t0 = std::chrono::steady_clock::now();
  const int status = server.stop();
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  EXPECT_EQ(status, 0) << server.log_tail();
  EXPECT_LT(elapsed, 5s) << "took "
                         << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count()
                         << " ms";

  // The store opens again, cleanly: the CLI reads it, then a new server on the same data dir.
  CommandResult verify = server.cli({"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << describe(verify);
  server.restart();
  EXPECT_EQ(server.login_as("keeper").get("/api/v1/me").status, 200u);
}

TEST(ShutdownTest, SessionsSurviveARestart) {
  TestServer server;
  server.start();
  create_user(server, "returning", "resident");
  const std::string token = server.login_as("returning").token();
  ASSERT_EQ(server.stop(), 0) << server.log_tail();
  server.start();
  HttpClient c = server.client();
  c.set_token(token);
  HttpResponse me = c.get("/api/v1/me");
  EXPECT_EQ(me.status, 200u) << me;
  EXPECT_EQ(me.str("/username"), "returning") << me;
}

TEST(ShutdownTest, InFlightRequestIsAnsweredBeforeExit) {
  TestServer server;
  server.start();
  create_user(server, "inflight", "resident");

  // Another process holds SQLite's write lock, so the login below blocks inside its handler
  // (busy timeout 5 s) until the lock is released: a request reliably in flight. On PostgreSQL a
  // lock on the sessions table does the same.
  Subprocess lock =
      server.on_postgres()
          ? Subprocess::spawn({"psql", "-X", "-q", "-A", "-t", "-d", server.db_url()},
                              {.stdin_pipe = true, .search_path = true})
          : Subprocess::spawn({"sqlite3", server.db_path()}, {.stdin_pipe = true, .search_path = true});
  lock.write_stdin(server.on_postgres()
                       ? "BEGIN;\nLOCK TABLE sessions IN EXCLUSIVE MODE;\nSELECT 'lock-held';\n"
                       : "BEGIN IMMEDIATE;\nSELECT 'lock-held';\n");
  ASSERT_TRUE(lock.wait_for_stdout("lock-held", 10s)) << lock.stderr_text();

  HttpResponse answer;
  std::string failure;
  std::chrono::steady_clock::duration took{};
  std::thread request([&] {
    const auto t0 = std::chrono::steady_clock::now();
    try {
      HttpClient c(server.port());
      answer = c.login("inflight", kTestPassword);
    } catch (const std::exception& e) {
      failure = e.what();
    }
    took = std::chrono::steady_clock::now() - t0;
  });
  // Reading a small request takes well under a millisecond; then the handler hashes the password
  // (~0.1 s) and waits for the write lock.
  std::this_thread::sleep_for(800ms);
  server.send_signal(SIGTERM);
  std::this_thread::sleep_for(300ms);
  EXPECT_TRUE(server.running()) << "exited with a request in flight";

  lock.write_stdin("ROLLBACK;\n");
  lock.close_stdin();
  EXPECT_EQ(lock.wait(10s), 0) << lock.stderr_text();
  const auto status = server.wait_for_exit(15s);
  request.join();

  ASSERT_TRUE(status.has_value()) << "still running 15 s after SIGTERM";
  EXPECT_EQ(*status, 0) << server.log_tail();
  ASSERT_TRUE(failure.empty()) << failure;
  ASSERT_EQ(answer.status, 200u) << answer;
  // Answered only after the lock went, i.e. it was in flight when SIGTERM came.
  EXPECT_GE(took, 1000ms)
      << "the request was not held up: this run did not test an in-flight request";
  const std::string token = answer.str("/token");
  ASSERT_FALSE(token.empty()) << answer;

  // The session written by that request was committed before the exit.
  server.start();
  HttpClient c = server.client();
  c.set_token(token);
  HttpResponse me = c.get("/api/v1/me");
  EXPECT_EQ(me.status, 200u) << me;
}

TEST(ShutdownTest, NewConnectionsAreRefusedAfterExit) {
  TestServer server;
  server.start();
  const auto port = server.port();
  ASSERT_EQ(server.stop(), 0) << server.log_tail();
  HttpClient c(port);
  c.set_timeout(2s);
  EXPECT_THROW(c.get("/healthz"), HarnessError);
}

TEST(ShutdownTest, RestartAfterKill9KeepsCommittedData) {
  TestServer server;
  server.start();
  create_user(server, "adm1", "admin", "MH");
  HttpClient admin = server.login_as("adm1");
  HttpResponse created =
      admin.post_json("/api/v1/admin/users", {{"username", "survivor"},
                                              {"password", kTestPassword},
                                              {"roles", boost::json::array{"resident"}}});
  ASSERT_EQ(created.status, 201u) << created;

  server.kill9();
  EXPECT_FALSE(server.running());
  server.restart();
  EXPECT_EQ(server.client().login("survivor", kTestPassword).status, 200u);
  ASSERT_EQ(server.stop(), 0) << server.log_tail();
  CommandResult verify = server.cli({"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << describe(verify);
}

}  // namespace
}  // namespace civicgrid::api_test
