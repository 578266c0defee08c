// The datasets of the open data catalog and the public statistics.
#include <boost/json.hpp>

#include "core/time.h"
#include "core/work_calendar.h"
#include "opendata/opendata.h"
#include "opendata/suppress.h"
#include "text/text.h"

namespace civicgrid::opendata {

namespace json = boost::json;

namespace {

constexpr std::string_view kCases = "published-cases";
constexpr std::string_view kMonthly = "monthly-counts";
constexpr std::string_view kDepartments = "department-performance";
constexpr std::string_view kLicence = "CC-BY-4.0";
constexpr int kFeedPage = 1000;  // the public case feed's page size

json::value text_or_null(std::string s) {
  if (s.empty()) return nullptr;
  return json::value(std::move(s));
}

std::vector<Column> columns(std::initializer_list<Column> c) {
  return c;
}

json::object columns_json(const std::vector<Column>& cols) {
  json::array a;
  for (const auto& c : cols)
    a.push_back(json::object{{"name", c.name}, {"title", c.zh}, {"title_en", c.en}});
  return json::object{{"fields", std::move(a)}};
}

const std::vector<Column>& case_columns() {
  static const auto c = columns({{"id", "编号", "id"},
                                 {"type", "诉求类型", "appeal type"},
                                 {"category", "类别代码", "category code"},
                                 {"category_name", "类别", "category"},
                                 {"status", "状态", "status"},
                                 {"created_at", "受理时间", "created at"},
                                 {"closed_at", "结案时间", "closed at"},
                                 {"street", "街道", "street"},
                                 {"community", "社区", "community"},
                                 {"grid", "网格", "grid"},
                                 {"title", "标题（已脱敏）", "title (redacted)"},
                                 {"reply", "答复（已脱敏）", "reply (redacted)"}});
  return c;
}
const std::vector<Column>& monthly_columns() {
  static const auto c = columns({{"month", "月份", "month"},
                                 {"category", "类别代码", "category code"},
                                 {"category_name", "类别", "category"},
                                 {"street", "街道代码", "street code"},
                                 {"street_name", "街道", "street"},
                                 {"cases", "诉求数", "cases"},
                                 {"closed", "已结案", "closed"}});
  return c;
}
const std::vector<Column>& department_columns() {
  static const auto c = columns({{"month", "月份", "month"},
                                 {"department", "部门代码", "department code"},
                                 {"department_name", "部门", "department"},
                                 {"cases", "诉求数", "cases"},
                                 {"closed", "已结案", "closed"},
                                 {"response_rate", "响应率", "response rate"},
                                 {"responded", "及时响应数", "responded"},
                                 {"dispatched", "派遣数", "dispatched"},
                                 {"resolution_rate", "解决率", "resolution rate"},
                                 {"resolved", "已解决数", "resolved"},
                                 {"satisfaction_rate", "满意率", "satisfaction rate"},
                                 {"satisfied", "满意与基本满意数", "satisfied or basically"},
                                 {"evaluated", "评价数", "evaluated"}});
  return c;
}

struct Meta {
  std::string_view id, title, title_en, description, description_en;
  const std::vector<Column>& (*cols)();
  bool paged;
};
const Meta kMeta[] = {
    {kCases, "已公开诉求工单", "Published cases",
     "公开类别的诉求工单：类别、状态、时间、所在街道/社区/"
     "网格及脱敏后的标题与答复；不含任何个人信息与精确位置。按页下载（offset、limit）。",
     "Cases in public categories: category, status, times, street/community/grid and the redacted "
     "title and reply; no personal data and no exact location. Downloaded in pages (offset, "
     "limit).",
     case_columns, true},
    {kMonthly, "按月、类别、街道的诉求数", "Monthly cases by category and street",
     "每月各一级类别、各街道的诉求数与结案数；少于3件的格子显示为“<3”。",
     "Cases and closed cases per month, first-level category and street; cells under 3 cases are "
     "shown "
     "as \"<3\".",
     monthly_columns, false},
    {kDepartments, "部门月度绩效", "Department performance by month",
     "各部门每月的响应率、解决率、满意率及其分子分母；少于3件的格子显示为“<"
     "3”，会泄露小数的比率不公布。",
     "Response, resolution and satisfaction rates per department and month with numerators and "
     "denominators; cells under 3 cases are shown as \"<3\" and rates that would reveal them are "
     "withheld.",
     department_columns, false},
};

const Meta* find_meta(std::string_view id) {
  for (const auto& m : kMeta)
    if (m.id == id) return &m;
  return nullptr;
}

Error unknown_dataset(std::string_view id) {
  return Error::not_found("数据集不存在：" + std::string(id),
                          "no such dataset: " + std::string(id));
}

// The instant a China-time day starts (UTC+8, no daylight saving).
Timestamp china_midnight(std::int64_t day) {
  return day * 86'400'000 - 8 * 3'600'000;
}

json::value month_json(const Label& l) {
  return json::value(l.code);
}

}  // namespace

const std::vector<std::string>& dataset_ids() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> v;
    for (const auto& m : kMeta) v.emplace_back(m.id);
    return v;
  }();
  return ids;
}

