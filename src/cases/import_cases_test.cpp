// The history import against a real SQLite store in a temporary directory, with a small hand-made
// district: every imported event goes through the same rules as live work.
#include "cases/import_cases.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <boost/json.hpp>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "audit/audit.h"
#include "cases/cases.h"
#include "core/crypto.h"
#include "identity/identity.h"
#include "store/database.h"
#include "store/migration.h"

namespace civicgrid::cases {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string calendar_path() {
  if (const char* dir = std::getenv("CIVICGRID_SOURCE_DIR"))
    return std::string(dir) + "/data/calendar/cn-holidays.json";
  for (const char* p : {"data/calendar/cn-holidays.json", "../data/calendar/cn-holidays.json"})
    if (fs::exists(p)) return p;
  return "data/calendar/cn-holidays.json";
}

Timestamp at(const char* rfc3339) {
  return parse_rfc3339(rfc3339).value();
}

// A square grid polygon [lon0, lon0 + 0.01] × [28.20, 28.21].
std::string square(double lon0) {
  json::array ring;
  for (auto [lon, lat] : {std::pair{lon0, 28.20},
                          {lon0 + 0.01, 28.20},
                          {lon0 + 0.01, 28.21},
                          {lon0, 28.21},
                          {lon0, 28.20}})
    ring.push_back(json::array{lon, lat});
  return json::serialize(json::object{{"type", "Polygon"}, {"coordinates", json::array{ring}}});
}

// One event of a history.
json::object ev(const char* when, const char* action, json::object body = {}) {
  body["at"] = when;
  body["action"] = action;
  return body;
}

// A line: an appeal located in grid G1 with the given history.
std::string line(const std::string& external_id, std::vector<json::object> events) {
  json::array arr;
  for (auto& e : events) arr.push_back(std::move(e));
  json::object o{{"external_id", external_id},
                 {"type", "complaint"},
                 {"title", "路灯不亮"},
                 {"description", "湖滨路多盏路灯长期不亮，夜间出行不安全。"},
                 {"location", json::object{{"lat", 28.205}, {"lon", 112.905}}},
                 {"contact", json::object{{"name", "王伟"}, {"phone", "13800000000"}}},
                 {"channel", "hotline"},
                 {"events", std::move(arr)}};
  return json::serialize(o);
}

// submit → register → dispatch → accept → handle → verify → close → evaluate, starting on `day`.
std::string full_history(const std::string& external_id, const std::string& day = "2024-03-04") {
  auto t = [&](const char* time) { return day + "T" + time + "+08:00"; };
  return line(
      external_id,
      {ev(t("09:00:00").c_str(), "submit"),
       ev(t("09:30:00").c_str(), "register", {{"category", "ROAD"}}),
       ev(t("10:00:00").c_str(), "dispatch", {{"department", "DA"}, {"note", "请尽快处置"}}),
       ev(t("11:00:00").c_str(), "accept", {{"contacted", true}}),
       ev(t("15:00:00").c_str(), "handle", {{"result", "已更换灯具"}, {"reply", "路灯已修复"}}),
       ev(t("16:00:00").c_str(), "verify", {{"ok", true}}), ev(t("16:30:00").c_str(), "close"),
       ev(t("18:00:00").c_str(), "evaluate",
          {{"resolved", "resolved"}, {"satisfaction", "satisfied"}})});
}

class ImportCasesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::init());
    std::string pattern = (fs::temp_directory_path() / "cg_import_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto db = store::open_database({.url = dir_.string()});
    ASSERT_TRUE(db.has_value()) << db.error().detail();
    db_ = std::move(*db);
    const store::MigrationSet sets[] = {audit::migrations(), identity::migrations(),
                                        cases::migrations()};
    auto applied = store::apply_migrations(*db_, sets);
    ASSERT_TRUE(applied.has_value()) << applied.error().detail();
    auto cal = load_work_calendar(calendar_path());
    ASSERT_TRUE(cal.has_value()) << cal.error().message_en();
    calendar_ = std::move(*cal);
    audit_ = std::make_unique<audit::AuditLog>(*db_, clock_);
    identity_ = std::make_unique<identity::IdentityService>(*db_, clock_);
    ASSERT_TRUE(identity_->load().has_value());
    // D → S1 → C1 → G1, G2 (with polygons); departments DA, DB.
    for (const identity::OrgUnit& u :
         std::vector<identity::OrgUnit>{{"D", "明湖区", "District", "district", "", ""},
                                        {"S1", "湖滨街道", "Street", "street", "D", ""},
                                        {"C1", "湖滨社区", "Community", "community", "S1", ""},
                                        {"G1", "第一网格", "Grid 1", "grid", "C1", square(112.90)},
                                        {"G2", "第二网格", "Grid 2", "grid", "C1", square(112.91)},
                                        {"DA", "城管局", "Dept A", "department", "D", ""},
                                        {"DB", "住建局", "Dept B", "department", "D", ""}}) {
      auto r = identity_->create_unit(u);
      ASSERT_TRUE(r.has_value()) << u.code << ": " << r.error().message_en();
    }
    cases_ = std::make_unique<CaseService>(*db_, clock_, calendar_, *identity_, *audit_);
    ASSERT_TRUE(cases_->load().has_value());
    ASSERT_TRUE(cases_
                    ->put_categories({{"ROAD", "道路", "Roads", "", 1, true},
                                      {"NOISE", "噪音", "Noise", "", 1, true}})
                    .has_value());
    admin_.kind = Principal::Kind::kUser;
    admin_.name = "admin";
    admin_.roles = {Role::kAdmin};
  }

  void TearDown() override {
    cases_.reset();
    identity_.reset();
    audit_.reset();
    if (db_) db_->close();
    db_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  ImportSummary run(const std::string& text, ImportOptions options = {}) {
    std::istringstream in(text);
    options.audit_actor = "cli:test";
    auto r = import_cases(*cases_, in, options);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message_en() + " " + r.error().detail());
    return r.value_or(ImportSummary{});
  }

  std::optional<std::int64_t> id_of(const std::string& external_id) {
    auto r = db_->read([&](store::Session& s) {
      return s.query("SELECT id FROM cases WHERE external_id = $1", {external_id});
    });
    if (!r || r->rows.empty()) return std::nullopt;
    return r->rows[0].i64(0);
  }

  CaseDetail detail(const std::string& external_id) {
    auto id = id_of(external_id);
    EXPECT_TRUE(id.has_value()) << external_id << " not stored";
    auto d = cases_->get(id.value_or(0), admin_);
    EXPECT_TRUE(d.has_value());
    return d.value_or(CaseDetail{});
  }

  std::int64_t count(const std::string& sql) {
    auto r = db_->read([&](store::Session& s) { return s.query(sql); });
    return r && !r->rows.empty() ? r->rows[0].i64(0) : -1;
  }

  fs::path dir_;
  ManualClock clock_{at("2026-06-01T12:00:00+08:00")};
  WorkCalendar calendar_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<identity::IdentityService> identity_;
  std::unique_ptr<CaseService> cases_;
  Principal admin_;
};

