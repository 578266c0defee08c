// The back end the API tests run on. By default each server gets a SQLite file in its data dir;
// with CIVICGRID_TEST_BACKEND=postgres (the `_pg` twin of every API test in ctest) it gets a fresh
// database of its own on the PostgreSQL server named by CIVICGRID_TEST_PG_URL (a URL of an
// existing database, e.g. .../postgres, on which databases are created; scripts/pg-test-server
// starts one). A `_pg` test without that URL exits with code 77, which ctest reports as skipped.
#pragma once

#include <string>
#include <string_view>

#include "support/subprocess.h"

namespace civicgrid::api_test {

bool test_on_postgres();
// CIVICGRID_TEST_PG_URL; exits 77 with a message when it is not set.
std::string pg_admin_url();
// `url` with its database name replaced by `database`.
std::string pg_url_with_database(std::string_view url, std::string_view database);
// Runs one or more SQL statements with psql; throws HarnessError when psql fails. Returns psql's
// unaligned, tuples-only output.
std::string psql(const std::string& url, const std::string& sql);
// The same without throwing: psql's exit code and output.
CommandResult psql_command(const std::string& url, const std::string& sql);
// The database name in a URL.
std::string pg_database_name(std::string_view url);

// A database created for one test server (or one test) and dropped, with any connection still
// open to it, when this goes away.
class PgTestDatabase {
 public:
  // A copy of `template_db` (which nothing may be connected to), empty by default.
  explicit PgTestDatabase(std::string_view prefix = "cg",
                          std::string_view template_db = "template0");
  ~PgTestDatabase();
  PgTestDatabase(const PgTestDatabase&) = delete;
  PgTestDatabase& operator=(const PgTestDatabase&) = delete;
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::string url_;
};

// The database URL the CLI helpers must pass for a server's data dir ("" for SQLite): TestServer
// registers its database here so that create_user(data_dir, ...) reaches the same store.
void register_db_url(const std::string& data_dir, const std::string& url);
void unregister_db_url(const std::string& data_dir);
std::string db_url_for(const std::string& data_dir);

}  // namespace civicgrid::api_test
