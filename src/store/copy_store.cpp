#include "store/copy_store.h"

#include <algorithm>

namespace civicgrid::store {

namespace {

constexpr int kPage = 2000;
// PostgreSQL takes at most 65535 parameters per statement, SQLite 32766.
constexpr size_t kMaxParams = 30000;

std::string quote(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

struct TableShape {
  std::vector<std::string> columns;
  std::vector<std::string> key;  // primary-key columns, or every column when there is none
};

Result<TableShape> shape(Session& s, Dialect d, const std::string& table) {
  TableShape out;
  if (d == Dialect::kSqlite) {
    auto cols = s.query("SELECT name, pk FROM pragma_table_info($1) ORDER BY cid", {table});
    if (!cols) return fail(cols.error());
    std::vector<std::pair<std::int64_t, std::string>> pk;
    for (const auto& r : cols->rows) {
      out.columns.push_back(r.str(0));
      if (r.i64(1) > 0) pk.emplace_back(r.i64(1), r.str(0));
    }
    std::sort(pk.begin(), pk.end());
    for (auto& p : pk) out.key.push_back(p.second);
  } else {
    auto cols = s.query(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = $1 ORDER BY ordinal_position",
        {table});
    if (!cols) return fail(cols.error());
    for (const auto& r : cols->rows) out.columns.push_back(r.str(0));
    auto pk = s.query(
        "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
        "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = $1::regclass AND i.indisprimary "
        "ORDER BY array_position(i.indkey, a.attnum)",
        {quote(table)});
    if (!pk) return fail(pk.error());
    for (const auto& r : pk->rows) out.key.push_back(r.str(0));
  }
  if (out.columns.empty()) return fail(Error::internal("table " + table + " has no columns"));
  if (out.key.empty()) out.key = out.columns;
  return out;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + quote(n);
  return out;
}

// Pages through a table by its key within one snapshot; `visit` gets each page's rows.
template <typename Visit>
Result<void> scan(Session& s, const std::string& table, const TableShape& t, Visit&& visit) {
  const std::string base = "SELECT " + join(t.columns) + " FROM " + quote(table);
  const std::string order = " ORDER BY " + join(t.key) + " LIMIT " + std::to_string(kPage);
  std::string after = " WHERE (" + join(t.key) + ") > (";
  for (size_t i = 0; i < t.key.size(); ++i) after += (i ? ", $" : "$") + std::to_string(i + 1);
  after += ")";
  std::vector<size_t> key_index;
  for (const auto& k : t.key)
    key_index.push_back(
        static_cast<size_t>(std::find(t.columns.begin(), t.columns.end(), k) - t.columns.begin()));
  std::vector<Value> last;
  for (;;) {
    auto page = last.empty() ? s.query(base + order, std::span<const Value>())
                             : s.query(base + after + order, std::span<const Value>(last));
    if (!page) return fail(page.error());
    if (auto r = visit(page->rows); !r) return r;
    if (static_cast<int>(page->rows.size()) < kPage) return {};
    last.clear();
    for (size_t i : key_index) last.push_back(page->rows.back().at(i));
  }
}

std::uint64_t fnv(std::uint64_t h, std::string_view bytes) {
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

std::uint64_t row_hash(const Row& r) {
  std::uint64_t h = 14695981039346656037ull;
  for (size_t i = 0; i < r.size(); ++i) {
    // NULL differs from every text; a separator keeps ("ab","c") apart from ("a","bc").
    h = fnv(h, r.is_null(i) ? std::string_view("\x01N") : std::string_view(r.str(i)));
    h = fnv(h, "\x1f");
  }
  return h;
}

Result<TableSum> sum_in(Session& s, Dialect d, const std::string& table) {
  auto t = shape(s, d, table);
  if (!t) return fail(t.error());
  TableSum sum{table, 0, 0};
  auto r = scan(s, table, *t, [&](const std::vector<Row>& rows) -> Result<void> {
    for (const Row& row : rows) {
      ++sum.rows;
      sum.checksum += row_hash(row);
    }
    return {};
  });
  if (!r) return fail(r.error());
  return sum;
}

bool same(const TableSum& a, const TableSum& b) {
  return a.rows == b.rows && a.checksum == b.checksum;
}

// The target tables holding rows that are neither the fresh store's nor the source's.
Result<std::vector<TargetConflict>> find_conflicts(Session& src, Dialect src_dialect, Session& dst,
                                                   Dialect dst_dialect,
                                                   const std::vector<std::string>& tables,
                                                   const std::vector<TableSum>& baseline) {
  std::vector<TargetConflict> out;
  for (const std::string& table : tables) {
    auto target = sum_in(dst, dst_dialect, table);
    if (!target) return fail(target.error());
    if (target->rows == 0) continue;
    TableSum fresh{table, 0, 0};
    for (const TableSum& b : baseline)
      if (b.table == table) fresh = b;
    if (same(*target, fresh)) continue;
    // Only now read the source's table: a fresh target, the common case, costs no second scan.
    auto source = sum_in(src, src_dialect, table);
    if (!source) return fail(source.error());
    if (same(*target, *source)) continue;
    out.push_back({table, target->rows});
  }
  return out;
}

}  // namespace

Result<std::vector<std::string>> list_tables(Database& db) {
  return db.read([&](Session& s) -> Result<std::vector<std::string>> {
    auto r =
        db.dialect() == Dialect::kSqlite
            ? s.query(
                  "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                  "'sqlite_%' "
                  "AND name <> 'schema_migrations' ORDER BY rowid")
            : s.query(
                  "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                  "WHERE n.nspname = current_schema() AND c.relkind = 'r' "
                  "AND c.relname <> 'schema_migrations' ORDER BY c.oid");
    if (!r) return fail(r.error());
    std::vector<std::string> out;
    for (const auto& row : r->rows) out.push_back(row.str(0));
    return out;
  });
}

Result<TableSum> table_sum(Database& db, const std::string& table) {
  return db.read([&](Session& s) { return sum_in(s, db.dialect(), table); });
}

Result<std::vector<std::string>> copy_store(Database& from, Database& to,
                                            const CopyOptions& options, CopyRefused* refused) {
  auto tables = list_tables(from);
  if (!tables) return fail(tables.error());
  auto source = from.begin_read();
  if (!source) return fail(source.error());
  auto target = to.begin_write();
  if (!target) return fail(target.error());
  Session& src = **source;
  Session& dst = **target;
  if (!options.replace) {
    auto conflicts =
        find_conflicts(src, from.dialect(), dst, to.dialect(), *tables, options.baseline);
    if (!conflicts) return fail(conflicts.error());
    if (!conflicts->empty()) {
      std::string names;
      for (const auto& c : *conflicts)
        names += (names.empty() ? "" : ", ") + c.table + " (" + std::to_string(c.rows) + ")";
      if (refused) refused->tables = *conflicts;
      // Returning without commit rolls the target transaction back: nothing was changed.
      return fail(
          Error::conflict("目标库已有其他数据，未做任何改动：" + names,
                          "the target already holds other data, nothing was changed: " + names));
    }
  }
  for (auto it = tables->rbegin(); it != tables->rend(); ++it) {
    if (auto r = dst.execute("DELETE FROM " + quote(*it)); !r) return fail(r.error());
  }
  for (const std::string& table : *tables) {
    auto t = shape(src, from.dialect(), table);
    if (!t) return fail(t.error());
    const std::string head = "INSERT INTO " + quote(table) + " (" + join(t->columns) + ") VALUES ";
    const size_t per_statement = std::max<size_t>(1, kMaxParams / t->columns.size());
    std::vector<Value> params;
    size_t pending = 0;
    auto flush = [&]() -> Result<void> {
      if (pending == 0) return {};
      std::string sql = head;
      size_t p = 0;
      for (size_t r = 0; r < pending; ++r) {
        sql += r ? ", (" : "(";
        for (size_t c = 0; c < t->columns.size(); ++c)
          sql += (c ? ", $" : "$") + std::to_string(++p);
        sql += ")";
      }
      auto done = dst.query(sql, std::span<const Value>(params));
      params.clear();
      pending = 0;
      if (!done) return fail(done.error());
      return {};
    };
    auto r = scan(src, table, *t, [&](const std::vector<Row>& rows) -> Result<void> {
      for (const Row& row : rows) {
        for (size_t c = 0; c < row.size(); ++c) params.push_back(row.at(c));
        if (++pending == per_statement)
          if (auto f = flush(); !f) return f;
      }
      return {};
    });
    if (!r) return fail(r.error());
    if (auto f = flush(); !f) return fail(f.error());
  }
  if (to.dialect() == Dialect::kPostgres) {
    // Serial columns: the next id must follow the copied ones.
    auto serials = dst.query(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() "
        "AND column_default LIKE 'nextval(%'");
    if (!serials) return fail(serials.error());
    for (const auto& row : serials->rows) {
      const std::string table = row.str(0), column = row.str(1);
      auto r = dst.query("SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(" +
                             quote(column) + "), 0) + 1, false) FROM " + quote(table),
                         {quote(table), column});
      if (!r) return fail(r.error());
    }
  }
  if (auto r = (*target)->commit(); !r) return fail(r.error());
  return *tables;
}

}  // namespace civicgrid::store
