// CaseService: construction, configuration snapshots, reads and scope.
#include <algorithm>
#include <future>

#include "cases/case_store.h"
#include "cases/cases.h"
#include "cases/queries.h"
#include "cases/state_machine.h"

namespace civicgrid::cases {

CaseService::CaseService(store::Database& db, const Clock& clock, const WorkCalendar& calendar,
                         identity::IdentityService& identity, audit::AuditLog& audit)
    : db_(db),
      clock_(clock),
      calendar_(calendar),
      identity_(identity),
      audit_(audit),
      catalog_(std::make_shared<Catalog>()),
      grids_(std::make_shared<GridLocator>()) {}

Result<void> CaseService::load() {
  refresh_grids();
  return reload_catalog();
}

std::shared_ptr<const Catalog> CaseService::catalog() const {
  std::lock_guard lock(mu_);
  return catalog_;
}

void CaseService::refresh_grids() {
  auto grids = std::make_shared<const GridLocator>(*identity_.org_tree());
  std::lock_guard lock(mu_);
  grids_ = std::move(grids);
}

Result<void> CaseService::reload_catalog() {
  auto loaded = db_.read([](store::Session& s) -> Result<std::shared_ptr<const Catalog>> {
    auto cats = s.query(queries::kCategories);
    if (!cats) return fail(cats.error());
    std::vector<Category> categories;
    for (const auto& r : cats->rows)
      categories.push_back(
          {r.str(0), r.str(1), r.str(2), r.str(3), static_cast<int>(r.i64(4)), r.i64(5) != 0});
    auto rules = s.query(queries::kRoutingRules);
    if (!rules) return fail(rules.error());
    std::vector<RoutingRule> routing;
    for (const auto& r : rules->rows) {
      RoutingRule rule{r.str(0), r.str(1), r.str(2), {}};
      const std::string co = r.str(3);
      size_t i = 0;
      while (i < co.size()) {
        size_t j = co.find(',', i);
        if (j == std::string::npos) j = co.size();
        if (j > i) rule.co.push_back(co.substr(i, j - i));
        i = j + 1;
      }
      routing.push_back(std::move(rule));
    }
    auto lim = s.query(queries::kTimeLimits);
    if (!lim) return fail(lim.error());
    std::vector<TimeLimit> limits;
    for (const auto& r : lim->rows)
      limits.push_back({r.str(0), parse_urgency(r.str(1)).value_or(Urgency::kNormal),
                        static_cast<int>(r.i64(2)), static_cast<int>(r.i64(3)),
                        static_cast<int>(r.i64(4)), static_cast<int>(r.i64(5))});
    return std::make_shared<const Catalog>(std::move(categories), std::move(routing),
                                           std::move(limits));
  });
  if (!loaded) return fail(loaded.error());
  std::lock_guard lock(mu_);
  catalog_ = std::move(*loaded);
  return {};
}

RuleContext CaseService::rule_context(store::Session& s, const identity::OrgTree& tree,
                                      const Catalog& catalog) const {
  return RuleContext{tree, calendar_, catalog,
                     [&s](std::int64_t id) { return case_store::status_of(s, id); }};
}

Actor CaseService::actor_for(const Principal& who) const {
  Actor a;
  a.principal = who;
  a.scope = identity_.scope_of(who);
  // The unit shown publicly for a staff action: the user's first unit that is not a grid (grid
  // workers are shown as their community's work, not as a person).
  auto tree = identity_.org_tree();
  for (const auto& u : who.units) {
    const identity::OrgUnit* unit = tree->find(u);
    if (unit && unit->kind != "grid") {
      a.unit = unit->code;
      break;
    }
  }
  return a;
}

bool CaseService::visible(const Case& c, const Principal& who,
                          const identity::DataScope& scope) const {
  if (scope.all) return true;
  if (!c.area.empty() && scope.covers_area(c.area)) return true;
  for (const auto& p : c.participants)
    if (p.active && scope.covers_department(p.unit)) return true;
  // Residents see what they submitted themselves.
  return who.kind == Principal::Kind::kUser && c.submitted_by == who.actor();
}

Result<CaseDetail> CaseService::get(std::int64_t id, const Principal& who) {
  const identity::DataScope scope = identity_.scope_of(who);
  return db_.read([&](store::Session& s) -> Result<CaseDetail> {
    auto c = case_store::load(s, id);
    if (!c) return fail(c.error());
    if (!visible(*c, who, scope)) return fail(Error::not_found("案件不存在", "no such case"));
    auto ev = case_store::events(s, id);
    if (!ev) return fail(ev.error());
    return CaseDetail{std::move(*c), std::move(*ev)};
  });
}

Result<CasePage> CaseService::list(const CaseFilter& f, const Principal& who) {
  const identity::DataScope scope = identity_.scope_of(who);
  auto cat = catalog();
  std::vector<std::string> categories;
  if (f.category) {
    if (!cat->category(*f.category))
      return fail(Error::invalid("category", "分类不存在：" + *f.category,
                                 "no such category: " + *f.category));
    for (const auto& c : cat->categories())
      for (const Category* p = &c; p; p = p->parent.empty() ? nullptr : cat->category(p->parent))
        if (p->code == *f.category) {
          categories.push_back(c.code);
          break;
        }
  }
  std::vector<std::string> areas;
  if (f.area) {
    auto tree = identity_.org_tree();
    if (!tree->find(*f.area))
      return fail(Error::invalid("area", "区域不存在：" + *f.area, "no such area: " + *f.area));
    for (const auto& a : tree->subtree(*f.area)) areas.push_back(a);
  }
  return db_.read([&](store::Session& s) {
    return case_store::list(s, f, scope, categories, areas, clock_.now());
  });
}

std::optional<DispatchSuggestion> CaseService::suggest_dispatch(const Case& c) const {
  return catalog()->suggest(c.category, c.area, *identity_.org_tree());
}

std::vector<Action> CaseService::allowed_actions(const Case& c, const Principal& who) const {
  const Actor actor = actor_for(who);
  std::vector<Action> out;
  for (Action a : actions_in(c.status))
    if (may_act(c, a, actor)) out.push_back(a);
  return out;
}

void CaseService::on_change(ChangeListener listener) {
  listeners_.push_back(std::move(listener));
}

void CaseService::notify_changed(const Case& c, std::span<const CaseEvent> events) const {
  for (const auto& l : listeners_) l(c, events);
}

Result<void> CaseService::notify_external_change(std::int64_t id) const {
  struct Loaded {
    Case c;
    std::vector<CaseEvent> events;
  };
  auto loaded = db_.read([&](store::Session& s) -> Result<Loaded> {
    auto c = case_store::load(s, id);
    if (!c) return fail(c.error());
    auto ev = case_store::events(s, id);
    if (!ev) return fail(ev.error());
    return Loaded{std::move(*c), std::move(*ev)};
  });
  if (!loaded) return fail(loaded.error());
  notify_changed(loaded->c, loaded->events);
  return {};
}

namespace {

struct ScanPage {
  std::vector<Case> cases;
  std::vector<CaseEvent> events;
};

// Calls `visit` for each case of the page with its events (both in case id order).
void visit_page(const ScanPage& page, const ChangeListener& visit) {
  size_t e = 0;
  for (const Case& c : page.cases) {
    while (e < page.events.size() && page.events[e].case_id < c.id) ++e;
    size_t end = e;
    while (end < page.events.size() && page.events[end].case_id == c.id) ++end;
    visit(c, std::span<const CaseEvent>(page.events.data() + e, end - e));
    e = end;
  }
}

}  // namespace

Result<std::int64_t> CaseService::scan(std::span<const Action> with_events,
                                       const ChangeListener& visit) {
  constexpr int kPage = 10000;
  store::Database& db = scan_db_ ? *scan_db_ : db_;
  auto read_page = [&db, with_events](std::int64_t after) {
    return db.read([&](store::Session& s) -> Result<ScanPage> {
      auto cases = case_store::scan_page(s, after, kPage);
      if (!cases) return fail(cases.error());
      ScanPage p{std::move(*cases), {}};
      if (p.cases.empty()) return p;
      auto ev = case_store::scan_events(s, p.cases.front().id, p.cases.back().id, with_events);
      if (!ev) return fail(ev.error());
      p.events = std::move(*ev);
      return p;
    });
  };
  // The next page is read on another thread while the listeners digest this one: reading (SQLite
  // or the PostgreSQL wire, and building the rows) and the derived views' updates overlap.
  std::int64_t seen = 0;
  auto page = read_page(0);
  for (;;) {
    if (!page) return fail(page.error());
    if (page->cases.empty()) break;
    const bool last = static_cast<int>(page->cases.size()) < kPage;
    std::future<Result<ScanPage>> next;
    if (!last) next = std::async(std::launch::async, read_page, page->cases.back().id);
    visit_page(*page, visit);
    seen += static_cast<std::int64_t>(page->cases.size());
    if (last) break;
    page = next.get();
  }
  return seen;
}

Result<std::int64_t> CaseService::scan_changed(std::int64_t after_id, Timestamp updated_since,
                                               std::span<const Action> with_events,
                                               const ChangeListener& visit) {
  // Always the primary: a replica may not have the latest changes yet, and these are few.
  auto ids = db_.read(
      [&](store::Session& s) { return case_store::changed_case_ids(s, after_id, updated_since); });
  if (!ids) return fail(ids.error());
  // Chunks small enough for every engine's limit on bound parameters.
  constexpr size_t kChunk = 500;
  for (size_t i = 0; i < ids->size(); i += kChunk) {
    const std::span<const std::int64_t> chunk(ids->data() + i, std::min(kChunk, ids->size() - i));
    auto page = db_.read([&](store::Session& s) -> Result<ScanPage> {
      auto cases = case_store::scan_cases(s, chunk);
      if (!cases) return fail(cases.error());
      auto ev = case_store::scan_events_of(s, chunk, with_events);
      if (!ev) return fail(ev.error());
      return ScanPage{std::move(*cases), std::move(*ev)};
    });
    if (!page) return fail(page.error());
    visit_page(*page, visit);
  }
  return static_cast<std::int64_t>(ids->size());
}

Result<std::int64_t> CaseService::count() {
  return db_.read([](store::Session& s) { return case_store::count_cases(s); });
}

}  // namespace civicgrid::cases
