// `civicgrid migrate-store --from sqlite:PATH --to postgresql://...`: moves a store to another
// engine (a county's SQLite file into the city's PostgreSQL), then prints per table the row count
// and checksum on both sides and fails when any differs. See src/store/copy_store.h.
#include <cstdio>
#include <iostream>

#include "app/app.h"
#include "app/commands.h"
#include "store/copy_store.h"

namespace civicgrid::app {

namespace {

int migrate_store(const std::string& from_url, const std::string& to_url) {
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
  auto copied = store::copy_store((*from)->db(), (*to)->db());
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
  };
  auto opt = std::make_shared<Opts>();
  auto* cmd = cli.add_subcommand("migrate-store",
                                 "迁移存储到另一数据库 / copy the store to another database");
  cmd->add_option("--from", opt->from, "source: sqlite:PATH, a data directory, or postgresql://...")
      ->required();
  cmd->add_option("--to", opt->to, "target: postgresql://... (or sqlite:PATH)")->required();
  cmd->callback([opt, &exit_code] { exit_code = migrate_store(opt->from, opt->to); });
}

}  // namespace civicgrid::app
