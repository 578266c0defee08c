// Helper of bench/analytics_scale.sh: a synthetic district of N distinct cases (src/demo, the
// generator of `civicgrid demo generate`) fed straight into the analytics cube in memory — the same
// Cube::update the server's change listener and start-up rebuild call — without a SQLite store.
// Then:
//   - the cube's memory per case, broken down (columns, rollups, day index, 复诉 index);
//   - the latency of the benchmark and cockpit questions answered by the cube's query functions
//     (run_counts, unit_counts + rates_json / indicators_json, the insights, as the HTTP handlers
//     call them), best of 5, next to the same cube with its rollups switched off;
//   - with --csv FILE, the cube's rows as a flat fact table (one line per case, codes as text), for
//     DuckDB and a flat SQLite table to answer the same questions from the same facts.
// Output: one JSON object per line on stdout, progress on stderr.
//
// Generation runs the case rules (≈ 10 µs a case), so --threads T (default 2) generators run side
// by side, each a district of N / T cases with its own seed over the same days; the cube is fed
// their cases merged by intake time, so ids follow intake order as in a store. Every case is
// distinct (no case is fed twice).
//
// With --snapshot FILE, the filled cube's base columns are saved there (cube_snapshot.h) after
// feeding, and a later run with the same option loads them instead of generating again (minutes
// instead of a quarter of an hour at 25 M); the derived structures (rollups, indexes) are always
// rebuilt by this build's code, so a file from an earlier build measures the current one.
//
// Usage: analytics_scale --cases N [--seed S] [--threads T] [--csv FILE] [--data DIR]
//                        [--snapshot FILE] [--only q3,i1,...]   (--only: those questions alone)
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>

#include "analytics/cube.h"
#include "analytics/cube_snapshot.h"
#include "analytics/insights.h"
#include "analytics/query.h"
#include "bench_district.h"
#include "demo/synthetic.h"

namespace json = boost::json;
using namespace civicgrid;
using SteadyClock = std::chrono::steady_clock;

namespace {

double ms_since(SteadyClock::time_point t) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - t).count();
}

template <typename F>
double best_of_5(F&& f) {
  double best = 1e18;
  for (int i = 0; i < 5; ++i) {
    const auto t = SteadyClock::now();
    f();
    best = std::min(best, ms_since(t));
  }
  return best;
}

constexpr cases::Action kFactEvents[] = {cases::Action::kDispatch, cases::Action::kAccept,
                                         cases::Action::kApproveExtension};

// A generated case as the cube's rebuild gets it from CaseService::scan: no texts, and only the
// events that carry facts the case row lacks.
using Lean = std::pair<cases::Case, std::vector<cases::CaseEvent>>;

// One generator thread's output: batches in intake order, at most kMaxBatches waiting.
class Stream {
 public:
  static constexpr size_t kBatch = 4096, kMaxBatches = 16;

  void start(demo::SyntheticDistrict& district) {
    thread_ = std::thread([this, &district] { run(district); });
  }
  // The next case, or nullptr at the end; valid until the following call.
  Lean* next() {
    if (pos_ < current_.size()) return &current_[pos_++];
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !batches_.empty() || done_; });
    if (batches_.empty()) return nullptr;
    current_ = std::move(batches_.front());
    batches_.pop_front();
    cv_.notify_all();
    pos_ = 1;
    return &current_[0];
  }
  void join() { thread_.join(); }

 private:
  void run(demo::SyntheticDistrict& district) {
    std::vector<Lean> batch;
    cases::Case c;
    std::vector<cases::CaseEvent> events;
    auto flush = [&] {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return batches_.size() < kMaxBatches; });
      batches_.push_back(std::move(batch));
      batch.clear();
      cv_.notify_all();
    };
    while (district.next(c, events)) {
      std::vector<cases::CaseEvent> facts;
      for (auto& e : events)
        for (auto a : kFactEvents)
          if (e.action == a) facts.push_back(std::move(e));
      for (auto* text : {&c.title, &c.description, &c.address, &c.contact_name, &c.contact_phone,
                         &c.reply, &c.extension_reason})
        std::string().swap(*text);
      if (!c.result.empty()) c.result = "-";
      batch.emplace_back(std::move(c), std::move(facts));
      if (batch.size() == kBatch) flush();
    }
    if (!batch.empty()) flush();
    std::unique_lock lock(mu_);
    done_ = true;
    cv_.notify_all();
  }

  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::vector<Lean>> batches_;
  bool done_ = false;
  std::vector<Lean> current_;
  size_t pos_ = 0;
};

