#include "support/pg_backend.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <random>

namespace civicgrid::api_test {

namespace {

std::mutex registry_mu;
std::map<std::string, std::string>& registry() {
  static std::map<std::string, std::string> urls;
  return urls;
}

}  // namespace

bool test_on_postgres() {
  const char* backend = std::getenv("CIVICGRID_TEST_BACKEND");
  return backend && std::string_view(backend) == "postgres";
}

std::string pg_admin_url() {
  const char* url = std::getenv("CIVICGRID_TEST_PG_URL");
  if (!url || !*url) {
    std::cerr << "SKIPPED: the PostgreSQL variant of this test needs CIVICGRID_TEST_PG_URL "
                 "(scripts/run-tests starts a server with scripts/pg-test-server)\n";
    std::exit(77);
  }
  return url;
}

std::string pg_url_with_database(std::string_view url, std::string_view database) {
  const size_t scheme = url.find("://");
  const size_t slash = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  const size_t query = url.find('?');
  std::string out(url.substr(0, slash == std::string_view::npos ? query : slash));
  out += "/";
  out += database;
  if (query != std::string_view::npos) out += url.substr(query);
  return out;
}

CommandResult psql_command(const std::string& url, const std::string& sql) {
  return run_command(
      {"psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql}, {}, 120s);
}

std::string pg_database_name(std::string_view url) {
  const size_t scheme = url.find("://");
  const size_t slash = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  if (slash == std::string_view::npos) return {};
  return std::string(url.substr(slash + 1, url.find('?') == std::string_view::npos
                                               ? std::string_view::npos
                                               : url.find('?') - slash - 1));
}

std::string psql(const std::string& url, const std::string& sql) {
  CommandResult r = psql_command(url, sql);
  if (r.exit_code != 0)
    throw HarnessError("psql failed (" + std::to_string(r.exit_code) + "): " + r.err +
                       "\nSQL: " + sql);
  return r.out;
}

PgTestDatabase::PgTestDatabase(std::string_view prefix, std::string_view template_db) {
  static std::atomic<int> counter{0};
  std::random_device rd;
  name_ = std::string(prefix) + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++) +
          "_" + std::to_string(rd() % 100000);
  const std::string admin = pg_admin_url();
  psql(admin,
       "CREATE DATABASE " + name_ + " TEMPLATE " + std::string(template_db) + " ENCODING 'UTF8'");
  url_ = pg_url_with_database(admin, name_);
}

PgTestDatabase::~PgTestDatabase() {
  try {
    psql(pg_admin_url(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception& e) {
    std::cerr << "warning: " << e.what() << "\n";
  }
}

void register_db_url(const std::string& data_dir, const std::string& url) {
  std::lock_guard lock(registry_mu);
  registry()[data_dir] = url;
}

void unregister_db_url(const std::string& data_dir) {
  std::lock_guard lock(registry_mu);
  registry().erase(data_dir);
}

std::string db_url_for(const std::string& data_dir) {
  std::lock_guard lock(registry_mu);
  auto it = registry().find(data_dir);
  return it == registry().end() ? std::string() : it->second;
}

}  // namespace civicgrid::api_test
