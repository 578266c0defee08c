// `civicgrid migrate-store --from sqlite:PATH --to postgresql://...`: moves a store to another
// engine (a county's SQLite file into the city's PostgreSQL), then prints per table the row count
// and checksum on both sides and fails when any differs. See src/store/copy_store.h.
//
// Exit codes: 0 copied and every table matches; 1 failed or a table differs; 2 refused because
// the target already holds other data (nothing changed; --replace deletes it instead).
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <iostream>

#include "app/app.h"
#include "app/commands.h"
#include "store/copy_store.h"

namespace civicgrid::app {

namespace {

constexpr int kRefused = 2;

// Row counts and checksums of a freshly migrated store: the rows the migrations seed (the audit
// head, the default time limits), which a target may hold without holding data. Built in a
// temporary SQLite store; the checksums are engine-independent.
Result<std::vector<store::TableSum>> fresh_store_sums(const Clock& clock) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "civicgrid-fresh-XXXXXX").string();
  if (!mkdtemp(pattern.data())) return fail(Error::internal("cannot create a temporary directory"));
  struct Remove {
    std::string dir;
    ~Remove() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } remove{pattern};
  // An explicit URL, so that $CIVICGRID_DB cannot redirect it.
  auto fresh = App::open({.db_url = "sqlite:" + pattern + "/civicgrid.db"}, clock);
  if (!fresh) return fail(fresh.error());
  auto tables = store::list_tables((*fresh)->db());
  if (!tables) return fail(tables.error());
  std::vector<store::TableSum> out;
  for (const std::string& t : *tables) {
    auto sum = store::table_sum((*fresh)->db(), t);
    if (!sum) return fail(sum.error());
    out.push_back(*sum);
  }
  return out;
}

int migrate_store(const std::string& from_url, const std::string& to_url, bool replace) {
  SystemClock clock;
  // Opening through App applies every migration on both sides, so their schemas agree.
  auto from = App::open({.db_url = from_url}, clock);
  if (!from) {
    std::cerr << "civicgrid: --from: " << from.error().message_en() << " " << from.error().detail()
              << "\n";
    return 1;
  }
  auto to = App::open({.db_url = to_url}, clock);
  if (!to) {
    std::cerr << "civicgrid: --to: " << to.error().message_en() << " " << to.error().detail()
              << "\n";
    return 1;
  }
  store::CopyOptions copy_options{.replace = replace};
  if (!replace) {
    auto baseline = fresh_store_sums(clock);
    if (!baseline) {
      std::cerr << "civicgrid: " << baseline.error().message_en() << " "
                << baseline.error().detail() << "\n";
      return 1;
    }
    copy_options.baseline = std::move(*baseline);
  }
  store::CopyRefused refused;
  auto copied = store::copy_store((*from)->db(), (*to)->db(), copy_options, &refused);
  if (!copied && !refused.tables.empty()) {
    std::cerr
        << "civicgrid: " << copied.error().message_zh() << "\n"
        << "civicgrid: " << copied.error().message_en() << "\n"
        << "目标库中这些表已有数据（表名 行数）/ tables of the target holding data (table rows):\n";
    for (const auto& t : refused.tables) std::cerr << "  " << t.table << " " << t.rows << "\n";
    std::cerr << "合并多个存储尚不支持（id 会冲突）；请使用空的目标库，或以 --replace "
                 "删除目标库现有数据 / "
                 "merging stores is not supported (their ids collide); use an empty target, or "
                 "--replace to delete the target's data\n";
    return kRefused;
  }
  if (!copied) {
    std::cerr << "civicgrid: 迁移失败，目标库未改变 / copy failed, the target is unchanged: "
              << copied.error().message_en() << " " << copied.error().detail() << "\n";
    return 1;
  }
  bool all_equal = true;
  std::printf("%-28s %12s %16s %12s %16s  %s\n", "table", "rows(from)", "checksum(from)",
              "rows(to)", "checksum(to)", "result");
  for (const std::string& table : *copied) {
    auto a = store::table_sum((*from)->db(), table);
    auto b = store::table_sum((*to)->db(), table);
    if (!a || !b) {
      std::cerr << "civicgrid: cannot check " << table << "\n";
      return 1;
    }
    const bool equal = a->rows == b->rows && a->checksum == b->checksum;
    all_equal = all_equal && equal;
    std::printf("%-28s %12lld %016llx %12lld %016llx  %s\n", table.c_str(),
                static_cast<long long>(a->rows), static_cast<unsigned long long>(a->checksum),
                static_cast<long long>(b->rows), static_cast<unsigned long long>(b->checksum),
                equal ? "ok" : "DIFFERENT");
  }
  std::printf(all_equal ? "迁移完成，各表一致 / copied, every table matches\n"
                        : "迁移后存在差异 / tables differ after the copy\n");
  return all_equal ? 0 : 1;
}

}  // namespace

void add_migrate_store_command(CLI::App& cli, int& exit_code) {
  struct Opts {
    std::string from, to;
    bool replace = false;
  };
  auto opt = std::make_shared<Opts>();
  auto* cmd = cli.add_subcommand("migrate-store",
                                 "迁移存储到另一数据库 / copy the store to another database");
  cmd->add_option("--from", opt->from, "source: sqlite:PATH, a data directory, or postgresql://...")
      ->required();
  cmd->add_option("--to", opt->to, "target: postgresql://... (or sqlite:PATH)")->required();
  cmd->add_flag(
      "--replace", opt->replace,
      "删除目标库现有数据后再复制 / delete the target's data instead of refusing a target "
      "that holds data");
  cmd->callback([opt, &exit_code] { exit_code = migrate_store(opt->from, opt->to, opt->replace); });
}

}  // namespace civicgrid::app
