// Administrators' configuration: categories, dispatch rules and time limits, replaced as a whole
// (rules, limits) or upserted (categories, which cases reference), then reloaded into memory.
#include "cases/cases.h"
#include "cases/queries.h"

namespace civicgrid::cases {

Result<void> CaseService::put_categories(const std::vector<Category>& categories) {
  auto current = catalog();
  std::set<std::string> known;
  for (const auto& c : current->categories()) known.insert(c.code);
  for (size_t i = 0; i < categories.size(); ++i) {
    const auto& c = categories[i];
    const std::string field = "categories[" + std::to_string(i) + "]";
    if (c.code.empty() || c.name.empty()) return fail(Error::missing(field + ".code"));
    if (!c.parent.empty() && !known.contains(c.parent))
      return fail(Error::invalid(field + ".parent", "上级分类不存在：" + c.parent, "no such parent category: " + c.parent));
    known.insert(c.code);
  }
  auto r = db_.write([&](store::Session& s) -> Result<void> {
    for (const auto& c : categories) {
      auto ok = s.execute(queries::kUpsertCategory,
                          {c.code, c.name, c.name_en, c.parent, std::int64_t{c.level}, std::int64_t{c.is_public}});
      if (!ok) return fail(ok.error());
    }
    return {};
  });
  if (!r) return fail(r.error());
  return reload_catalog();
}

Result<void> CaseService::put_routing_rules(const std::vector<RoutingRule>& rules) {
  auto cat = catalog();
  auto tree = identity_.org_tree();
  for (size_t i = 0; i < rules.size(); ++i) {
    const auto& r = rules[i];
    const std::string field = "rules[" + std::to_string(i) + "]";
    if (!cat->category(r.category))
      return fail(Error::invalid(field + ".category", "分类不存在：" + r.category, "no such category: " + r.category));
    if (!r.area.empty()) {
      const identity::OrgUnit* a = tree->find(r.area);
      if (!a || !identity::is_area_kind(a->kind))
        return fail(Error::invalid(field + ".area", "区域不存在：" + r.area, "no such area: " + r.area));
    }
    for (const auto& d : [&] {
           std::vector<std::string> all{r.lead};
           all.insert(all.end(), r.co.begin(), r.co.end());
           return all;
         }()) {
      const identity::OrgUnit* u = tree->find(d);
      if (!u || !identity::is_handling_kind(u->kind))
        return fail(Error::invalid(field + ".lead", "不是可派遣的部门：" + d, "not a department: " + d));
    }
    for (size_t j = 0; j < i; ++j)
      if (rules[j].category == r.category && rules[j].area == r.area)
        return fail(Error::conflict("规则重复：" + r.category, "duplicate rule for " + r.category, field));
  }
  auto w = db_.write([&](store::Session& s) -> Result<void> {
    if (s.dialect() == store::Dialect::kPostgres)
      if (auto ok = s.execute(queries::kLockRoutingRulesPg); !ok) return fail(ok.error());
    if (auto ok = s.execute(queries::kDeleteRoutingRules); !ok) return fail(ok.error());
    for (const auto& r : rules) {
      std::string co;
      for (const auto& d : r.co) co += (co.empty() ? "" : ",") + d;
      if (auto ok = s.execute(queries::kInsertRoutingRule, {r.category, r.area, r.lead, co}); !ok)
        return fail(ok.error());
    }
    return {};
  });
  if (!w) return fail(w.error());
  return reload_catalog();
}

Result<void> CaseService::put_time_limits(const std::vector<TimeLimit>& limits) {
  auto cat = catalog();
  for (size_t i = 0; i < limits.size(); ++i) {
    const auto& l = limits[i];
    const std::string field = "limits[" + std::to_string(i) + "]";
    if (!l.category.empty() && !cat->category(l.category))
      return fail(Error::invalid(field + ".category", "分类不存在：" + l.category, "no such category: " + l.category));
    if ((l.accept_working_minutes > 0) == (l.accept_natural_minutes > 0))
      return fail(Error::invalid(field + ".accept_working_minutes", "签收时限须二选一：工作分钟或自然分钟",
                                 "give exactly one of accept_working_minutes and accept_natural_minutes"));
    if ((l.handle_working_days > 0) == (l.handle_natural_minutes > 0))
      return fail(Error::invalid(field + ".handle_working_days", "办理时限须二选一：工作日或自然分钟",
                                 "give exactly one of handle_working_days and handle_natural_minutes"));
    for (size_t j = 0; j < i; ++j)
      if (limits[j].category == l.category && limits[j].urgency == l.urgency)
        return fail(Error::conflict("时限规则重复", "duplicate time limit", field));
  }
  auto w = db_.write([&](store::Session& s) -> Result<void> {
    if (s.dialect() == store::Dialect::kPostgres)
      if (auto ok = s.execute(queries::kLockTimeLimitsPg); !ok) return fail(ok.error());
    if (auto ok = s.execute(queries::kDeleteTimeLimits); !ok) return fail(ok.error());
    for (const auto& l : limits) {
      auto ok = s.execute(queries::kInsertTimeLimit,
                          {l.category, std::string(name(l.urgency)), std::int64_t{l.accept_working_minutes},
                           std::int64_t{l.accept_natural_minutes}, std::int64_t{l.handle_working_days},
                           std::int64_t{l.handle_natural_minutes}});
      if (!ok) return fail(ok.error());
    }
    return {};
  });
  if (!w) return fail(w.error());
  return reload_catalog();
}

}  // namespace civicgrid::cases