TEST_F(ImportCasesTest, ValidHistoryImportsWithItsWholeTimeline) {
  const ImportSummary s = run(full_history("H-1") + "\n");
  EXPECT_EQ(s.lines_read, 1);
  EXPECT_EQ(s.imported, 1);
  EXPECT_EQ(s.rejected, 0);
  EXPECT_EQ(s.events, 8);
  EXPECT_EQ(s.batches, 1);

  const CaseDetail d = detail("H-1");
  const Case& c = d.c;
  EXPECT_EQ(c.external_id, "H-1");
  EXPECT_EQ(c.status, Status::kClosed);
  EXPECT_EQ(c.category, "ROAD");
  EXPECT_EQ(c.grid, "G1");  // from the location
  EXPECT_EQ(c.area, "G1");
  EXPECT_EQ(c.channel, Channel::kHotline);
  EXPECT_EQ(c.contact_name, "王伟");
  EXPECT_EQ(c.lead, "DA");
  EXPECT_EQ(c.submitted_by, "import");
  EXPECT_EQ(c.tracking_code.size(), 14u);
  EXPECT_EQ(c.created_at, at("2024-03-04T09:00:00+08:00"));
  EXPECT_EQ(c.closed_at, at("2024-03-04T16:30:00+08:00"));
  EXPECT_EQ(c.updated_at, at("2024-03-04T18:00:00+08:00"));
  // The deadline is set at intake, from the category known then (none) and the urgency: 7 working
  // days after Monday 2024-03-04 is Wednesday 2024-03-13, 17:30.
  EXPECT_EQ(c.deadline_at, handling_deadline(*cases_->catalog(), calendar_, "", Urgency::kNormal,
                                             at("2024-03-04T09:00:00+08:00")));
  EXPECT_EQ(c.deadline_at, at("2024-03-13T17:30:00+08:00"));
  ASSERT_TRUE(c.evaluation.has_value());
  EXPECT_EQ(c.evaluation->satisfaction, "satisfied");
  EXPECT_EQ(c.evaluation->at, at("2024-03-04T18:00:00+08:00"));
  EXPECT_EQ(c.reply, "路灯已修复");

  ASSERT_EQ(c.participants.size(), 1u);
  EXPECT_EQ(c.participants[0].unit, "DA");
  EXPECT_EQ(c.participants[0].role, "lead");
  EXPECT_EQ(c.participants[0].assigned_at, at("2024-03-04T10:00:00+08:00"));
  EXPECT_EQ(c.participants[0].accepted_at, at("2024-03-04T11:00:00+08:00"));

  ASSERT_EQ(d.events.size(), 8u);
  const Action expected[] = {Action::kSubmit, Action::kRegister, Action::kDispatch,
                             Action::kAccept, Action::kHandle,   Action::kVerify,
                             Action::kClose,  Action::kEvaluate};
  for (size_t i = 0; i < d.events.size(); ++i) {
    EXPECT_EQ(d.events[i].action, expected[i]) << i;
    EXPECT_EQ(d.events[i].actor, "import") << i;
  }
  EXPECT_EQ(d.events[0].at, c.created_at);
  EXPECT_EQ(d.events[2].actor_unit, "DA");  // department actions show the department
  EXPECT_EQ(d.events[3].actor_unit, "DA");
  EXPECT_EQ(d.events[4].actor_unit, "DA");
  EXPECT_EQ(d.events[2].to, Status::kDispatched);
  EXPECT_NE(d.events[2].data.find("\"department\":\"DA\""), std::string::npos);
  EXPECT_NE(d.events[0].data.find("hotline"), std::string::npos);

  // One audit entry for the batch, as the CLI user.
  auto entries = audit_->list({});
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].actor, "cli:test");
  EXPECT_EQ((*entries)[0].action, "case.import");
  EXPECT_NE((*entries)[0].detail.find("\"imported\":1"), std::string::npos);
}

