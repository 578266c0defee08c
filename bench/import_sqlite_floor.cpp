// What one SQLite writer can insert at best: cases shaped like bench/gen_import_jsonl.py's (one
// case row of ~1 KB, one participant, eight events) into the cases module's real schema, with the
// import's settings (WAL, synchronous=FULL, 64 MB cache, temp_store MEMORY, checkpoints every 64
// MB, 2000 cases per transaction, 8 rows per statement) and nothing else: no JSON, no rules, no
// store layer. The history import cannot be faster than this on the same machine.
//
// Build and run (bench/import_bench.sh does it):
//   c++ -O2 -std=c++20 bench/import_sqlite_floor.cpp -lsqlite3 -o floor && ./floor SRC_DIR DB N
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

void check(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::fprintf(stderr, "%s: %s\n", what, sqlite3_errmsg(db));
    std::exit(1);
  }
}

std::string rows(int n, int columns, const char* extra) {
  std::string out;
  for (int r = 0; r < n; ++r) {
    out += r ? ", (" : " (";
    for (int c = 0; c < columns; ++c) out += c ? ", ?" : "?";
    out += std::string(extra) + ")";
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s SRC_DIR DB_FILE CASES\n", argv[0]);
    return 2;
  }
  const std::string src = argv[1], path = argv[2];
  const int n = std::atoi(argv[3]);
  constexpr int kBatch = 2000, kRows = 8, kEvents = 8;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  sqlite3* db = nullptr;
  check(sqlite3_open(path.c_str(), &db), db, "open");
  check(sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536; "
                     "PRAGMA temp_store=MEMORY; PRAGMA wal_autocheckpoint=16384;",
                     nullptr, nullptr, nullptr),
        db, "pragmas");
  std::vector<std::filesystem::path> migrations;
  for (const auto& e : std::filesystem::directory_iterator(src + "/src/cases/migrations/sqlite"))
    migrations.push_back(e.path());
  std::sort(migrations.begin(), migrations.end());
  for (const auto& m : migrations) {
    std::ifstream in(m);
    std::stringstream sql;
    sql << in.rdbuf();
    check(sqlite3_exec(db, sql.str().c_str(), nullptr, nullptr, nullptr), db, m.c_str());
  }
  const std::string cases_sql =
      "INSERT INTO cases (tracking_code, external_id, type, channel, urgency, title, description, "
      "category, lat, lon, address, area, grid, contact_name, contact_phone, anonymous, "
      "submitted_by, "
      "status, lead, created_at, updated_at, deadline_at, closed_at, overdue, supervisions, "
      "reworks, "
      "returns, extension_days_pending, extension_reason, result, reply, merged_into, "
      "eval_resolved, "
      "eval_satisfaction, eval_comment, evaluated_at, version) VALUES" +
      rows(kRows, 36, ", 1") + " RETURNING id";
  const std::string parts_sql =
      "INSERT INTO case_participants (case_id, unit, role, assigned_at, due_at, accepted_at, "
      "active, "
      "seq) VALUES" +
      rows(kRows, 8, "");
  const std::string events_sql =
      "INSERT INTO case_events (case_id, at, action, actor, actor_unit, from_status, to_status, "
      "data) VALUES" +
      rows(kEvents, 8, "");
  sqlite3_stmt *cases, *parts, *events;
  check(sqlite3_prepare_v2(db, cases_sql.c_str(), -1, &cases, nullptr), db, "prepare cases");
  check(sqlite3_prepare_v2(db, parts_sql.c_str(), -1, &parts, nullptr), db, "prepare participants");
  check(sqlite3_prepare_v2(db, events_sql.c_str(), -1, &events, nullptr), db, "prepare events");

  const std::string title = "咨询渌口区至B市南站公交车开通时间，希望尽快答复";
  const std::string text(480, 'x'), reply(360, 'y'), result = "已协调相关部门联合处置";
  const std::string data =
      R"({"department":"MH-D-CG","co_departments":[],"accept_due_at":"2021-03-23T15:52:38+08:00"})";
  std::mt19937_64 rng(1);
  auto text_at = [](sqlite3_stmt* s, int& k, const std::string& v) {
    sqlite3_bind_text(s, k++, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  };
  const auto start = std::chrono::steady_clock::now();
  std::int64_t ids[kRows];
  for (int done = 0; done < n;) {
    check(sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), db, "begin");
    for (int b = 0; b < kBatch && done < n; b += kRows) {
      int k = 1;
      for (int r = 0; r < kRows; ++r) {
        const int i = done + r;
        std::string code(12, '0');
        for (char& c : code) c = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"[rng() & 31];
        char ext[24];
        std::snprintf(ext, sizeof ext, "H-%07d", i);
        // Intake times increase with the line, as in the generator's default files.
        const std::int64_t created = std::int64_t{1546300800000} + i * std::int64_t{170000} +
                                     static_cast<std::int64_t>(rng() % 170000);
        for (const std::string& v :
             {code, std::string(ext), std::string("complaint"), std::string("hotline"),
              std::string("normal"), title, text, std::string("C01-02-04")})
          text_at(cases, k, v);
        sqlite3_bind_double(cases, k++, 28.2);
        sqlite3_bind_double(cases, k++, 112.95);
        for (const std::string& v :
             {std::string("明湖区湖滨路3号"), std::string("MH-S01-C01-G01"),
              std::string("MH-S01-C01-G01"), std::string("王伟"), std::string("13800000000")})
          text_at(cases, k, v);
        sqlite3_bind_int64(cases, k++, 0);
        for (const std::string& v :
             {std::string("import"), std::string("closed"), std::string("MH-D-CG")})
          text_at(cases, k, v);
        for (std::int64_t v :
             {created, created + 5 * std::int64_t{86400000}, created + 7 * std::int64_t{86400000},
              created + 4 * std::int64_t{86400000}, std::int64_t{0}, std::int64_t{0},
              std::int64_t{0}, std::int64_t{0}, std::int64_t{0}})
          sqlite3_bind_int64(cases, k++, v);
        for (const std::string& v : {std::string(), result, reply}) text_at(cases, k, v);
        sqlite3_bind_int64(cases, k++, 0);
        for (const std::string& v :
             {std::string("resolved"), std::string("satisfied"), std::string()})
          text_at(cases, k, v);
        sqlite3_bind_int64(cases, k++, created + 5 * std::int64_t{86400000});
      }
      int r = 0;
      while (sqlite3_step(cases) == SQLITE_ROW && r < kRows)
        ids[r++] = sqlite3_column_int64(cases, 0);
      sqlite3_reset(cases);
      k = 1;
      for (int r2 = 0; r2 < kRows; ++r2) {
        sqlite3_bind_int64(parts, k++, ids[r2]);
        text_at(parts, k, "MH-D-CG");
        text_at(parts, k, "lead");
        for (std::int64_t v :
             {std::int64_t{1}, std::int64_t{2}, std::int64_t{3}, std::int64_t{0}, std::int64_t{1}})
          sqlite3_bind_int64(parts, k++, v);
      }
      check(sqlite3_step(parts), db, "participants");
      sqlite3_reset(parts);
      for (int r2 = 0; r2 < kRows; ++r2) {
        k = 1;
        for (int e = 0; e < kEvents; ++e) {
          sqlite3_bind_int64(events, k++, ids[r2]);
          sqlite3_bind_int64(events, k++,
                             std::int64_t{1546300800000} + (done + r2) * std::int64_t{170000} +
                                 e * std::int64_t{3600000});
          for (const char* v : {"dispatch", "import", "MH-D-CG", "registered", "dispatched"})
            text_at(events, k, v);
          text_at(events, k,
                  e == 4 ? R"({"result":")" + result + R"(","reply":")" + reply + "\"}" : data);
        }
        check(sqlite3_step(events), db, "events");
        sqlite3_reset(events);
      }
      done += kRows;
    }
    check(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), db, "commit");
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("SQLite alone: %d cases (%d events) in %.2f s, %.0f cases/s\n", n, n * kEvents, s,
              n / s);
  sqlite3_finalize(cases);
  sqlite3_finalize(parts);
  sqlite3_finalize(events);
  sqlite3_close(db);
}
