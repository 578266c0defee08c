// A throw-away store for tests: a temporary SQLite directory, or a fresh database on the
// PostgreSQL server named by CIVICGRID_TEST_PG_URL (scripts/run-tests sets it). Both are removed
// on destruction (PostgreSQL with FORCE, so pools still open do not keep it). When the store cannot
// be made, `skip` says why and url() is empty: tests then GTEST_SKIP() with that reason.
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "store/postgres/pg_database.h"

namespace civicgrid::store {

class ScratchStore {
 public:
  // `prefix` names the directory or database, e.g. "cg_audit".
  ScratchStore(bool postgres, std::string_view prefix) {
    if (!postgres) {
      std::string pattern =
          (std::filesystem::temp_directory_path() / (std::string(prefix) + "_XXXXXX")).string();
      if (mkdtemp(pattern.data()) == nullptr) {
        skip = "mkdtemp failed";
        return;
      }
      dir_ = pattern;
      url_ = dir_.string();
      return;
    }
    const char* admin = std::getenv("CIVICGRID_TEST_PG_URL");
    if (!admin || !*admin) {
      skip = "CIVICGRID_TEST_PG_URL is not set (scripts/run-tests sets it)";
      return;
    }
    admin_ = admin;
    static std::atomic<int> n{0};
    const std::string name =
        std::string(prefix) + "_" + std::to_string(getpid()) + "_" + std::to_string(n++);
    if (!postgres::execute_autocommit(admin_, "CREATE DATABASE " + name)) {
      skip = "cannot create a database on " + admin_;
      return;
    }
    database_ = name;
    url_ = postgres::url_with_database(admin_, database_);
  }
  ~ScratchStore() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
    if (!database_.empty())
      (void)postgres::execute_autocommit(admin_, "DROP DATABASE " + database_ + " WITH (FORCE)");
  }
  ScratchStore(const ScratchStore&) = delete;
  ScratchStore& operator=(const ScratchStore&) = delete;

  // The URL for store::open_database (a directory for SQLite).
  const std::string& url() const { return url_; }

  std::string skip;

 private:
  std::filesystem::path dir_;
  std::string admin_, database_, url_;
};

}  // namespace civicgrid::store