TEST_F(ImportCasesTest, ManyCasesInOneBatchKeepTheirOwnData) {
  // More cases than one multi-row statement holds, each with its own title and department.
  std::string text;
  for (int i = 1; i <= 40; ++i) {
    json::object o = json::parse(full_history("H-" + std::to_string(i))).as_object();
    o["title"] = "标题 " + std::to_string(i);
    o["events"].as_array()[2].as_object()["department"] = i % 2 ? "DA" : "DB";
    text += json::serialize(o) + "\n";
  }
  const ImportSummary s = run(text);
  ASSERT_EQ(s.imported, 40);
  for (int i = 1; i <= 40; ++i) {
    const CaseDetail d = detail("H-" + std::to_string(i));
    EXPECT_EQ(d.c.title, "标题 " + std::to_string(i));
    EXPECT_EQ(d.c.lead, i % 2 ? "DA" : "DB");
    ASSERT_EQ(d.c.participants.size(), 1u);
    EXPECT_EQ(d.c.participants[0].unit, d.c.lead);
    ASSERT_EQ(d.events.size(), 8u);
    for (const auto& e : d.events) EXPECT_EQ(e.case_id, d.c.id);
  }
  // Ids follow the lines.
  EXPECT_LT(id_of("H-1").value(), id_of("H-40").value());
}

