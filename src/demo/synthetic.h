// A synthetic district (合成辖区): realistic cases with whole histories for demonstrations and
// benchmarks, deterministic for a seed.
//
// Every event goes through cases::apply() with a system actor "demo", exactly as the history import
// does, so a generated history obeys the same state machine and body guards as live work.
//
// What makes the data look like a real hotline: intake volume follows the seasons (summer peak,
// Spring Festival dip from the work calendar's holiday names), the week (fewer cases at weekends)
// and the hour of day; categories follow a skewed mix over the leaf categories of the catalog;
// departments differ (some slow and often overdue, some return cases often, some rework often,
// satisfaction follows how well and how fast a department works); titles and descriptions are
// real resident messages (data/demo/messages.csv) of the case's first-level category.
//
// Not thread-safe: one generator per thread. Cases come out in intake order.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cases/case.h"
#include "cases/case_rules.h"
#include "cases/catalog.h"
#include "core/error.h"
#include "core/work_calendar.h"
#include "identity/org_tree.h"

namespace civicgrid::demo {

struct GeneratorOptions {
  std::int64_t cases = 10000;
  std::uint64_t seed = 1;
  std::int64_t from_day = 0;  // first intake day (days since 1970, China time)
  std::int64_t to_day = 0;    // exclusive; also "now": histories stop here, later cases stay open
};

// One resident message used for titles and descriptions.
struct Message {
  std::string label;  // first-level category name (城乡建设 …)
  std::string title;
  std::string detail;
};

// Reads data/demo/messages.csv (columns label,title,detail; RFC 4180). kInvalidArgument naming the
// file when it cannot be read or has no rows.
Result<std::vector<Message>> load_messages(const std::string& path);

// What was generated, for the summary the command prints and tests compare with the statistics.
struct GeneratedCounts {
  std::int64_t cases = 0;
  std::int64_t events = 0;
  std::map<std::string, std::int64_t> by_status, by_channel, by_type, by_category1, by_street,
      by_month, by_department;  // department of record: the latest lead
  std::int64_t overdue = 0, returned = 0, reworked = 0, extended = 0, evaluated = 0;
};

class SyntheticDistrict {
 public:
  SyntheticDistrict(std::shared_ptr<const identity::OrgTree> tree,
                    std::shared_ptr<const cases::Catalog> catalog, const WorkCalendar& calendar,
                    std::vector<Message> messages, const GeneratorOptions& options);
  ~SyntheticDistrict();

  // The next case (id 0: the store assigns it) with its events (case_id 0), oldest first; false
  // once options.cases have been generated.
  bool next(cases::Case& c, std::vector<cases::CaseEvent>& events);
  const GeneratedCounts& counts() const { return counts_; }

 private:
  struct Model;
  void count(const cases::Case& c, const std::vector<cases::CaseEvent>& events);

  std::unique_ptr<Model> m_;
  GeneratedCounts counts_;
};

}  // namespace civicgrid::demo
