// Helper of bench/cube_snapshot_bench.sh at city scale: the cube and the staff ledger filled in
// memory by the synthetic district (src/demo; M distinct cases cycled with new ids up to N, as
// bench/analytics_scale does), then the snapshot written (capture + write_file) and loaded into a
// fresh cube and ledger — with the file's pages dropped from the page cache first, so the load
// reads the disk — and a few answers compared between the two. The loads: cold and warm with the
// derived structures rebuilt on two threads, then warm on one.
// Output: one JSON object per line on stdout.
//
// With --load-only, an existing file is loaded (as written by an earlier run) without filling a
// cube first, and the loads' answers are compared with each other's.
//
// Usage: cube_snapshot_scale --cases N [--distinct M] [--file PATH] [--data DIR] [--load-only]
#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>

#include "analytics/cube_snapshot.h"
#include "analytics/query.h"
#include "bench_district.h"
#include "demo/synthetic.h"

namespace json = boost::json;
using namespace civicgrid;
using SteadyClock = std::chrono::steady_clock;

namespace {

double s_since(SteadyClock::time_point t) {
  return std::chrono::duration<double>(SteadyClock::now() - t).count();
}

// Counts by category and month, and rates and indicators by street: enough to see that the
// loaded cube is the same cube.
std::string answers(const analytics::Cube& cube, std::int64_t today) {
  identity::DataScope all;
  all.all = true;
  analytics::CountQuery q{{analytics::Dim::kCategory, analytics::Dim::kMonth}, 1, {}, {}, {}, 0};
  const auto units = analytics::unit_counts(cube, analytics::UnitBy::kStreet, {}, all,
                                            analytics::RateConfig{}, today);
  return json::serialize(analytics::run_counts(cube, q, all)) +
         json::serialize(
             analytics::rates_json(units, analytics::UnitBy::kStreet, analytics::RateConfig{})) +
         json::serialize(analytics::indicators_json(units));
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t n = 1000000, distinct = 1000000;
  std::string file = "/tmp/cube-snapshot-scale/cube.snapshot", data = "/tmp/cube-snapshot-scale";
  bool load_only = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--load-only")) {
      load_only = true;
      continue;
    }
    if (i + 1 == argc) break;
    if (!std::strcmp(argv[i], "--cases")) n = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--distinct")) distinct = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--file")) file = argv[i + 1];
    if (!std::strcmp(argv[i], "--data")) data = argv[i + 1];
    ++i;
  }
  std::filesystem::create_directories(std::filesystem::path(file).parent_path());
  auto district_data = bench::open_bench_district(data);
  if (!district_data) return 1;
  const auto& [clock, app, tree, catalog, messages, to_day] = *district_data;
  std::string expected;
  auto t = SteadyClock::now();
  if (!load_only) {
    demo::SyntheticDistrict district(tree, catalog, app->calendar(),
                                     std::move(district_data->messages),
                                     {std::min(distinct, n), 1, to_day - 1096, to_day});

    auto cube = std::make_unique<analytics::Cube>(app->calendar());
    auto staff = std::make_unique<analytics::StaffLedger>(app->calendar());
    cube->set_reference(tree, catalog);
    t = SteadyClock::now();
    std::vector<std::pair<cases::Case, std::vector<cases::CaseEvent>>> kept;
    cases::Case c;
    std::vector<cases::CaseEvent> events;
    std::int64_t id = 1;
    for (; id <= n && district.next(c, events); ++id) {
      c.id = id;
      c.version = 1;
      cube->update(c, events);
      staff->update(c, events);
      if (distinct < n) kept.emplace_back(c, events);
    }
    for (size_t i = 0; id <= n && !kept.empty(); ++id, i = (i + 1) % kept.size()) {
      kept[i].first.id = id;
      for (auto& e : kept[i].second) e.case_id = id;
      cube->update(kept[i].first, kept[i].second);
      staff->update(kept[i].first, kept[i].second);
    }
    kept.clear();
    kept.shrink_to_fit();
    std::cout << json::serialize(json::object{{"what", "fill"},
                                              {"cases", cube->cases()},
                                              {"staff_facts", staff->facts()},
                                              {"seconds", s_since(t)}})
              << std::endl;
    expected = answers(*cube, to_day);

    t = SteadyClock::now();
    double locked_s = 0;
    std::string image =
        analytics::CubeSnapshot::capture(*cube, *staff, 0, district_data->clock.now(), &locked_s);
    const double capture_s = s_since(t);
    t = SteadyClock::now();
    if (auto w = analytics::CubeSnapshot::write_file(file, image); !w) {
      std::cerr << w.error().message_en() << "\n";
      return 1;
    }
    std::cout << json::serialize(json::object{
                     {"what", "write"},
                     {"bytes", image.size()},
                     {"bytes_per_case", static_cast<double>(image.size()) / static_cast<double>(n)},
                     {"capture_s", capture_s},
                     {"locks_held_s", locked_s},
                     {"write_fsync_rename_s", s_since(t)}})
              << std::endl;
    std::string().swap(image);
    cube.reset();
    staff.reset();
  }

  // Cold and warm on two threads, then warm on one (the derived parts one after the other).
  for (const auto& [cold, threads] : {std::pair{true, 2}, {false, 2}, {false, 1}}) {
    if (cold) {  // only this file's pages leave the page cache
      const int fd = ::open(file.c_str(), O_RDONLY);
      ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
      ::close(fd);
    }
    analytics::Cube loaded(app->calendar());
    analytics::StaffLedger loaded_staff(app->calendar());
    loaded.set_reference(tree, catalog);
    t = SteadyClock::now();
    auto w = analytics::CubeSnapshot::load(file, loaded, loaded_staff, threads);
    const double load_s = s_since(t);
    if (!w) {
      std::cerr << w.error().message_en() << "\n";
      return 1;
    }
    // Without a filled cube to compare with, the first load's answers are the reference.
    const std::string got = answers(loaded, to_day);
    if (expected.empty()) expected = got;
    std::cout << json::serialize(json::object{{"what", cold ? "load_cold" : "load_warm"},
                                              {"derive_threads", w->derive.threads},
                                              {"cases", loaded.cases()},
                                              {"staff_facts", loaded_staff.facts()},
                                              {"load_s", load_s},
                                              {"read_s", w->read_s},
                                              {"derive_s", w->derive_s},
                                              {"order_s", w->derive.order_s},
                                              {"indexes_s", w->derive.indexes_s},
                                              {"rollups_s", w->derive.rollups_s},
                                              {"rollups2_s", w->derive.rollups2_s},
                                              {"merge_s", w->derive.merge_s},
                                              {"repeat_fix_s", w->derive.repeat_fix_s},
                                              {"same_answers", got == expected}})
              << std::endl;
  }
  return 0;
}
