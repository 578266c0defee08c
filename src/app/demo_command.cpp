// `civicgrid demo generate --data DIR --cases N --seed S`: a synthetic district (src/demo) written
// straight into a new store by the bulk loader (cases/bulk_load.h). Generation runs on one thread
// and the SQLite writer on another; progress goes to stderr, a JSON summary (what was written, by
// status, channel, category, street, month and department, and the timings) to stdout.
//
// The bulk loader writes SQLite only. For another engine (`--db postgresql://…`) the district is
// generated into a temporary SQLite store and then copied table by table (store/copy_store.h, the
// code of `migrate-store`), with each table's row count and checksum compared after the copy.
//
// Exit codes: 0 done, 2 a bad argument or a store that already has cases (or, on another engine,
// users), 1 the store failed.
#include <unistd.h>

#include <filesystem>

#include <boost/json.hpp>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <iostream>
#include <mutex>
#include <thread>

#include "app/app.h"
#include "app/commands.h"
#include "app/demo_district.h"
#include "cases/bulk_load.h"
#include "demo/synthetic.h"
#include "store/copy_store.h"

namespace civicgrid::app {

namespace {

namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;

constexpr size_t kBatch = 4096;    // cases handed from the generator to the writer at a time
constexpr size_t kQueueDepth = 4;  // batches waiting at most

struct DemoOptions {
  StoreOptions store;
  std::int64_t cases = 10000;
  std::uint64_t seed = 1;
  std::string from;  // default: three years before `to`
  std::string to = "2026-10-01";
  bool quiet = false;
};

// CPU time of the calling thread: wall times on a shared machine say little about where the work
// is.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Batches from the generator thread to the writer, bounded so memory stays flat. Written batches
// go back to the generator, which overwrites them: the writer neither frees nor allocates cases.
class BatchQueue {
 public:
  // A written batch to fill again, or an empty one.
  std::vector<cases::LoadedCase> spare() {
    std::lock_guard lock(mu_);
    if (spare_.empty()) return {};
    auto b = std::move(spare_.back());
    spare_.pop_back();
    return b;
  }
  void push(std::vector<cases::LoadedCase> b) {
    std::unique_lock lock(mu_);
    room_.wait(lock, [&] { return q_.size() < kQueueDepth; });
    q_.push_back(std::move(b));
    ready_.notify_one();
  }
  void close(std::string error = {}) {
    std::lock_guard lock(mu_);
    closed_ = true;
    error_ = std::move(error);
    ready_.notify_all();
  }
  // False when closed and drained.
  bool pop(std::vector<cases::LoadedCase>& out) {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return !q_.empty() || closed_; });
    if (!out.empty() && spare_.size() < kQueueDepth) spare_.push_back(std::move(out));
    if (q_.empty()) return false;
    out = std::move(q_.front());
    q_.pop_front();
    room_.notify_one();
    return true;
  }
  std::string error() {
    std::lock_guard lock(mu_);
    return error_;
  }

 private:
  std::mutex mu_;
  std::condition_variable ready_, room_;
  std::deque<std::vector<cases::LoadedCase>> q_;
  std::vector<std::vector<cases::LoadedCase>> spare_;
  bool closed_ = false;
  std::string error_;
};

void print_progress(std::int64_t done, std::int64_t total, SteadyClock::time_point start,
                    bool final) {
  const double t = std::chrono::duration<double>(SteadyClock::now() - start).count();
  const double frac = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1;
  constexpr int kWidth = 30;
  std::string bar(static_cast<size_t>(frac * kWidth), '#');
  bar.resize(kWidth, '.');
  std::fprintf(stderr, "\r[%s] %3.0f%%  %lld cases  %.0f cases/s  %.1f s   %s", bar.c_str(),
               frac * 100, static_cast<long long>(done), t > 0 ? done / t : 0.0, t,
               final ? "\n" : "");
  std::fflush(stderr);
}

