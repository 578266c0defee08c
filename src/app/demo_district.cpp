#include "app/demo_district.h"

#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <sstream>

#include "core/crypto.h"

namespace civicgrid::app {

namespace json = boost::json;

namespace {

Result<json::value> read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) return fail(Error::invalid("demo", "找不到演示数据文件：" + path, "demo data file missing: " + path));
  std::stringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  auto v = json::parse(ss.str(), ec);
  if (ec) return fail(Error::invalid("demo", "演示数据文件格式错误：" + path, "malformed demo file: " + path));
  return v;
}

std::string str(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

Result<int> load_demo_units(App& app, const std::string& dir) {
  auto units = read_json(dir + "/units.json");
  if (!units) return fail(units.error());
  auto grids = read_json(dir + "/grids.geojson");
  if (!grids) return fail(grids.error());
  std::map<std::string, std::string> geometry;
  for (const auto& f : grids->at("features").as_array()) {
    const auto& props = f.at("properties").as_object();
    geometry[str(props, "code")] = json::serialize(f.at("geometry"));
  }
  // Parents before children: repeat passes until nothing more can be placed.
  std::vector<identity::OrgUnit> pending;
  for (const auto& v : units->as_array()) {
    const auto& o = v.as_object();
    identity::OrgUnit u{str(o, "code"), str(o, "name"), str(o, "name_en"), str(o, "kind"),
                        str(o, "parent"), {}};
    if (auto it = geometry.find(u.code); it != geometry.end()) u.geometry = it->second;
    pending.push_back(std::move(u));
  }
  int created = 0;
  while (!pending.empty()) {
    std::vector<identity::OrgUnit> next;
    auto tree = app.identity().org_tree();
    for (auto& u : pending) {
      if (tree->find(u.code)) continue;
      if (!u.parent.empty() && !tree->find(u.parent)) {
        next.push_back(std::move(u));
        continue;
      }
      auto r = app.identity().create_unit(u);
      if (!r) return fail(r.error());
      tree = app.identity().org_tree();
      ++created;
    }
    if (next.size() == pending.size())
      return fail(Error::invalid("demo", "演示数据中有单位的上级不存在", "demo units with missing parents"));
    pending = std::move(next);
  }
  return created;
}

Result<int> load_demo_catalog(App& app, const std::string& dir) {
  if (!app.cases().catalog()->categories().empty()) return 0;
  auto cats = read_json(dir + "/categories.json");
  if (!cats) return fail(cats.error());
  std::vector<cases::Category> categories;
  for (const auto& v : cats->as_array()) {
    const auto& o = v.as_object();
    categories.push_back({str(o, "code"), str(o, "name"), str(o, "name_en"), str(o, "parent"),
                          static_cast<int>(o.at("level").to_number<std::int64_t>()), true});
  }
  if (auto ok = app.cases().put_categories(categories); !ok) return fail(ok.error());
  auto rules = read_json(dir + "/routing.json");
  if (!rules) return fail(rules.error());
  std::vector<cases::RoutingRule> routing;
  for (const auto& v : rules->as_array()) {
    const auto& o = v.as_object();
    cases::RoutingRule r{str(o, "category"), str(o, "area"), str(o, "lead"), {}};
    if (const auto* co = o.if_contains("co"); co && co->is_array())
      for (const auto& d : co->as_array()) r.co.emplace_back(d.as_string());
    routing.push_back(std::move(r));
  }
  if (auto ok = app.cases().put_routing_rules(routing); !ok) return fail(ok.error());
  // The extra questions some demo services ask (Open311 service definitions).
  audit::Entry seed{.actor = "system:demo", .action = "open311.attributes.seed", .outcome = "ok"};
  if (auto ok = app.open311().seed_attributes(open311::demo_attributes(), seed); !ok)
    return fail(ok.error());
  return static_cast<int>(categories.size());
}

Result<std::vector<DemoCredentials>> create_demo_users(App& app) {
  struct Spec {
    const char* username;
    const char* display_name;
    Role role;
    const char* unit;
  };
  // One user per role, placed where that role works in the demo district.
  static constexpr Spec kUsers[] = {
      {"admin", "系统管理员", Role::kAdmin, "MH"},
      {"dispatcher", "指挥中心调度员", Role::kDispatcher, "MH-CC"},
      {"handler", "城管局处置员", Role::kDepartmentHandler, "MH-D-CG"},
      {"gridworker", "湖滨社区网格员", Role::kGridWorker, "MH-S01-C01-G01"},
      {"leader", "区领导", Role::kLeader, "MH"},
      {"resident", "居民", Role::kResident, nullptr},
  };
  std::vector<DemoCredentials> out;
  for (const auto& s : kUsers) {
    auto existing = app.identity().find_user(s.username);
    if (!existing) return fail(existing.error());
    if (*existing) continue;
    identity::NewUser nu;
    nu.username = s.username;
    nu.display_name = s.display_name;
    nu.password = crypto::random_hex(8);
    nu.roles = {s.role};
    if (s.unit) nu.units = {s.unit};
    auto u = app.identity().create_user(nu);
    if (!u) return fail(u.error());
    out.push_back({s.username, std::string(role_name(s.role)), nu.password});
  }
  return out;
}

}  // namespace civicgrid::app
