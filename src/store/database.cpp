#include "store/database.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "store/postgres/pg_database.h"
#include "store/sqlite/sqlite_database.h"

namespace civicgrid::store {

namespace {

constexpr double kTwoTo63 = 9223372036854775808.0;

const char* type_name(const Value& v) {
  switch (v.index()) {
    case 0:
      return "NULL";
    case 1:
      return "integer";
    case 2:
      return "real";
    default:
      return "text";
  }
}

// A column whose type does not match what the code reads is a bug in the SQL or in the code, not an
// expected failure, so it throws (like Row::at on a bad index) instead of returning an Error.
[[noreturn]] void bad_conversion(size_t i, std::string_view wanted, const Value& v) {
  throw std::invalid_argument("column " + std::to_string(i) + " holds " + type_name(v) +
                              " that cannot be read as " + std::string(wanted) + " without loss");
}

bool is_exact_int(double d) {
  return std::isfinite(d) && std::trunc(d) == d && d >= -kTwoTo63 && d < kTwoTo63;
}

}  // namespace

// NULL reads as 0 here (and 0.0 / "" below); use is_null() or opt_i64()/opt_str() where NULL
// matters.
std::int64_t Row::i64(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (std::holds_alternative<std::nullptr_t>(v)) return 0;
  if (const auto* d = std::get_if<double>(&v)) {
    if (is_exact_int(*d)) return static_cast<std::int64_t>(*d);
  } else if (const auto* s = std::get_if<std::string>(&v)) {
    std::int64_t out = 0;
    const char* end = s->data() + s->size();
    auto [p, ec] = std::from_chars(s->data(), end, out);
    if (!s->empty() && ec == std::errc() && p == end) return out;
  }
  bad_conversion(i, "an integer", v);
}

double Row::f64(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (std::holds_alternative<std::nullptr_t>(v)) return 0.0;
  if (const auto* n = std::get_if<std::int64_t>(&v)) {
    const double d = static_cast<double>(*n);
    if (d < kTwoTo63 && static_cast<std::int64_t>(d) == *n) return d;
  } else if (const auto* s = std::get_if<std::string>(&v)) {
    double out = 0;
    const char* end = s->data() + s->size();
    auto [p, ec] = std::from_chars(s->data(), end, out);
    if (!s->empty() && ec == std::errc() && p == end) return out;
  }
  bad_conversion(i, "a real", v);
}

std::string Row::str(size_t i) const {
  const Value& v = values_.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[64];
    auto [p, ec] =
        std::to_chars(buf, buf + sizeof buf, *d);  // shortest text that reads back exactly
    return std::string(buf, ec == std::errc() ? p : buf);
  }
  return {};
}

std::optional<std::string> Row::opt_str(size_t i) const {
  if (is_null(i)) return std::nullopt;
  return str(i);
}

std::optional<std::int64_t> Row::opt_i64(size_t i) const {
  if (is_null(i)) return std::nullopt;
  return i64(i);
}

namespace {

// The URL's scheme in lower case ("sqlite", "postgresql", ...), or empty for a plain path. A scheme
// needs two characters at least so that a drive letter ("C:") is not taken for one.
std::string url_scheme(std::string_view url) {
  const size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon < 2) return {};
  std::string scheme;
  for (size_t i = 0; i < colon; ++i) {
    const auto c = static_cast<unsigned char>(url[i]);
    const bool ok =
        std::isalpha(c) || (i > 0 && (std::isdigit(c) || c == '+' || c == '-' || c == '.'));
    if (!ok) return {};
    scheme += static_cast<char>(std::tolower(c));
  }
  return scheme;
}

}  // namespace

Result<std::unique_ptr<Database>> open_database(const DatabaseOptions& options) {
  const std::string_view url = options.url;
  if (url.empty())
    return fail(Error::invalid("db", "未配置数据库地址", "no database URL is configured"));
  const std::string scheme = url_scheme(url);
  std::string path;
  if (scheme == "sqlite") {
    path = url.substr(scheme.size() + 1);
    if (path.empty()) {
      return fail(
          Error::invalid("db", "SQLite 地址缺少文件路径", "the sqlite URL has no file path"));
    }
  } else if (scheme == "postgresql" || scheme == "postgres") {
    auto pg = postgres::PgDatabase::open(options);
    if (!pg) return fail(pg.error());
    return std::unique_ptr<Database>(std::move(*pg));
  } else if (!scheme.empty()) {
    // The rest of the URL may hold credentials, so only the scheme is echoed.
    return fail(Error::invalid("db", "不支持的数据库类型：" + scheme,
                               "unsupported database scheme: " + scheme));
  } else {
    const std::filesystem::path dir(url);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir, ec)) {
      return fail(Error::invalid("db", "无法创建数据目录：" + std::string(url),
                                 "cannot create the data directory: " + std::string(url)));
    }
    path = (dir / "civicgrid.db").string();
  }
  auto db = sqlite::SqliteDatabase::open(path, options);
  if (!db) return fail(db.error());
  return std::unique_ptr<Database>(std::move(*db));
}

}  // namespace civicgrid::store