TEST_F(ImportCasesTest, IllegalTransitionRejectsOnlyThatLine) {
  const std::string bad = line("H-2", {ev("2024-03-05T09:00:00+08:00", "submit"),
                                       ev("2024-03-05T09:30:00+08:00", "register"),
                                       ev("2024-03-05T10:00:00+08:00", "accept")});
  const ImportSummary s = run(full_history("H-1") + "\n" + bad + "\n" + full_history("H-3") + "\n");
  EXPECT_EQ(s.lines_read, 3);
  EXPECT_EQ(s.imported, 2);
  EXPECT_EQ(s.rejected, 1);
  ASSERT_EQ(s.rejections.size(), 1u);
  EXPECT_EQ(s.rejections[0].line, 2);
  EXPECT_EQ(s.rejections[0].external_id, "H-2");
  EXPECT_EQ(s.rejections[0].reason,
            "event 3 (accept): action accept is not allowed in state registered");
  EXPECT_FALSE(id_of("H-2").has_value());
  EXPECT_TRUE(id_of("H-1").has_value());
  EXPECT_TRUE(id_of("H-3").has_value());
  // Nothing of the rejected case: only the two good timelines are stored.
  EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM case_events"), 16);
}

TEST_F(ImportCasesTest, FieldErrorsNameLineEventAndField) {
  const std::string text =
      full_history("H-1") + "\n" + R"({"external_id": "H-2", "title": "x", "events": [}{)" + "\n" +
      line("H-3",
           {ev("2024-03-05T09:00:00+08:00", "submit"), ev("2024-03-05T09:30:00+08:00", "register"),
            ev("2024-03-05T10:00:00+08:00", "dispatch", {{"department", "MH-D-XX"}})}) +
      "\n" +
      line("H-4", {ev("2024-03-05T09:00:00+08:00", "submit"),
                   ev("2024-03-05T09:30:00+08:00", "teleport")}) +
      "\n" +
      line("H-5",
           {ev("2024-03-05T09:00:00+08:00", "submit"), ev("2024-03-05T09:30:00+08:00", "register"),
            ev("2024-03-05T10:00:00+08:00", "dispatch", {{"department", "DA"}}),
            ev("2024-03-05T09:45:00+08:00", "accept")}) +
      "\n" + line("H-6", {ev("2024-03-05T09:00:00+08:00", "register")}) + "\n" +
      line("H-7", {ev("2024-03-05 09:00", "submit")}) + "\n" +
      line("H-8",
           {ev("2024-03-05T09:00:00+08:00", "submit"), ev("2024-03-05T09:30:00+08:00", "reject")}) +
      "\n" + "[1, 2]\n";
  const ImportSummary s = run(text);
  EXPECT_EQ(s.imported, 1);
  EXPECT_EQ(s.rejected, 8);
  ASSERT_EQ(s.rejections.size(), 8u);
  EXPECT_EQ(s.rejections[0].line, 2);
  EXPECT_EQ(s.rejections[0].reason.rfind("invalid JSON at column 49", 0), 0u)
      << s.rejections[0].reason;
  EXPECT_EQ(s.rejections[1].reason,
            "event 3 (dispatch): department: not a department that can be dispatched: MH-D-XX");
  EXPECT_EQ(s.rejections[2].reason, "event 2 (teleport): action: unknown action");
  EXPECT_EQ(s.rejections[3].reason,
            "event 4 (accept): at: earlier than the previous event (2024-03-05T10:00:00+08:00)");
  EXPECT_EQ(s.rejections[4].reason, "event 1 (register): action: the first event must be submit");
  EXPECT_EQ(s.rejections[5].reason, "event 1 (submit): at: not an RFC 3339 time: 2024-03-05 09:00");
  EXPECT_EQ(s.rejections[6].reason, "event 2 (reject): missing required field: reason");
  EXPECT_EQ(s.rejections[7].line, 9);
  EXPECT_EQ(s.rejections[7].reason, "not a JSON object");
  EXPECT_EQ(s.rejections[4].external_id, "H-6");
  EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), 1);
}