// Entries and bytes of each rollup table.
json::object rollup_tables(const analytics::Rollups& r) {
  json::object o;
  auto put = [&](const char* name, const auto& t) {
    o[name] = json::object{{"entries", t.entries()}, {"bytes", t.memory_bytes()}};
  };
  put("places_month", r.places_month);
  put("places_year", r.places_year);
  put("places_all", r.places_all);
  put("attrs_month", r.attrs_month);
  put("attrs_year", r.attrs_year);
  put("category2_day", r.category2_day);
  put("category2_month", r.category2_month);
  put("category1_month", r.category1_month);
  put("overdue_by_deadline", r.overdue_by_deadline);
  put("category_units_year", r.category_units_year);
  put("status_day", r.status_day);
  put("units_day", r.units_day);
  put("units_month", r.units_month);
  put("due_day", r.due_day);
  put("due_month", r.due_month);
  put("open_by_deadline", r.open_by_deadline);
  return o;
}

// Feeds the cube N generated cases (see the top of the file); the milliseconds spent in
// Cube::update.
double fill(analytics::Cube& cube, const bench::BenchDistrict& d, std::int64_t n,
            std::int64_t threads, std::uint64_t seed) {
  const auto& app = d.app;
  const std::int64_t to_day = d.to_day;
  std::vector<std::unique_ptr<demo::SyntheticDistrict>> districts;
  std::vector<Stream> streams(static_cast<size_t>(threads));
  for (std::int64_t i = 0; i < threads; ++i) {
    const std::int64_t share = n / threads + (i < n % threads ? 1 : 0);
    districts.push_back(std::make_unique<demo::SyntheticDistrict>(
        d.tree, d.catalog, app->calendar(), d.messages,
        demo::GeneratorOptions{share, seed + 7919 * static_cast<std::uint64_t>(i), to_day - 1096,
                               to_day}));
  }

  const auto t = SteadyClock::now();
  for (size_t i = 0; i < streams.size(); ++i) streams[i].start(*districts[i]);
  double update_ms = 0;
  // Merge the streams by intake time: the head of each stream, the earliest fed first.
  std::vector<Lean*> heads;
  for (auto& s : streams) heads.push_back(s.next());
  for (std::int64_t id = 1;; ++id) {
    size_t pick = heads.size();
    for (size_t i = 0; i < heads.size(); ++i)
      if (heads[i] &&
          (pick == heads.size() || heads[i]->first.created_at < heads[pick]->first.created_at))
        pick = i;
    if (pick == heads.size()) break;
    cases::Case& c = heads[pick]->first;
    c.id = id;
    c.version = 1;
    const auto u = SteadyClock::now();
    cube.update(c, heads[pick]->second);
    update_ms += ms_since(u);
    heads[pick] = streams[pick].next();
    if (id % 1000000 == 0)
      std::cerr << "generated and fed " << id / 1000000 << " M of " << n / 1e6 << " M cases, "
                << static_cast<std::int64_t>(ms_since(t) / 1000) << " s, cube updates "
                << static_cast<std::int64_t>(update_ms / 1000) << " s\n"
                << std::flush;
  }
  for (auto& s : streams) s.join();
  districts.clear();
  return update_ms;
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t n = 1000000, threads = 2;
  std::uint64_t seed = 1;
  std::string csv, data = "/tmp/analytics-scale-store", snapshot, only;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--cases")) n = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--threads")) threads = std::max(1LL, std::atoll(argv[i + 1]));
    if (!std::strcmp(argv[i], "--seed")) seed = std::strtoull(argv[i + 1], nullptr, 10);
    if (!std::strcmp(argv[i], "--csv")) csv = argv[i + 1];
    if (!std::strcmp(argv[i], "--data")) data = argv[i + 1];
    if (!std::strcmp(argv[i], "--snapshot")) snapshot = argv[i + 1];
    if (!std::strcmp(argv[i], "--only")) only = "," + std::string(argv[i + 1]) + ",";
  }
  auto district_data = bench::open_bench_district(data);
  if (!district_data) return 1;
  const auto& app = district_data->app;
  const auto& tree = district_data->tree;
  const auto& catalog = district_data->catalog;
  const std::int64_t to_day = district_data->to_day;
  analytics::Cube cube(app->calendar());
  cube.set_reference(tree, catalog);
  analytics::StaffLedger staff(app->calendar());
  auto t = SteadyClock::now();
  double update_ms = 0;
  bool loaded = false;
  if (!snapshot.empty() && std::ifstream(snapshot).good()) {
    auto w = analytics::CubeSnapshot::load(snapshot, cube, staff);
    if (!w) {
      std::cerr << "cannot load " << snapshot << ": " << w.error().message_en() << "\n";
      return 1;
    }
    loaded = true;
    std::cerr << "loaded " << cube.cases() << " cases from " << snapshot << " in "
              << static_cast<std::int64_t>(ms_since(t) / 1000) << " s (derived structures "
              << w->derive_s << " s)\n";
    std::cout << json::serialize(json::object{{"what", "snapshot_load"},
                                              {"file", snapshot},
                                              {"read_s", w->read_s},
                                              {"derive_s", w->derive_s}})
              << std::endl;
  } else {
    update_ms = fill(cube, *district_data, n, threads, seed);
  }
  if (!snapshot.empty() && !loaded) {
    if (auto w = analytics::CubeSnapshot::write_file(
            snapshot, analytics::CubeSnapshot::capture(cube, staff, 0, 0));
        !w) {
      std::cerr << "cannot write " << snapshot << ": " << w.error().message_en() << "\n";
      return 1;
    }
  }
  const double cases_n = static_cast<double>(cube.cases());
  const double columns = static_cast<double>(cube.memory_bytes());
  const double rollups = static_cast<double>(cube.rollup_memory_bytes());
  const double repeat = static_cast<double>(cube.repeat_index_bytes());
  const double days = static_cast<double>(cube.day_index_bytes());
  std::cout << json::serialize(json::object{
                   {"what", "build"},
                   {"cases", cube.cases()},
                   {"generate_and_update_ms", ms_since(t)},
                   {"cube_update_ms", update_ms},
                   {"bytes_per_case_columns", analytics::Cube::bytes_per_case()},
                   {"bytes_per_case_allocated", columns / cases_n},
                   {"rollup_entries", cube.rollups_.entries()},
                   {"rollup_bytes", rollups},
                   {"repeat_index_bytes", repeat},
                   {"day_index_bytes", days},
                   {"bytes_per_case_total", (columns + rollups + repeat + days) / cases_n},
                   {"rollup_tables", rollup_tables(cube.rollups_)}})
            << std::endl;

  // The questions (same as analytics_scale.sh asks DuckDB and SQLite).
  identity::DataScope all;
  all.all = true;
  const analytics::RateConfig config;
  const std::int64_t today = to_day;
  auto counts = [&](std::vector<analytics::Dim> dims, int level,
                    std::vector<std::pair<analytics::Dim, std::string>> filters,
                    std::optional<std::int64_t> from, std::optional<std::int64_t> to, int top) {
    analytics::CountQuery q{std::move(dims), level, std::move(filters), from, to, top};
    return [&cube, &all, q] { return analytics::run_counts(cube, q, all); };
  };
  using analytics::Dim;
  struct Question {
    const char* name;
    std::function<json::object()> run;
  };
  const Question questions[] = {
      {"q1_category1_by_month", counts({Dim::kCategory, Dim::kMonth}, 1, {}, {}, {}, 0)},
      {"q2_closed_by_street_one_year",
       counts({Dim::kStreet}, 1, {{Dim::kStatus, "closed"}}, *parse_iso_date("2025-01-01"),
              *parse_iso_date("2026-01-01"), 0)},
      {"q3_top10_categories_of_a_street",
       counts({Dim::kCategory}, 3, {{Dim::kStreet, "MH-S01"}}, {}, {}, 10)},
      {"q4_rates_by_department",
       [&] {
         auto lock = cube.lock_shared();
         auto u = analytics::unit_counts(cube, analytics::UnitBy::kDepartment, {}, all, config,
                                         today, false);
         return analytics::rates_json(u, analytics::UnitBy::kDepartment, config);
       }},
      {"q5_indicators_by_street", [&] {
         auto lock = cube.lock_shared();
         auto u =
             analytics::unit_counts(cube, analytics::UnitBy::kStreet, {}, all, config, today, true);
         return analytics::indicators_json(u);
       }}};
  // "cube" answers from the rollups; "cube-scan" is the same cube with the rollups switched off
  // (every query scans the columns), and the two answers must be the same.
  // The web cockpit's queries (CockpitPage.vue) for a 30-day range that is not a calendar month,
  // over everything and in one street's data scope, and a year by month: cube only (not in the
  // SQL set).
  const std::int64_t from30 = *parse_iso_date("2026-08-31"), to30 = *parse_iso_date("2026-09-30");
  identity::DataScope street;
  {
    auto lock = cube.lock_shared();
    for (size_t i = 1; i < cube.areas_.size(); ++i)
      if (cube.areas_.code(i).starts_with("MH-S01")) street.areas.insert(cube.areas_.code(i));
  }
  auto units = [&](analytics::UnitBy by, const identity::DataScope& scope, bool repeats,
                   int render) {
    return [&, by, repeats, render] {
      auto u = analytics::unit_counts(cube, by, {from30, to30}, scope, config, today, repeats);
      return render == 0   ? analytics::rates_json(u, by, config)
             : render == 1 ? analytics::indicators_json(u)
                           : analytics::league_json(u, by, config, 1);
    };
  };
  auto scoped = [&](std::vector<analytics::Dim> dims, int level) {
    analytics::CountQuery q{std::move(dims), level, {}, from30, to30, 0};
    return [&cube, &street, q] { return analytics::run_counts(cube, q, street); };
  };
  const Question cockpit[] = {
      {"c1_status_30d", counts({Dim::kStatus}, 1, {}, from30, to30, 0)},
      {"c2_day_30d", counts({Dim::kDay}, 1, {}, from30, to30, 0)},
      {"c3_category1_30d", counts({Dim::kCategory}, 1, {}, from30, to30, 0)},
      {"c4_grid_30d", counts({Dim::kGrid}, 1, {}, from30, to30, 0)},
      {"c5_rates_department_30d", units(analytics::UnitBy::kDepartment, all, false, 0)},
      {"c6_rates_street_30d", units(analytics::UnitBy::kStreet, all, false, 0)},
      {"c7_league_department_30d", units(analytics::UnitBy::kDepartment, all, false, 2)},
      {"c8_indicators_department_30d", units(analytics::UnitBy::kDepartment, all, true, 1)},
      {"c9_category1_30d_street_scope", scoped({Dim::kCategory}, 1)},
      {"c10_rates_grid_30d_street_scope", units(analytics::UnitBy::kGrid, street, false, 0)},
      {"c11_category1_by_month_one_year",
       counts({Dim::kCategory, Dim::kMonth}, 1, {}, *parse_iso_date("2025-10-01"), today, 0)}};
  // The cockpit's decision-support panels (insights.h), rendered to the figures they show.
  const std::string top_category = [&] {
    auto r = analytics::run_counts(cube, {{Dim::kCategory}, 1, {}, from30, to30, 1}, all);
    return std::string(r["rows"].as_array().at(0).as_object().at("category").as_string());
  }();
  const Question insights[] = {
      {"i1_warnings_7d",
       [&] {
         json::array rows;
         for (const auto& w : analytics::find_warnings(cube, {.date = today - 1}, all))
           rows.push_back(json::array{w.kind, w.unit, w.category, w.observed});
         return json::object{{"rows", rows}};
       }},
      {"i2_hotspots_30d",
       [&] {
         analytics::HotspotQuery q{{from30, to30}, top_category, analytics::PlaceLevel::kGrid};
         const auto r = analytics::find_hotspots(cube, q, all);
         json::array rows;
         for (const auto& h : r.rows) rows.push_back(json::array{h.place, h.count, h.place_total});
         return json::object{{"total", r.category_total}, {"rows", rows}};
       }},
      {"i3_recurring_6_months",
       [&] {
         json::array rows;
         // The API's default page (50 rows) and the total.
         const auto page = analytics::find_recurring(cube, {.today = today - 1, .limit = 50}, all);
         for (const auto& x : page.rows)
           rows.push_back(json::array{x.place, x.category, x.total, x.series.size()});
         return json::object{{"total", page.total}, {"rows", rows}};
       }},
      {"i4_monthly_topics_year",
       [&] {
         const auto r = analytics::monthly_topics(cube, 2026, all);
         json::array rows;
         for (const auto& x : r.rows) rows.push_back(json::array{x.category, x.h.cases});
         return json::object{{"cases", r.overall.cases}, {"rows", rows}};
       }},
      // Not the cockpit's requests but the API's limits: the longest warning window (31 days,
      // 8 baselines: 279 days read) and the whole recurring list in one page.
      {"i5_warnings_31d",
       [&] {
         json::array rows;
         for (const auto& w :
              analytics::find_warnings(cube, {.date = today - 1, .window = 31}, all))
           rows.push_back(json::array{w.kind, w.unit, w.category, w.observed});
         return json::object{{"rows", rows}};
       }},
      {"i6_recurring_whole_list", [&] {
         json::array rows;
         const auto page =
             analytics::find_recurring(cube, {.today = today - 1, .limit = 10000}, all);
         for (const auto& x : page.rows)
           rows.push_back(json::array{x.place, x.category, x.total, x.series.size()});
         return json::object{{"total", page.total}, {"rows", rows}};
       }}};
  std::vector<Question> all_questions(std::begin(questions), std::end(questions));
  all_questions.insert(all_questions.end(), std::begin(cockpit), std::end(cockpit));
  all_questions.insert(all_questions.end(), std::begin(insights), std::end(insights));
  for (const auto& q : all_questions) {
    // Names start with their short name (q3_…, i1_…).
    const std::string short_name(q.name, std::strcspn(q.name, "_"));
    if (!only.empty() && only.find("," + short_name + ",") == std::string::npos) continue;
    json::object answer, scanned;
    const double ms = best_of_5([&] { answer = q.run(); });
    cube.use_rollups = false;
    const double scan_ms = best_of_5([&] { scanned = q.run(); });
    cube.use_rollups = true;
    for (const auto& [engine, t] : {std::pair{"cube", ms}, std::pair{"cube-scan", scan_ms}})
      std::cout << json::serialize(json::object{{"what", "query"},
                                                {"engine", engine},
                                                {"query", q.name},
                                                {"ms", t},
                                                {"answer_bytes", json::serialize(answer).size()},
                                                {"same_answer", answer == scanned}})
                << std::endl;
  }

  if (!csv.empty()) {
    // The facts as the cube holds them; flags are spelled out so SQL needs no bit arithmetic.
    t = SteadyClock::now();
    std::ofstream out(csv, std::ios::binary);
    out << "id,created_day,month,category1,category3,street,grid,department,status,dispatched,"
           "responded,evaluated,resolved,satisfied,basically,registered,closed,closed_on_time,"
           "overdue,reworked,extended,returned,deadline_day,close_minutes\n";
    auto lock = cube.lock_shared();
    std::string line;
    for (size_t row = 1; row < cube.rows(); ++row) {
      if (cube.status_[row] == analytics::kAbsent) continue;
      const auto f = cube.flags_[row];
      const auto& lv = cube.category_levels_[cube.category_[row]];
      const auto area = cube.area_[row];
      int y = 0;
      unsigned m = 0, d = 0;
      civil_from_days(cube.created_day_[row], y, m, d);
      char month[16];
      std::snprintf(month, sizeof month, "%04d-%02u", y, m);
      const int resolved = (cube.eval_[row] & 3) == analytics::kResolved;
      const int sat = cube.eval_[row] >> 2;
      auto bit = [&](std::uint16_t b) { return (f & b) ? "1" : "0"; };
      line.clear();
      line += std::to_string(row) + "," + std::to_string(cube.created_day_[row]) + "," + month +
              "," + cube.categories_.code(lv[0]) + "," + cube.categories_.code(lv[2]) + "," +
              cube.areas_.code(cube.area_street_[area]) + "," +
              cube.areas_.code(cube.area_grid_[area]) + "," +
              cube.departments_.code(cube.department_[row]) + "," +
              std::string(cases::name(static_cast<cases::Status>(cube.status_[row]))) + "," +
              bit(analytics::kDispatched) + "," +
              ((f & analytics::kAcceptedOnTime) && (f & analytics::kContacted) ? "1" : "0") + "," +
              bit(analytics::kEvaluated) + "," + (resolved ? "1" : "0") + "," +
              (sat == analytics::kSatisfied ? "1" : "0") + "," +
              (sat == analytics::kBasically ? "1" : "0") + "," + bit(analytics::kRegistered) + "," +
              bit(analytics::kClosed) + "," + bit(analytics::kClosedOnTime) + "," +
              bit(analytics::kOverdue) + "," + bit(analytics::kReworked) + "," +
              bit(analytics::kExtended) + "," + bit(analytics::kReturned) + "," +
              std::to_string(cube.deadline_day_[row]) + "," +
              std::to_string(cube.close_minutes_[row]) + "\n";
      out << line;
    }
    std::cout << json::serialize(json::object{{"what", "csv"}, {"file", csv}, {"ms", ms_since(t)}})
              << std::endl;
  }
  return 0;
}