OpenDataService::OpenDataService(analytics::AnalyticsService& analytics, cases::CaseService& cases,
                                 identity::IdentityService& identity)
    : analytics_(analytics), cases_(cases), identity_(identity) {}

json::object OpenDataService::stats(By by, const analytics::Period& period) {
  auto catalog = cases_.catalog();
  auto tree = identity_.org_tree();
  const double w = analytics_.config().basic_weight;
  auto groups = aggregate(analytics_.cube(), {by}, period, *catalog);
  json::array rows;
  Counts total;
  for (const auto& [key, c] : groups) {
    total.add(c);
    Label l = label(analytics_.cube(), by, key[0], *catalog, *tree);
    json::object o = counts_json(c, w);
    o["key"] = l.code;
    o["name"] = l.name;
    o["name_en"] = l.name_en;
    rows.push_back(std::move(o));
  }
  json::object out;
  out["by"] = name(by);
  out["from"] = period.from_day ? json::value(analytics::format_day(*period.from_day)) : nullptr;
  out["to"] = period.to_day ? json::value(analytics::format_day(*period.to_day)) : nullptr;
  out["min_cell"] = kMinCell;
  out["suppressed_as"] = "<" + std::to_string(kMinCell);
  out["rows"] = std::move(rows);
  out["total"] = counts_json(total, w);
  return out;
}

std::vector<std::string> OpenDataService::unpublished_categories() {
  auto catalog = cases_.catalog();
  std::vector<std::string> out;
  for (const auto& c : catalog->categories()) {
    bool ok = true;
    for (const cases::Category* p = &c; p && ok;
         p = p->parent.empty() ? nullptr : catalog->category(p->parent))
      ok = p->is_public;
    if (!ok) out.push_back(c.code);
  }
  return out;
}

std::int64_t OpenDataService::published_case_count() {
  std::int64_t n = 0;
  for (const auto& [key, c] : aggregate(analytics_.cube(), {By::kCategory}, {}, *cases_.catalog()))
    if (key[0] != 0 && key[0] != kNonPublic) n += c.cases;
  return n;
}

json::object OpenDataService::metadata(std::string_view id) {
  const Meta& m = *find_meta(id);
  const auto& cube = analytics_.cube();
  std::int64_t rows = 0;
  if (m.paged) {
    rows = published_case_count();
  } else {
    const std::vector<By> dims = id == kMonthly
                                     ? std::vector<By>{By::kMonth, By::kCategory, By::kStreet}
                                     : std::vector<By>{By::kMonth, By::kDepartment};
    rows = static_cast<std::int64_t>(aggregate(cube, dims, {}, *cases_.catalog()).size());
  }
  json::object coverage;
  {
    auto lock = cube.lock_shared();
    if (cube.min_created_day_ <= cube.max_created_day_) {
      coverage["start"] = analytics::format_day(cube.min_created_day_);
      coverage["end"] = analytics::format_day(cube.max_created_day_);
    }
  }
  const std::string modified = format_rfc3339(cases_.clock().now());
  json::array resources;
  for (std::string_view fmt : {"csv", "json"}) {
    json::object r;
    r["format"] = fmt == "csv" ? "CSV" : "JSON";
    r["media_type"] = fmt == "csv" ? "text/csv; charset=utf-8" : "application/json";
    r["url"] = "/api/v1/open/datasets/" + std::string(id) + "." + std::string(fmt);
    r["byte_size"] = nullptr;  // produced on request, so unknown until downloaded
    r["row_count"] = rows;
    r["modified"] = modified;
    if (m.paged) r["page_limit_max"] = kMaxPageRows;
    resources.push_back(std::move(r));
  }
  json::object o;
  o["id"] = m.id;
  o["title"] = m.title;
  o["title_en"] = m.title_en;
  o["description"] = m.description;
  o["description_en"] = m.description_en;
  o["licence"] = kLicence;
  o["publisher"] = "civicgrid";
  o["update_frequency"] = "continuous";
  o["update_frequency_zh"] = "实时更新";
  o["temporal_coverage"] = std::move(coverage);
  o["modified"] = modified;
  o["schema"] = columns_json(m.cols());
  o["min_cell"] = m.paged ? json::value(nullptr) : json::value(kMinCell);
  o["resources"] = std::move(resources);
  return o;
}

json::object OpenDataService::catalog() {
  json::array sets;
  for (const auto& m : kMeta) sets.push_back(metadata(m.id));
  json::object o;
  o["title"] = "civicgrid 数据开放目录";
  o["title_en"] = "civicgrid open data catalog";
  o["licence"] = kLicence;
  o["datasets"] = std::move(sets);
  return o;
}

Result<json::object> OpenDataService::dataset(std::string_view id) {
  if (!find_meta(id)) return fail(unknown_dataset(id));
  return metadata(id);
}