TEST_F(ImportCasesTest, IntakeFieldsAreCheckedAsAtIntake) {
  json::object no_title = json::parse(full_history("H-1")).as_object();
  no_title.erase("title");
  json::object bad_grid = json::parse(full_history("H-2")).as_object();
  bad_grid.erase("location");
  bad_grid["grid"] = "G9";
  json::object by_grid = json::parse(full_history("H-3")).as_object();
  by_grid.erase("location");
  by_grid["grid"] = "G2";
  by_grid.erase("channel");
  const ImportSummary s = run(json::serialize(no_title) + "\n" + json::serialize(bad_grid) + "\n" +
                              json::serialize(by_grid) + "\n" + full_history("H-1") + "\n");
  EXPECT_EQ(s.imported, 2);
  ASSERT_EQ(s.rejections.size(), 2u);
  EXPECT_EQ(s.rejections[0].reason, "missing required field: title");
  EXPECT_EQ(s.rejections[1].reason, "grid: no such grid: G9");
  const Case c = detail("H-3").c;
  EXPECT_EQ(c.grid, "G2");
  EXPECT_EQ(c.channel, Channel::kImport);  // no channel given
}

TEST_F(ImportCasesTest, MergeIntoAnEarlierLineByExternalId) {
  // H-1 is open from 09:00 until it closes at 16:30: a duplicate reported at 10:15 merges into it.
  const std::string dup =
      line("H-2", {ev("2024-03-04T10:15:00+08:00", "submit"),
                   ev("2024-03-04T10:20:00+08:00", "merge", {{"into", "H-1"}})});
  // Once H-1 is closed it cannot take a duplicate.
  const std::string late =
      line("H-3", {ev("2024-03-05T10:15:00+08:00", "submit"),
                   ev("2024-03-05T10:20:00+08:00", "merge", {{"into", "H-1"}})});
  const std::string unknown =
      line("H-4", {ev("2024-03-05T10:15:00+08:00", "submit"),
                   ev("2024-03-05T10:20:00+08:00", "merge", {{"into", "H-404"}})});
  const ImportSummary s =
      run(full_history("H-1") + "\n" + dup + "\n" + late + "\n" + unknown + "\n");
  EXPECT_EQ(s.imported, 2);
  ASSERT_EQ(s.rejections.size(), 2u);
  EXPECT_EQ(s.rejections[0].reason, "event 2 (merge): into: the target case is not open");
  EXPECT_EQ(s.rejections[1].reason,
            "event 2 (merge): into: no case has external_id H-404 (it must be imported on an "
            "earlier line)");

  const std::int64_t target = id_of("H-1").value();
  const CaseDetail merged = detail("H-2");
  EXPECT_EQ(merged.c.status, Status::kMerged);
  EXPECT_EQ(merged.c.merged_into, target);
  ASSERT_EQ(merged.events.size(), 2u);
  EXPECT_EQ(merged.events[1].data, R"({"into":)" + std::to_string(target) + "}");
  // The target's timeline records the duplicate, with the status it had then.
  const CaseDetail t = detail("H-1");
  ASSERT_EQ(t.events.size(), 9u);
  EXPECT_EQ(t.events[8].action, Action::kMerge);
  EXPECT_EQ(t.events[8].data, R"({"merged_case":)" + std::to_string(merged.c.id) + "}");
  EXPECT_EQ(t.events[8].to, Status::kDispatched);
}

