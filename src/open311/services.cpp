// Services: the public leaf categories, and their attribute definitions (admin-editable data).
#include <boost/json.hpp>

#include "open311/open311.h"
#include "open311/queries.h"

namespace civicgrid::open311 {

namespace json = boost::json;

struct Open311Service::Index {
  std::shared_ptr<const cases::Catalog> catalog;
  std::shared_ptr<const AttributeTable> attributes;
  std::vector<Service> services;  // leaves, in category code order
  std::map<std::string, size_t, std::less<>> by_code;
  std::set<std::string, std::less<>> published;  // every public category whose ancestors are public
  std::vector<std::string> unpublished;
};

namespace {

json::array values_json(const std::vector<ListValue>& values) {
  json::array out;
  for (const auto& v : values) out.push_back(json::object{{"key", v.key}, {"name", v.name}});
  return out;
}

std::vector<ListValue> values_from(const std::string& text) {
  std::vector<ListValue> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& item : v.get_array()) {
    if (!item.is_object()) continue;
    const auto* key = item.get_object().if_contains("key");
    const auto* label = item.get_object().if_contains("name");
    if (key && key->is_string() && label && label->is_string())
      out.push_back({std::string(key->get_string()), std::string(label->get_string())});
  }
  return out;
}

}  // namespace

Open311Service::Open311Service(store::Database& db, const Clock& clock, cases::CaseService& cases,
                               identity::IdentityService& identity, audit::AuditLog& audit)
    : db_(db),
      clock_(clock),
      cases_(cases),
      identity_(identity),
      audit_(audit),
      attributes_(std::make_shared<AttributeTable>()) {}

Result<void> Open311Service::load() {
  {
    std::lock_guard lock(mu_);
    changeset_ = clock_.now();
  }
  return reload_attributes();
}

Result<void> Open311Service::reload_attributes() {
  auto table = db_.read([](store::Session& s) -> Result<std::shared_ptr<const AttributeTable>> {
    auto rows = s.query(queries::kAllAttributes);
    if (!rows) return fail(rows.error());
    auto t = std::make_shared<AttributeTable>();
    for (const auto& r : rows->rows) {
      AttributeDef d;
      d.code = r.str(1);
      d.datatype = parse_datatype(r.str(2)).value_or(Datatype::kString);
      d.variable = r.i64(3) != 0;
      d.required = r.i64(4) != 0;
      d.description = r.str(5);
      d.datatype_description = r.str(6);
      d.order = static_cast<int>(r.i64(7));
      d.values = values_from(r.str(8));
      (*t)[r.str(0)].push_back(std::move(d));
    }
    return std::shared_ptr<const AttributeTable>(std::move(t));
  });
  if (!table) return fail(table.error());
  std::lock_guard lock(mu_);
  attributes_ = std::move(*table);
  return {};
}

std::shared_ptr<const Open311Service::Index> Open311Service::index() {
  auto catalog = cases_.catalog();
  std::shared_ptr<const AttributeTable> attributes;
  {
    std::lock_guard lock(mu_);
    if (index_ && index_->catalog == catalog && index_->attributes == attributes_) return index_;
    attributes = attributes_;
  }
  auto idx = std::make_shared<Index>();
  idx->catalog = catalog;
  idx->attributes = attributes;
  std::set<std::string, std::less<>> parents;
  for (const auto& c : catalog->categories())
    if (!c.parent.empty()) parents.insert(c.parent);
  for (const auto& c : catalog->categories()) {
    // The path from the top level down to this category.
    std::vector<const cases::Category*> path;
    bool visible = true;
    for (const cases::Category* p = &c; p && path.size() < 16;
         p = p->parent.empty() ? nullptr : catalog->category(p->parent)) {
      path.insert(path.begin(), p);
      visible = visible && p->is_public;
    }
    if (!visible) {
      idx->unpublished.push_back(c.code);
      continue;
    }
    idx->published.insert(c.code);
    if (parents.contains(c.code)) continue;
    Service s;
    s.code = c.code;
    s.name = c.name;
    std::string keywords;
    for (const cases::Category* p : path) {
      if (p != &c) {
        s.group += (s.group.empty() ? "" : " / ") + p->name;
        keywords += (keywords.empty() ? "" : ", ") + p->name;
      }
      if (!p->name_en.empty()) keywords += (keywords.empty() ? "" : ", ") + p->name_en;
    }
    s.description = s.group.empty() ? c.name : s.group + " / " + c.name;
    s.keywords = keywords;
    auto it = attributes->find(c.code);
    s.metadata = it != attributes->end() && !it->second.empty();
    idx->by_code.emplace(s.code, idx->services.size());
    idx->services.push_back(std::move(s));
  }
  std::lock_guard lock(mu_);
  // A catalog change shows in discovery's changeset; attribute changes are counted when they
  // happen.
  if (!index_ || index_->catalog != catalog) changeset_ = std::max(changeset_, clock_.now());
  index_ = idx;
  return idx;
}