Result<Table> OpenDataService::rows(std::string_view id, const DownloadQuery& q) {
  if (id == kCases) return published_cases(q);
  if (id == kMonthly) return monthly_counts(q);
  if (id == kDepartments) return department_performance(q);
  return fail(unknown_dataset(id));
}

Result<Table> OpenDataService::published_cases(const DownloadQuery& q) {
  auto tree = identity_.org_tree();
  auto catalog = cases_.catalog();
  auto area_name = [&](const std::string& area, std::string_view kind) -> json::value {
    const identity::OrgUnit* u = area.empty() ? nullptr : tree->ancestor_of_kind(area, kind);
    return u ? json::value(u->name) : json::value(nullptr);
  };
  Table t{case_columns(), {}};
  t.rows.reserve(static_cast<size_t>(q.limit));
  cases::PublicCaseFilter f;
  f.exclude_categories = unpublished_categories();
  f.created_from = q.period.from_day ? std::optional<Timestamp>(china_midnight(*q.period.from_day))
                                     : std::nullopt;
  f.created_to =
      q.period.to_day ? std::optional<Timestamp>(china_midnight(*q.period.to_day)) : std::nullopt;
  // The feed answers at most kFeedPage cases at a time; a download page is several feed pages.
  std::int64_t offset = q.offset;
  while (static_cast<int>(t.rows.size()) < q.limit) {
    f.offset = offset;
    f.limit = std::min(kFeedPage, q.limit - static_cast<int>(t.rows.size()));
    auto page = cases_.list_public(f);
    if (!page) return fail(page.error());
    for (const auto& d : *page) {
      const cases::Case& c = d.c;
      const cases::Category* cat = catalog->category(c.category);
      const std::string& area = c.grid.empty() ? c.area : c.grid;
      std::vector<json::value> row;
      row.reserve(t.columns.size());
      row.emplace_back(c.id);
      row.emplace_back(cases::name(c.type));
      row.emplace_back(c.category);
      row.push_back(cat ? json::value(cat->name) : json::value(nullptr));
      row.emplace_back(cases::name(c.status));
      row.emplace_back(format_rfc3339(c.created_at));
      row.push_back(c.closed_at ? json::value(format_rfc3339(c.closed_at)) : json::value(nullptr));
      row.push_back(area_name(area, "street"));
      row.push_back(area_name(area, "community"));
      row.push_back(area_name(area, "grid"));
      row.push_back(text_or_null(text::redact(c.title)));
      row.push_back(text_or_null(text::redact(c.reply)));
      t.rows.push_back(std::move(row));
    }
    offset += static_cast<std::int64_t>(page->size());
    if (static_cast<int>(page->size()) < f.limit) break;
  }
  return t;
}

Table OpenDataService::monthly_counts(const DownloadQuery& q) {
  auto catalog = cases_.catalog();
  auto tree = identity_.org_tree();
  const auto& cube = analytics_.cube();
  Table t{monthly_columns(), {}};
  for (const auto& [key, c] :
       aggregate(cube, {By::kMonth, By::kCategory, By::kStreet}, q.period, *catalog)) {
    const Label month = label(cube, By::kMonth, key[0], *catalog, *tree);
    const Label cat = label(cube, By::kCategory, key[1], *catalog, *tree);
    const Label street = label(cube, By::kStreet, key[2], *catalog, *tree);
    t.rows.push_back({month_json(month), json::value(cat.code), json::value(cat.name),
                      json::value(street.code), json::value(street.name), cell(c.cases),
                      cell(c.closed)});
  }
  return t;
}

Table OpenDataService::department_performance(const DownloadQuery& q) {
  auto catalog = cases_.catalog();
  auto tree = identity_.org_tree();
  const auto& cube = analytics_.cube();
  const double w = analytics_.config().basic_weight;
  Table t{department_columns(), {}};
  auto r = [](std::optional<double> v) { return v ? json::value(*v) : json::value(nullptr); };
  for (const auto& [key, c] : aggregate(cube, {By::kMonth, By::kDepartment}, q.period, *catalog)) {
    if (key[1] == 0) continue;  // not dispatched to any department
    const Label month = label(cube, By::kMonth, key[0], *catalog, *tree);
    const Label dep = label(cube, By::kDepartment, key[1], *catalog, *tree);
    const double sat = static_cast<double>(c.satisfied) + w * static_cast<double>(c.basically);
    t.rows.push_back({month_json(month), json::value(dep.code), json::value(dep.name),
                      cell(c.cases), cell(c.closed),
                      r(rate(static_cast<double>(c.responded), c.dispatched)), cell(c.responded),
                      cell(c.dispatched), r(rate(static_cast<double>(c.resolved), c.evaluated)),
                      cell(c.resolved), r(rate(sat, c.evaluated)), cell(c.satisfied + c.basically),
                      cell(c.evaluated)});
  }
  return t;
}

}  // namespace civicgrid::opendata
