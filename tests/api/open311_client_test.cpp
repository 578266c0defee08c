// A real third-party client: Code for America's node-open311 (npm "open311", unmodified) drives the
// running server in JSON mode through tests/open311-client/client_test.mjs. This wrapper starts the
// server, creates the client's API key, installs the client once (npm ci, from the pinned lock) and
// runs node's test runner; any failing client test fails this one with node's output.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "open311_helpers.h"
#include "support/test_server.h"

namespace civicgrid::api_test::open311 {
namespace {

namespace fs = std::filesystem;

std::string client_dir() {
  const char* src = std::getenv("CIVICGRID_SOURCE_DIR");
  return (fs::path(src ? src : ".") / "tests" / "open311-client").string();
}

TEST(Open311Client, NodeOpen311PassesAgainstTheServer) {
  const std::string dir = client_dir();
  ASSERT_TRUE(fs::exists(dir + "/client_test.mjs")) << "no client test in " << dir;
  CommandResult node = run_command({"node", "--version"});
  ASSERT_EQ(node.exit_code, 0) << "node is missing: scripts/bootstrap installs nodejs and npm";
  if (!fs::exists(dir + "/node_modules/open311/open311.js")) {
    CommandResult install =
        run_command({"npm", "ci", "--prefix", dir, "--no-audit", "--no-fund"}, {}, 300s);
    ASSERT_EQ(install.exit_code, 0) << "npm ci failed:\n" << install.out << install.err;
  }

  TestServer server;
  server.start();
  const std::string key = create_api_key(server, "node-open311");
  CommandResult r =
      run_command({"env", "OPEN311_URL=http://127.0.0.1:" + std::to_string(server.port()),
                   "OPEN311_API_KEY=" + key, "node", "--test", dir + "/client_test.mjs"},
                  {}, 120s);
  EXPECT_EQ(r.exit_code, 0) << "node-open311 client tests failed:\n"
                            << r.out << r.err << "\n--- server ---\n"
                            << server.log_tail();
  EXPECT_NE(r.out.find("# fail 0"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace civicgrid::api_test::open311