TEST_F(ImportCasesTest, MergeIntoAStoredCaseOfAnEarlierRunOrById) {
  run(line("H-1", {ev("2024-03-04T09:00:00+08:00", "submit"),
                   ev("2024-03-04T09:30:00+08:00", "register")}) +
      "\n");
  const std::int64_t target = id_of("H-1").value();
  const std::string by_ext =
      line("H-2", {ev("2024-03-04T10:15:00+08:00", "submit"),
                   ev("2024-03-04T10:20:00+08:00", "merge", {{"into", "H-1"}})});
  const std::string by_id =
      line("H-3", {ev("2024-03-04T10:15:00+08:00", "submit"),
                   ev("2024-03-04T10:20:00+08:00", "merge", {{"into", target}})});
  // Before the target was submitted, there was nothing to merge into.
  const std::string early =
      line("H-4", {ev("2024-03-04T08:00:00+08:00", "submit"),
                   ev("2024-03-04T08:20:00+08:00", "merge", {{"into", target}})});
  const ImportSummary s = run(by_ext + "\n" + by_id + "\n" + early + "\n");
  EXPECT_EQ(s.imported, 2);
  ASSERT_EQ(s.rejections.size(), 1u);
  EXPECT_EQ(s.rejections[0].line, 3);
  EXPECT_NE(s.rejections[0].reason.find("was not yet submitted"), std::string::npos)
      << s.rejections[0].reason;
  EXPECT_EQ(detail("H-2").c.merged_into, target);
  EXPECT_EQ(detail("H-3").c.merged_into, target);
  EXPECT_EQ(detail("H-1").events.size(), 4u);  // submit, register and two merge notes
}

TEST_F(ImportCasesTest, ReimportRejectsEverythingAsAlreadyImported) {
  const std::string text =
      full_history("H-1") + "\n" + full_history("H-2") + "\n" + full_history("H-3") + "\n";
  EXPECT_EQ(run(text).imported, 3);
  const ImportSummary again = run(text);
  EXPECT_EQ(again.imported, 0);
  EXPECT_EQ(again.rejected, 3);
  for (const auto& r : again.rejections) EXPECT_EQ(r.reason, "already imported");
  EXPECT_EQ(count("SELECT COUNT(*) FROM cases"), 3);
  EXPECT_EQ(count("SELECT COUNT(*) FROM case_events"), 24);
  // Within one file, the second line with the same id is the duplicate.
  const ImportSummary dup = run(full_history("H-9") + "\n" + full_history("H-9") + "\n");
  EXPECT_EQ(dup.imported, 1);
  ASSERT_EQ(dup.rejections.size(), 1u);
  EXPECT_EQ(dup.rejections[0].reason, "already imported (line 1)");
}

TEST_F(ImportCasesTest, SummaryCountsBatchesBlankLinesAndCapsTheList) {
  std::string text = "\n";
  for (int i = 1; i <= 5; ++i) text += full_history("H-" + std::to_string(i)) + "\n";
  text += "   \n";
  for (int i = 0; i < 4; ++i) text += "{\n";
  ImportOptions options;
  options.batch_size = 2;
  options.max_rejections_kept = 3;
  std::vector<ImportProgress> reports;
  std::istringstream in(text);
  auto r =
      import_cases(*cases_, in, options, [&](const ImportProgress& p) { reports.push_back(p); });
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->lines_read, 11);
  EXPECT_EQ(r->blank_lines, 2);
  EXPECT_EQ(r->imported, 5);
  EXPECT_EQ(r->rejected, 4);
  EXPECT_EQ(r->rejections.size(), 3u);  // counted all, listed the first three
  EXPECT_EQ(r->rejections[0].line, 8);
  EXPECT_EQ(r->batches, 3);
  EXPECT_EQ(r->events, 40);
  EXPECT_GT(r->cases_per_second(), 0);
  ASSERT_FALSE(reports.empty());
  EXPECT_TRUE(reports.back().done);
  EXPECT_EQ(reports.back().imported, 5);
  EXPECT_EQ(reports.back().lines_read, 11);
  auto entries = audit_->list({});
  ASSERT_TRUE(entries.has_value());
  EXPECT_EQ(entries->size(), 3u);  // one per batch
}

