#include "cases/catalog.h"

namespace civicgrid::cases {

namespace {

// The tree is at most three levels deep; the bound only protects against a cycle in bad data.
constexpr int kMaxDepth = 16;

}  // namespace

Catalog::Catalog(std::vector<Category> categories, std::vector<RoutingRule> rules,
                 std::vector<TimeLimit> limits)
    : categories_(std::move(categories)), rules_(std::move(rules)), limits_(std::move(limits)) {
  for (size_t i = 0; i < categories_.size(); ++i) index_.emplace(categories_[i].code, i);
}

const Category* Catalog::category(std::string_view code) const {
  auto it = index_.find(code);
  return it == index_.end() ? nullptr : &categories_[it->second];
}

const Category* Catalog::top_level(std::string_view code) const {
  const Category* c = category(code);
  for (int depth = 0; c && !c->parent.empty() && depth < kMaxDepth; ++depth) c = category(c->parent);
  return c;
}

std::optional<DispatchSuggestion> Catalog::suggest(std::string_view category_code,
                                                   std::string_view area,
                                                   const identity::OrgTree& tree) const {
  // The areas from the case's own up to the root, then "" (everywhere).
  std::vector<std::string> areas;
  for (const identity::OrgUnit* u = tree.find(area); u && areas.size() < 16;
       u = u->parent.empty() ? nullptr : tree.find(u->parent))
    areas.push_back(u->code);
  areas.emplace_back();
  int depth = 0;
  for (const Category* c = category(category_code); c && depth < kMaxDepth;
       c = c->parent.empty() ? nullptr : category(c->parent), ++depth) {
    for (const auto& a : areas)
      for (const auto& r : rules_)
        if (r.category == c->code && r.area == a) return DispatchSuggestion{r.lead, r.co, r.category, r.area};
  }
  return std::nullopt;
}

TimeLimit Catalog::limit_for(std::string_view category_code, Urgency urgency) const {
  int depth = 0;
  for (const Category* c = category(category_code); c && depth < kMaxDepth;
       c = c->parent.empty() ? nullptr : category(c->parent), ++depth) {
    for (const auto& l : limits_)
      if (l.category == c->code && l.urgency == urgency) return l;
  }
  for (const auto& l : limits_)
    if (l.category.empty() && l.urgency == urgency) return l;
  // No configuration at all: the common national practice (7 working days, 24 working hours to accept).
  TimeLimit fallback;
  fallback.urgency = urgency;
  fallback.accept_working_minutes = 24 * 60;
  fallback.handle_working_days = 7;
  return fallback;
}

}  // namespace civicgrid::cases