json::object to_json(const std::map<std::string, std::int64_t>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

int fail_with(const Error& e, int code) {
  std::cerr << "civicgrid: " << e.message_zh() << " / " << e.message_en()
            << (e.detail().empty() ? "" : ": " + e.detail()) << "\n";
  return code;
}

// Generates into the SQLite store of `opt.store`; on success fills `summary` and returns 0.
int generate_into_sqlite(const DemoOptions& opt, const std::string& db_file,
                         json::object& summary) {
  if (opt.cases < 1 || opt.cases > 100'000'000) {
    std::cerr << "civicgrid: --cases 应为 1 到 100000000 / --cases must be from 1 to 100000000\n";
    return 2;
  }
  const auto to_day = parse_iso_date(opt.to);
  const auto from_day = opt.from.empty() ? std::optional<std::int64_t>(to_day.value_or(0) - 1096)
                                         : parse_iso_date(opt.from);
  if (!to_day || !from_day || *from_day >= *to_day) {
    std::cerr << "civicgrid: --from/--to 应为日期 YYYY-MM-DD 且 from < to / --from and --to must "
                 "be dates YYYY-MM-DD with from < to\n";
    return 2;
  }
  const auto start = SteadyClock::now();
  SystemClock clock;
  std::shared_ptr<const identity::OrgTree> tree;
  std::shared_ptr<const cases::Catalog> catalog;
  std::optional<WorkCalendar> calendar;
  {
    auto app = App::open(opt.store, clock);
    if (!app) return fail_with(app.error(), 2);
    const std::string dir = find_shipped_dir("data/demo");
    if (dir.empty()) {
      std::cerr << "civicgrid: data/demo not found\n";
      return 1;
    }
    if (auto u = load_demo_units(**app, dir); !u) return fail_with(u.error(), 1);
    if (auto c = load_demo_catalog(**app, dir); !c) return fail_with(c.error(), 1);
    tree = (*app)->identity().org_tree();
    catalog = (*app)->cases().catalog();
    calendar.emplace((*app)->calendar());
    (*app)->db().close();
  }
  auto messages = demo::load_messages(find_shipped_dir("data/demo") + "/messages.csv");
  if (!messages) return fail_with(messages.error(), 1);

  demo::GeneratorOptions gen_opt{opt.cases, opt.seed, *from_day, *to_day};
  demo::SyntheticDistrict district(tree, catalog, *calendar, std::move(*messages), gen_opt);
  BatchQueue queue;
  double generator_cpu = 0;
  std::thread generator([&] {
    try {
      std::vector<cases::LoadedCase> batch(kBatch);
      size_t n = 0;
      while (district.next(batch[n].c, batch[n].events))
        if (++n == kBatch) {
          queue.push(std::move(batch));
          batch = queue.spare();
          batch.resize(kBatch);
          n = 0;
        }
      batch.resize(n);
      if (n) queue.push(std::move(batch));
      queue.close();
    } catch (const std::exception& e) {
      queue.close(e.what());
    }
    generator_cpu = thread_cpu_seconds();
  });
  const double writer_cpu_start = thread_cpu_seconds();
  auto last_print = SteadyClock::now();
  auto stats = cases::bulk_load_sqlite(
      db_file, [&](std::vector<cases::LoadedCase>& b) { return queue.pop(b); },
      [&](std::int64_t written) {
        if (opt.quiet || SteadyClock::now() - last_print < std::chrono::milliseconds(200)) return;
        last_print = SteadyClock::now();
        print_progress(written, opt.cases, start, false);
      });
  if (!stats) {
    queue.close();  // unblock the generator
    std::vector<cases::LoadedCase> drain;
    while (queue.pop(drain)) {
    }
  }
  const double writer_cpu = thread_cpu_seconds() - writer_cpu_start;
  generator.join();
  if (!stats) return fail_with(stats.error(), stats.error().code() == ErrorCode::kConflict ? 2 : 1);
  if (auto err = queue.error(); !err.empty()) {
    std::cerr << "civicgrid: generation failed: " << err << "\n";
    return 1;
  }
  const double seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  if (!opt.quiet) print_progress(stats->cases, opt.cases, start, true);

  const auto& k = district.counts();
  summary = json::object{
      {"cases", stats->cases},
      {"events", stats->events},
      {"seed", opt.seed},
      {"from", format_iso_date(*from_day)},
      {"to", format_iso_date(*to_day)},
      {"seconds", seconds},
      {"cases_per_second", seconds > 0 ? static_cast<double>(stats->cases) / seconds : 0.0},
      {"insert_seconds", std::chrono::duration<double>(stats->insert_time).count()},
      {"generator_cpu_seconds", generator_cpu},
      {"writer_cpu_seconds", writer_cpu},
      {"overdue", k.overdue},
      {"returned", k.returned},
      {"reworked", k.reworked},
      {"extended", k.extended},
      {"evaluated", k.evaluated},
      {"by_status", to_json(k.by_status)},
      {"by_channel", to_json(k.by_channel)},
      {"by_type", to_json(k.by_type)},
      {"by_category", to_json(k.by_category1)},
      {"by_street", to_json(k.by_street)},
      {"by_month", to_json(k.by_month)},
      {"by_department", to_json(k.by_department)}};

  // The generated history is marked in the audit chain by one entry naming what was written.
  auto app = App::open(opt.store, clock);
  if (!app) return fail_with(app.error(), 1);
  const char* user = std::getenv("USER");
  json::object detail{{"cases", stats->cases},
                      {"events", stats->events},
                      {"seed", opt.seed},
                      {"from", format_iso_date(*from_day)},
                      {"to", format_iso_date(*to_day)},
                      {"first_case_id", 1},
                      {"last_case_id", stats->cases}};
  if (auto a = (*app)->audit().append(
          audit::Entry{std::string("cli:") + (user ? user : std::to_string(getuid())),
                       "demo.generate", "case", "", "", "", "ok", json::serialize(detail)});
      !a)
    return fail_with(a.error(), 1);
  return 0;
}

// Another engine: refuses a target that already has cases or users (the copy replaces the
// target's tables), generates into a temporary SQLite store, copies it and checks every table.
int generate_into_other(const DemoOptions& opt, const std::string& target, json::object& summary) {
  SystemClock clock;
  StoreOptions target_options = opt.store;
  target_options.db_url = target;
  auto to = App::open(target_options, clock);
  if (!to) return fail_with(to.error(), 2);
  for (const char* table : {"cases", "users"}) {
    auto sum = store::table_sum((*to)->db(), table);
    if (!sum) return fail_with(sum.error(), 1);
    if (sum->rows > 0) {
      std::cerr << "civicgrid: 目标库已有数据（" << table << "），合成辖区只写入新库 / the target "
                << "already has " << table << "; a synthetic district goes into a new store\n";
      return 2;
    }
  }
  std::error_code ec;
  const auto staging =
      std::filesystem::temp_directory_path(ec) / ("civicgrid-demo-" + std::to_string(getpid()));
  std::filesystem::remove_all(staging, ec);
  std::filesystem::create_directories(staging, ec);
  if (ec) {
    std::cerr << "civicgrid: cannot create " << staging << ": " << ec.message() << "\n";
    return 1;
  }
  struct Cleanup {
    std::filesystem::path dir;
    ~Cleanup() {
      std::error_code e;
      std::filesystem::remove_all(dir, e);
    }
  } cleanup{staging};
  DemoOptions staged = opt;
  const std::string file = (staging / "civicgrid.db").string();
  staged.store.data_dir = staging.string();
  staged.store.db_url = "sqlite:" + file;
  if (int rc = generate_into_sqlite(staged, file, summary); rc != 0) return rc;

  const auto start = SteadyClock::now();
  auto from = App::open(staged.store, clock);
  if (!from) return fail_with(from.error(), 1);
  // The target was checked above (no cases, no users); its seed rows are replaced.
  auto copied = store::copy_store((*from)->db(), (*to)->db(), {.replace = true});
  if (!copied) return fail_with(copied.error(), 1);
  for (const std::string& table : *copied) {
    auto a = store::table_sum((*from)->db(), table);
    auto b = store::table_sum((*to)->db(), table);
    if (!a || !b || a->rows != b->rows || a->checksum != b->checksum) {
      std::cerr << "civicgrid: 复制后表不一致 / table differs after the copy: " << table << "\n";
      return 1;
    }
  }
  summary["copy_seconds"] = std::chrono::duration<double>(SteadyClock::now() - start).count();
  summary["tables_copied"] = static_cast<std::int64_t>(copied->size());
  return 0;
}

int run_generate(DemoOptions opt) {
  // --db, else $CIVICGRID_DB (as every store command), else the SQLite file in --data.
  std::string target = opt.store.db_url;
  if (const char* env = std::getenv("CIVICGRID_DB"); target.empty() && env) target = env;
  json::object summary;
  int rc = 0;
  if (target.empty()) {
    rc = generate_into_sqlite(opt, opt.store.data_dir + "/civicgrid.db", summary);
  } else if (target.starts_with("sqlite:")) {
    rc = generate_into_sqlite(opt, target.substr(7), summary);
  } else {
    rc = generate_into_other(opt, target, summary);
  }
  if (rc == 0) std::cout << json::serialize(summary) << "\n";
  return rc;
}

}  // namespace

void add_demo_commands(CLI::App& cli, int& exit_code) {
  auto opt = std::make_shared<DemoOptions>();
  auto* demo = cli.add_subcommand("demo", "演示数据 / demo data");
  demo->require_subcommand(1);
  auto* gen = demo->add_subcommand(
      "generate", "生成合成辖区的历史工单 / generate a synthetic district's case histories");
  gen->add_option("--data", opt->store.data_dir, "data directory (a new SQLite store)")
      ->capture_default_str();
  gen->add_option(
      "--db", opt->store.db_url,
      "database URL (overrides --data; postgresql:// goes through a temporary SQLite store)");
  gen->add_option("--cases", opt->cases, "number of cases")->capture_default_str();
  gen->add_option("--seed", opt->seed, "random seed (same seed, same district)")
      ->capture_default_str();
  gen->add_option("--from", opt->from, "first intake date (default: three years before --to)");
  gen->add_option("--to", opt->to, "end date (exclusive), the generated \"now\"")
      ->capture_default_str();
  gen->add_flag("--quiet", opt->quiet, "no progress on stderr");
  gen->callback([opt, &exit_code] { exit_code = run_generate(*opt); });
}

}  // namespace civicgrid::app
