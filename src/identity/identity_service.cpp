// IdentityService: construction, the organisation tree and its units.
#include <boost/json.hpp>

#include "core/json_fields.h"
#include "identity/identity.h"
#include "identity/queries.h"

namespace civicgrid::identity {

IdentityService::IdentityService(store::Database& db, const Clock& clock, IdentityOptions options)
    : db_(db), clock_(clock), options_(options), throttle_(options.throttle, db),
      tree_(std::make_shared<OrgTree>()) {}

Result<void> IdentityService::load() { return reload_tree(); }

std::shared_ptr<const OrgTree> IdentityService::org_tree() const {
  std::lock_guard lock(tree_mu_);
  return tree_;
}

Result<void> IdentityService::reload_tree() {
  auto rows = db_.read([](store::Session& s) { return s.query(queries::kAllUnits); });
  if (!rows) return fail(rows.error());
  std::vector<OrgUnit> units;
  units.reserve(rows->rows.size());
  for (const auto& r : rows->rows)
    units.push_back({r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5)});
  auto tree = std::make_shared<const OrgTree>(std::move(units));
  std::lock_guard lock(tree_mu_);
  tree_ = std::move(tree);
  return {};
}

namespace {

Result<void> validate_unit_code(std::string_view code) {
  if (code.empty() || code.size() > 64)
    return fail(Error::invalid("code", "单位编码应为 1–64 个字符", "code must be 1–64 characters"));
  for (char c : code)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
      return fail(Error::invalid("code", "单位编码只能包含字母、数字和 - _ .",
                                 "code may only contain letters, digits and - _ ."));
  return {};
}

Result<void> validate_geometry(const std::string& geometry) {
  if (geometry.empty()) return {};
  boost::system::error_code ec;
  auto v = boost::json::parse(geometry, ec);
  if (ec || !v.is_object() || !v.get_object().contains("type") ||
      !v.get_object().contains("coordinates"))
    return fail(Error::invalid("geometry", "geometry 应为 GeoJSON 几何对象",
                               "geometry must be a GeoJSON geometry object"));
  const auto& type = v.get_object().at("type");
  if (!type.is_string() || (type.get_string() != "Polygon" && type.get_string() != "MultiPolygon"))
    return fail(Error::invalid("geometry", "geometry 须为 Polygon 或 MultiPolygon",
                               "geometry must be a Polygon or MultiPolygon"));
  return {};
}

}  // namespace

Result<OrgUnit> IdentityService::create_unit(const OrgUnit& unit) {
  if (auto ok = validate_unit_code(unit.code); !ok) return fail(ok.error());
  if (json_fields::trim(unit.name).empty()) return fail(Error::missing("name"));
  if (!is_unit_kind(unit.kind))
    return fail(Error::invalid("kind", "未知的单位类型：" + unit.kind, "unknown unit kind: " + unit.kind));
  auto tree = org_tree();
  std::string parent_kind;
  if (!unit.parent.empty()) {
    const OrgUnit* p = tree->find(unit.parent);
    if (!p)
      return fail(Error::invalid("parent", "上级单位不存在：" + unit.parent,
                                 "parent unit does not exist: " + unit.parent));
    parent_kind = p->kind;
  }
  if (!valid_parent_kind(unit.kind, parent_kind))
    return fail(Error::invalid("parent", "该类型的单位不能放在此上级之下",
                               "a unit of kind " + unit.kind + " cannot sit under " +
                                   (parent_kind.empty() ? std::string("no parent") : parent_kind)));
  if (auto ok = validate_geometry(unit.geometry); !ok) return fail(ok.error());
  auto r = db_.write([&](store::Session& s) {
    return s.execute(queries::kInsertUnit, {unit.code, json_fields::trim(unit.name), unit.name_en,
                                            unit.kind, unit.parent, unit.geometry, clock_.now()});
  });
  if (!r) {
    if (r.error().code() == ErrorCode::kConflict)
      return fail(Error::conflict("单位编码已存在：" + unit.code, "unit code already exists: " + unit.code,
                                  "code"));
    return fail(r.error());
  }
  if (auto ok = reload_tree(); !ok) return fail(ok.error());
  return *org_tree()->find(unit.code);
}

Result<OrgUnit> IdentityService::update_unit(const OrgUnit& unit) {
  if (!org_tree()->find(unit.code)) return fail(Error::not_found("单位不存在", "no such unit"));
  if (json_fields::trim(unit.name).empty()) return fail(Error::missing("name"));
  if (auto ok = validate_geometry(unit.geometry); !ok) return fail(ok.error());
  auto r = db_.write([&](store::Session& s) {
    return s.execute(queries::kUpdateUnit,
                     {unit.code, json_fields::trim(unit.name), unit.name_en, unit.geometry, clock_.now()});
  });
  if (!r) return fail(r.error());
  if (auto ok = reload_tree(); !ok) return fail(ok.error());
  return *org_tree()->find(unit.code);
}

Result<void> IdentityService::check_units(const std::vector<std::string>& units) const {
  auto tree = org_tree();
  for (size_t i = 0; i < units.size(); ++i)
    if (!tree->find(units[i]))
      return fail(Error::invalid("units", "单位不存在：" + units[i], "no such unit: " + units[i]));
  return {};
}

}  // namespace civicgrid::identity