TEST_F(ImportCasesTest, ABatchSpoiledByOneCaseIsWrittenOneByOne) {
  // A constraint that only shows at insert time: a trigger makes inserting H-3 a duplicate key.
  auto ok = db_->write([](store::Session& s) {
    return s.exec_script(
        "CREATE TABLE import_test_keys (k TEXT UNIQUE); INSERT INTO import_test_keys VALUES ('x');"
        "CREATE TRIGGER import_test_dup AFTER INSERT ON cases WHEN NEW.external_id = 'H-3' "
        "BEGIN INSERT INTO import_test_keys VALUES ('x'); END;");
  });
  ASSERT_TRUE(ok.has_value()) << ok.error().detail();
  std::string text;
  for (int i = 1; i <= 5; ++i) text += full_history("H-" + std::to_string(i)) + "\n";
  const ImportSummary s = run(text);
  EXPECT_EQ(s.imported, 4);
  ASSERT_EQ(s.rejections.size(), 1u);
  EXPECT_EQ(s.rejections[0].line, 3);
  EXPECT_EQ(s.rejections[0].external_id, "H-3");
  EXPECT_FALSE(id_of("H-3").has_value());
  EXPECT_EQ(count("SELECT COUNT(*) FROM case_events"), 32);
  auto entries = audit_->list({});
  ASSERT_TRUE(entries.has_value());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_NE((*entries)[0].detail.find("\"written_one_by_one\":true"), std::string::npos);
}