bool Open311Service::published(std::string_view category) {
  return index()->published.contains(category);
}

std::vector<std::string> Open311Service::unpublished() {
  return index()->unpublished;
}

std::vector<Service> Open311Service::services() {
  return index()->services;
}

Result<Service> Open311Service::service(std::string_view code) {
  auto idx = index();
  auto it = idx->by_code.find(code);
  if (it == idx->by_code.end())
    return fail(Error::not_found("服务不存在：" + std::string(code),
                                 "service_code " + std::string(code) + " not found"));
  return idx->services[it->second];
}

Result<std::vector<AttributeDef>> Open311Service::attributes(std::string_view code) {
  auto s = service(code);
  if (!s) return fail(s.error());
  std::lock_guard lock(mu_);
  auto it = attributes_->find(code);
  return it == attributes_->end() ? std::vector<AttributeDef>{} : it->second;
}

Timestamp Open311Service::changeset() const {
  std::lock_guard lock(mu_);
  return changeset_;
}

Result<std::vector<AttributeDef>> Open311Service::put_attributes(std::string_view code,
                                                                 std::vector<AttributeDef> defs,
                                                                 const audit::Entry& audit_entry) {
  if (auto s = service(code); !s) return fail(s.error());
  if (auto ok = validate_definitions(defs); !ok) return fail(ok.error());
  std::lock_guard write_lock(write_mu_);
  const std::string service_code(code);
  auto ok = db_.write([&](store::Session& s) -> Result<void> {
    if (s.dialect() == store::Dialect::kPostgres)
      if (auto r = s.execute(queries::kLockAttributesPg); !r) return fail(r.error());
    if (auto r = s.execute(queries::kDeleteAttributes, {service_code}); !r) return fail(r.error());
    for (const auto& d : defs) {
      auto r =
          s.execute(queries::kInsertAttribute,
                    {service_code, d.code, std::string(name(d.datatype)), std::int64_t{d.variable},
                     std::int64_t{d.required}, d.description, d.datatype_description,
                     std::int64_t{d.order}, json::serialize(values_json(d.values))});
      if (!r) return fail(r.error());
    }
    audit::Entry a = audit_entry;
    a.target_type = "open311_service";
    a.target_id = service_code;
    a.detail =
        json::serialize(json::object{{"attributes", static_cast<std::int64_t>(defs.size())}});
    if (auto r = audit_.append(s, a); !r) return fail(r.error());
    return {};
  });
  if (!ok) return fail(ok.error());
  {
    auto table = std::make_shared<AttributeTable>();
    std::lock_guard lock(mu_);
    *table = *attributes_;
    if (defs.empty())
      table->erase(service_code);
    else
      (*table)[service_code] = defs;
    attributes_ = std::move(table);
    changeset_ = std::max(changeset_ + 1, clock_.now());
  }
  return defs;
}

Result<int> Open311Service::seed_attributes(const json::value& doc,
                                            const audit::Entry& audit_entry) {
  if (!doc.is_object())
    return fail(Error::invalid("attributes", "属性种子应为 {服务代码: [...]}",
                               "seed must be {service_code: [...]}"));
  int seeded = 0;
  for (const auto& [key, defs_json] : doc.get_object()) {
    const std::string code(key.data(), key.size());
    if (!service(code)) continue;
    {
      std::lock_guard lock(mu_);
      if (attributes_->contains(code)) continue;
    }
    auto defs = definitions_from_json(defs_json);
    if (!defs) return fail(defs.error());
    auto r = put_attributes(code, std::move(*defs), audit_entry);
    if (!r) return fail(r.error());
    ++seeded;
  }
  return seeded;
}

}  // namespace civicgrid::open311
