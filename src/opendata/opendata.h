// Open data (数据开放): public statistics and downloadable datasets for the whole district.
//
// Nothing here reads another module's tables: aggregates come from the statistics cube of
// analytics::AnalyticsService, published cases from cases::CaseService's public feed, names from
// the catalog and the org tree. Every published count passes small-cell suppression (suppress.h);
// every published free text passes text::redact; no contact, submitter or actor field is ever
// written, and locations are coarse (street / community / grid, never coordinates or addresses).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "analytics/analytics.h"
#include "cases/cases.h"
#include "core/error.h"
#include "http/router.h"
#include "identity/identity.h"
#include "opendata/aggregate.h"

namespace civicgrid::opendata {

// A table ready to be written as CSV or JSON: string cells stay strings, counts are numbers or
// "<k", empty cells are null.
struct Column {
  std::string name, zh, en;
};
struct Table {
  std::vector<Column> columns;
  std::vector<std::vector<boost::json::value>> rows;
};

// Parameters of a download. Paging applies to the published cases (the large dataset); the
// period to the aggregates.
struct DownloadQuery {
  analytics::Period period;
  std::int64_t offset = 0;
  int limit = 5000;
};
inline constexpr int kMaxPageRows = 20000;

class OpenDataService {
 public:
  OpenDataService(analytics::AnalyticsService& analytics, cases::CaseService& cases,
                  identity::IdentityService& identity);

  // GET /api/v1/open/stats: groups of `by` over cases created in `period`, plus the total.
  boost::json::object stats(By by, const analytics::Period& period);
  // The catalog: every dataset's metadata (DCAT-like).
  boost::json::object catalog();
  // One dataset's metadata; kNotFound for an unknown id.
  Result<boost::json::object> dataset(std::string_view id);
  // One page (cases) or the whole (aggregates) of a dataset; kNotFound for an unknown id.
  Result<Table> rows(std::string_view id, const DownloadQuery& q);

 private:
  boost::json::object metadata(std::string_view id);
  Result<Table> published_cases(const DownloadQuery& q);
  Table monthly_counts(const DownloadQuery& q);
  Table department_performance(const DownloadQuery& q);
  std::int64_t published_case_count();
  std::vector<std::string> unpublished_categories();

  analytics::AnalyticsService& analytics_;
  cases::CaseService& cases_;
  identity::IdentityService& identity_;
};

// The ids of the datasets, in catalog order.
const std::vector<std::string>& dataset_ids();

// GET /api/v1/open/stats, /api/v1/open/datasets, /api/v1/open/datasets/{id}[.csv|.json]: public.
void register_routes(http::Router& router, OpenDataService& svc);

}  // namespace civicgrid::opendata
