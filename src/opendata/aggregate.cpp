#include "opendata/aggregate.h"

#include <chrono>

#include "opendata/suppress.h"

namespace civicgrid::opendata {

namespace json = boost::json;
using analytics::Cube;

std::optional<By> parse_by(std::string_view s) {
  if (s == "month") return By::kMonth;
  if (s == "category") return By::kCategory;
  if (s == "street") return By::kStreet;
  if (s == "department") return By::kDepartment;
  return std::nullopt;
}

std::string_view name(By b) {
  switch (b) {
    case By::kMonth:
      return "month";
    case By::kCategory:
      return "category";
    case By::kStreet:
      return "street";
    case By::kDepartment:
      return "department";
  }
  return "";
}

void Counts::add(const Counts& o) {
  cases += o.cases;
  closed += o.closed;
  dispatched += o.dispatched;
  responded += o.responded;
  evaluated += o.evaluated;
  resolved += o.resolved;
  satisfied += o.satisfied;
  basically += o.basically;
}

namespace {

std::uint32_t month_of_day(std::int64_t day) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
  return static_cast<std::uint32_t>(static_cast<int>(ymd.year()) * 12 +
                                    static_cast<int>(static_cast<unsigned>(ymd.month())) - 1);
}

// Category code → published (itself and every ancestor public).
std::vector<char> public_categories(const Cube& cube, const cases::Catalog& catalog) {
  std::vector<char> out(cube.categories_.size(), 0);
  for (size_t i = 1; i < out.size(); ++i) {
    const cases::Category* c =
        catalog.category(cube.categories_.code(static_cast<std::uint16_t>(i)));
    bool ok = c != nullptr;
    while (ok && c) {
      ok = c->is_public;
      c = c->parent.empty() ? nullptr : catalog.category(c->parent);
    }
    out[i] = ok;
  }
  return out;
}

}  // namespace

std::map<Key, Counts> aggregate(const Cube& cube, const std::vector<By>& dims,
                                const analytics::Period& period, const cases::Catalog& catalog) {
  auto lock = cube.lock_shared();
  const std::vector<char> published = public_categories(cube, catalog);
  std::map<Key, Counts> out;
  std::vector<std::uint32_t> month_cache;  // by created day, 0 = not yet computed
  for (size_t row = 1; row < cube.rows(); ++row) {
    const std::uint8_t status = cube.status_[row];
    if (status == analytics::kAbsent) continue;
    const std::uint16_t day = cube.created_day_[row];
    if (!period.contains(day)) continue;
    Key key{0, 0, 0};
    for (size_t d = 0; d < dims.size() && d < key.size(); ++d) {
      switch (dims[d]) {
        case By::kMonth:
          if (month_cache.size() <= day) month_cache.resize(day + 1u, 0);
          if (!month_cache[day]) month_cache[day] = month_of_day(day);
          key[d] = month_cache[day];
          break;
        case By::kCategory: {
          const std::uint16_t cat = cube.category_[row];
          const std::uint16_t top = cat ? cube.category_levels_[cat][0] : 0;
          key[d] = cat && !(published[cat] && published[top]) ? kNonPublic : top;
          break;
        }
        case By::kStreet:
          key[d] = cube.area_[row] ? cube.area_street_[cube.area_[row]] : 0;
          break;
        case By::kDepartment:
          key[d] = cube.department_[row];
          break;
      }
    }
    Counts& c = out[key];
    const std::uint16_t f = cube.flags_[row];
    ++c.cases;
    if (f & analytics::kClosed) ++c.closed;
    if (f & analytics::kDispatched) {
      ++c.dispatched;
      if ((f & analytics::kAcceptedOnTime) && (f & analytics::kContacted)) ++c.responded;
    }
    if (f & analytics::kEvaluated) {
      ++c.evaluated;
      const std::uint8_t e = cube.eval_[row];
      if ((e & 3) == analytics::kResolved) ++c.resolved;
      if ((e >> 2) == analytics::kSatisfied) ++c.satisfied;
      if ((e >> 2) == analytics::kBasically) ++c.basically;
    }
  }
  return out;
}

Label label(const Cube& cube, By by, std::uint32_t part, const cases::Catalog& catalog,
            const identity::OrgTree& tree) {
  if (by == By::kMonth) {
    const int y = static_cast<int>(part / 12), m = static_cast<int>(part % 12) + 1;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d", y, m);
    return {buf, buf, buf};
  }
  if (part == kNonPublic) return {"non_public", "不公开类别", "unpublished categories"};
  if (part == 0) return {"", "未指定", "unassigned"};
  auto lock = cube.lock_shared();
  if (by == By::kCategory) {
    std::string code = cube.categories_.code(static_cast<std::uint16_t>(part));
    const cases::Category* c = catalog.category(code);
    return {code, c ? c->name : code, c ? c->name_en : code};
  }
  const std::string code = by == By::kStreet
                               ? cube.areas_.code(static_cast<std::uint16_t>(part))
                               : cube.departments_.code(static_cast<std::uint16_t>(part));
  const identity::OrgUnit* u = tree.find(code);
  return {code, u ? u->name : code, u ? u->name_en : code};
}

boost::json::object counts_json(const Counts& c, double basic_weight) {
  auto one = [](double num, std::int64_t den, std::int64_t num_count) {
    json::object o;
    auto r = rate(num, den);
    o["rate"] = r ? json::value(*r) : json::value(nullptr);
    o["numerator"] = cell(num_count);
    o["denominator"] = cell(den);
    return o;
  };
  const double sat =
      static_cast<double>(c.satisfied) + basic_weight * static_cast<double>(c.basically);
  json::object o;
  o["cases"] = cell(c.cases);
  o["closed"] = cell(c.closed);
  o["response"] = one(static_cast<double>(c.responded), c.dispatched, c.responded);
  o["resolution"] = one(static_cast<double>(c.resolved), c.evaluated, c.resolved);
  json::object s = one(sat, c.evaluated, c.satisfied + c.basically);
  s["satisfied"] = cell(c.satisfied);
  s["basically_satisfied"] = cell(c.basically);
  o["satisfaction"] = std::move(s);
  return o;
}

}  // namespace civicgrid::opendata
