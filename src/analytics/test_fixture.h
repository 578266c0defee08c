// Hand-made district, catalog and calendar for the analytics unit tests: cases are built directly
// as the cases module would store them, so every expected figure can be worked out by hand.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "analytics/cube.h"
#include "cases/case.h"
#include "cases/catalog.h"
#include "core/work_calendar.h"
#include "identity/org_tree.h"

namespace civicgrid::analytics::testing {

// 2024 with the National Day holiday (Oct 1–7 off, Sep 29 and Oct 12 worked).
inline WorkCalendar test_calendar() {
  auto cal = WorkCalendar::from_json(R"({"years": {"2024": {
      "days_off": {"2024-10-01": "国庆节", "2024-10-02": "国庆节", "2024-10-03": "国庆节",
                   "2024-10-04": "国庆节", "2024-10-05": "国庆节", "2024-10-06": "国庆节",
                   "2024-10-07": "国庆节"},
      "adjusted_workdays": {"2024-09-29": "国庆节", "2024-10-12": "国庆节"}}}})");
  return std::move(*cal);
}

inline std::shared_ptr<const identity::OrgTree> test_tree() {
  std::vector<identity::OrgUnit> u = {
      {"MH", "明湖区", "", "district", "", ""},
      {"S1", "一街道", "", "street", "MH", ""},
      {"S1-C1", "一社区", "", "community", "S1", ""},
      {"S1-C1-G1", "一网格", "", "grid", "S1-C1", ""},
      {"S1-C1-G2", "二网格", "", "grid", "S1-C1", ""},
      {"S2", "二街道", "", "street", "MH", ""},
      {"S2-C1", "二社区", "", "community", "S2", ""},
      {"S2-C1-G1", "三网格", "", "grid", "S2-C1", ""},
      {"D1", "城管局", "", "department", "MH", ""},
      {"D2", "住建局", "", "department", "MH", ""},
  };
  return std::make_shared<const identity::OrgTree>(std::move(u));
}

inline std::shared_ptr<const cases::Catalog> test_catalog() {
  std::vector<cases::Category> c = {{"C1", "市容", "", "", 1, true},
                                    {"C1-01", "环境", "", "C1", 2, true},
                                    {"C1-01-01", "垃圾", "", "C1-01", 3, true},
                                    {"C1-01-02", "噪音", "", "C1-01", 3, true},
                                    {"C2", "交通", "", "", 1, true}};
  return std::make_shared<const cases::Catalog>(std::move(c), std::vector<cases::RoutingRule>{},
                                                std::vector<cases::TimeLimit>{});
}

// Local China time "YYYY-MM-DD HH:MM" as a UTC timestamp.
inline Timestamp at(int y, unsigned m, unsigned d, int hh = 9, int mm = 0) {
  return days_from_civil(y, m, d) * kMillisPerDay + (hh * 60 + mm) * kMillisPerMinute -
         kChinaOffsetMillis;
}

struct CaseBuilder {
  cases::Case c;
  CaseBuilder(std::int64_t id, Timestamp created, std::string grid, std::string category) {
    c.id = id;
    c.created_at = c.updated_at = created;
    c.area = c.grid = std::move(grid);
    c.category = std::move(category);
    c.status = cases::Status::kRegistered;
    c.deadline_at = created + 5 * kMillisPerDay;
  }
  // Dispatched to `dept` with the accept deadline `due`; accepted at `accepted` (0: not yet).
  CaseBuilder& lead(std::string dept, Timestamp assigned, Timestamp due, Timestamp accepted = 0) {
    for (auto& p : c.participants) p.active = false;
    c.participants.push_back({dept, "lead", assigned, due, accepted, true});
    c.lead = std::move(dept);
    c.status = accepted ? cases::Status::kAccepted : cases::Status::kDispatched;
    return *this;
  }
  CaseBuilder& closed(Timestamp when) {
    c.result = c.reply = "done";
    c.status = cases::Status::kClosed;
    c.closed_at = when;
    return *this;
  }
  CaseBuilder& evaluated(std::string resolved, std::string satisfaction) {
    c.evaluation =
        cases::Evaluation{std::move(resolved), std::move(satisfaction), "", c.closed_at + 1};
    return *this;
  }
  CaseBuilder& status(cases::Status s) {
    c.status = s;
    return *this;
  }
};

inline cases::CaseEvent accept_event(std::int64_t id, bool contacted) {
  cases::CaseEvent e;
  e.case_id = id;
  e.action = cases::Action::kAccept;
  e.data = contacted ? R"({"contacted":true})" : R"({"contacted":false})";
  return e;
}

inline cases::CaseEvent event(std::int64_t id, cases::Action a) {
  cases::CaseEvent e;
  e.case_id = id;
  e.action = a;
  return e;
}

}  // namespace civicgrid::analytics::testing
