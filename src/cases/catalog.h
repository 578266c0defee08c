// Categories, dispatch rules and time limits: configuration that administrators edit as data.
// Held in memory as an immutable snapshot (the CaseService swaps it on change).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cases/case.h"
#include "identity/org_tree.h"

namespace civicgrid::cases {

struct Category {
  std::string code;
  std::string name;
  std::string name_en;
  std::string parent;  // empty for a first-level category
  int level = 1;
  bool is_public = true;  // residents may choose it (and Open311 lists it)
};

struct RoutingRule {
  std::string category;  // a category code at any level
  std::string area;      // an area code, empty = everywhere
  std::string lead;      // department code
  std::vector<std::string> co;
};

// Working minutes are counted on the working-day calendar; natural minutes on the clock. Exactly one
// of each pair is positive.
struct TimeLimit {
  std::string category;  // empty = the default for the urgency
  Urgency urgency = Urgency::kNormal;
  int accept_working_minutes = 0;
  int accept_natural_minutes = 0;
  int handle_working_days = 0;
  int handle_natural_minutes = 0;
};

struct DispatchSuggestion {
  std::string lead;
  std::vector<std::string> co;
  std::string rule_category;  // the rule that matched
  std::string rule_area;
};

class Catalog {
 public:
  Catalog() = default;
  Catalog(std::vector<Category> categories, std::vector<RoutingRule> rules,
          std::vector<TimeLimit> limits);

  const Category* category(std::string_view code) const;
  const std::vector<Category>& categories() const { return categories_; }
  const std::vector<RoutingRule>& rules() const { return rules_; }
  const std::vector<TimeLimit>& limits() const { return limits_; }
  // The first-level ancestor of a category (itself if first-level).
  const Category* top_level(std::string_view code) const;

  // The most specific rule: the deepest category on the path to the root, and for it the most
  // specific area on the path from the case's area to the root. nullopt when no rule matches.
  std::optional<DispatchSuggestion> suggest(std::string_view category, std::string_view area,
                                            const identity::OrgTree& tree) const;

  // The limit for the category (walking up to the default).
  TimeLimit limit_for(std::string_view category, Urgency urgency) const;

 private:
  std::vector<Category> categories_;
  std::map<std::string, size_t, std::less<>> index_;
  std::vector<RoutingRule> rules_;
  std::vector<TimeLimit> limits_;
};

}  // namespace civicgrid::cases