TEST_F(ImportCasesTest, DepartmentActionsAndReopening) {
  // Returned by DB, re-dispatched to DA, summoned DB reports, failed verification and rework,
  // extension, then an unsatisfied evaluation reopens the case for a fresh round.
  const std::string text =
      line("H-1", {ev("2024-03-04T09:00:00+08:00", "submit"),
                   ev("2024-03-04T09:10:00+08:00", "register", {{"category", "NOISE"}}),
                   ev("2024-03-04T09:20:00+08:00", "dispatch", {{"department", "DB"}}),
                   ev("2024-03-04T09:30:00+08:00", "return", {{"reason", "不属于本单位职责"}}),
                   ev("2024-03-04T09:40:00+08:00", "dispatch",
                      {{"department", "DA"}, {"co_departments", json::array{"DB"}}}),
                   ev("2024-03-04T09:50:00+08:00", "summon",
                      {{"departments", json::array{"DB"}}, {"within_minutes", 60}}),
                   ev("2024-03-04T10:00:00+08:00", "report", {{"department", "DB"}}),
                   ev("2024-03-04T10:10:00+08:00", "accept"),
                   ev("2024-03-04T10:20:00+08:00", "extend", {{"days", 3}, {"reason", "需协调"}}),
                   ev("2024-03-04T10:30:00+08:00", "approve_extension"),
                   ev("2024-03-04T11:00:00+08:00", "handle", {{"result", "r"}, {"reply", "a"}}),
                   ev("2024-03-04T12:00:00+08:00", "verify", {{"ok", false}, {"note", "未整改"}}),
                   ev("2024-03-04T13:00:00+08:00", "handle", {{"result", "r2"}, {"reply", "b"}}),
                   ev("2024-03-04T14:00:00+08:00", "verify", {{"ok", true}}),
                   ev("2024-03-04T14:30:00+08:00", "supervise", {{"note", "请注意回访"}}),
                   ev("2024-03-04T15:00:00+08:00", "close"),
                   ev("2024-03-05T09:00:00+08:00", "evaluate",
                      {{"resolved", "unresolved"}, {"satisfaction", "unsatisfied"}})});
  const ImportSummary s = run(text + "\n");
  ASSERT_EQ(s.imported, 1) << (s.rejections.empty() ? "" : s.rejections[0].reason);
  const CaseDetail d = detail("H-1");
  EXPECT_EQ(d.c.status, Status::kReopened);
  EXPECT_EQ(d.c.returns, 1);
  EXPECT_EQ(d.c.reworks, 1);
  EXPECT_EQ(d.c.supervisions, 2);  // the note and the reopening
  EXPECT_EQ(d.c.closed_at, 0);
  EXPECT_EQ(d.c.reply, "b");
  // Participants as live work leaves them: the returned and the first lead inactive, the summons
  // reported, the current round's lead and co-department reset by the reopening.
  ASSERT_EQ(d.c.participants.size(), 4u);
  EXPECT_EQ(d.c.participants[0].unit, "DB");
  EXPECT_FALSE(d.c.participants[0].active);
  EXPECT_EQ(d.c.participants[2].unit, "DB");
  EXPECT_EQ(d.c.participants[2].role, "co");
  EXPECT_EQ(d.c.participants[3].role, "summoned");
  EXPECT_EQ(d.c.participants[3].accepted_at, at("2024-03-04T10:00:00+08:00"));
  ASSERT_EQ(d.events.size(), 17u);
  EXPECT_EQ(d.events[3].actor_unit, "DB");  // return
  EXPECT_EQ(d.events[6].actor_unit, "DB");  // report
  EXPECT_NE(d.events[6].data.find("\"on_time\":true"), std::string::npos);
  EXPECT_EQ(d.events[8].actor_unit, "DA");  // extend
  // Reopened: a fresh deadline from the evaluation.
  EXPECT_EQ(d.c.deadline_at, handling_deadline(*cases_->catalog(), calendar_, "NOISE",
                                               Urgency::kNormal, at("2024-03-05T09:00:00+08:00")));
  // A report by a department that was not summoned is refused.
  const ImportSummary bad =
      run(line("H-2", {ev("2024-03-04T09:00:00+08:00", "submit"),
                       ev("2024-03-04T09:10:00+08:00", "register"),
                       ev("2024-03-04T09:20:00+08:00", "report", {{"department", "DA"}})}) +
          "\n");
  ASSERT_EQ(bad.rejections.size(), 1u);
  EXPECT_EQ(bad.rejections[0].reason, "event 3 (report): department: DA was not summoned");
}

TEST_F(ImportCasesTest, WindowsLineEndingsAndAByteOrderMarkAreAccepted) {
  const ImportSummary s =
      run("\xEF\xBB\xBF" + full_history("H-1") + "\r\n" + full_history("H-2") + "\r\n");
  EXPECT_EQ(s.imported, 2);
  EXPECT_EQ(s.rejected, 0);
}

TEST_F(ImportCasesTest, TimesInTheFutureAreNotHistory) {
  const ImportSummary s = run(line("H-1", {ev("2026-06-01T12:00:00+08:00", "submit"),
                                           ev("2026-06-02T12:00:00+08:00", "register")}) +
                              "\n");
  ASSERT_EQ(s.rejections.size(), 1u);
  EXPECT_EQ(s.rejections[0].reason,
            "event 2 (register): at: in the future: 2026-06-02T12:00:00+08:00");
}

TEST_F(ImportCasesTest, BadBatchSizeIsAnArgumentError) {
  std::istringstream in("");
  ImportOptions options;
  options.batch_size = 0;
  auto r = import_cases(*cases_, in, options);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field(), "batch");
}

}  // namespace
}  // namespace civicgrid::cases
