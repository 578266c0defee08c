// Intake (受理): validate an appeal, find its grid, set its time limit, and commit it durably with its
// first timeline event and its audit entry in one transaction.
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/json.hpp>

#include "cases/case_store.h"
#include "cases/cases.h"
#include "cases/tracking_code.h"
#include "core/json_fields.h"

namespace civicgrid::cases {

namespace json = boost::json;
namespace jf = civicgrid::json_fields;

Result<AppealInput> parse_appeal(const json::object& body) {
  AppealInput in;
  auto type = jf::required_string(body, "type", {.max_chars = 20});
  if (!type) return fail(type.error());
  auto t = parse_appeal_type(*type);
  if (!t)
    return fail(Error::invalid("type", "诉求类型应为 complaint、request、suggestion、consultation、report 或 praise",
                               "type must be complaint, request, suggestion, consultation, report or praise"));
  in.type = *t;
  auto title = jf::required_string(body, "title", {.max_chars = 200});
  if (!title) return fail(title.error());
  in.title = *title;
  auto description = jf::required_string(body, "description", {.max_chars = 4000});
  if (!description) return fail(description.error());
  in.description = *description;
  auto category = jf::optional_string(body, "category", {.max_chars = 64});
  if (!category) return fail(category.error());
  in.category = category->value_or("");
  auto urgency = jf::optional_string(body, "urgency", {.max_chars = 20});
  if (!urgency) return fail(urgency.error());
  if (*urgency) {
    auto u = parse_urgency(**urgency);
    if (!u) return fail(Error::invalid("urgency", "紧急程度应为 normal、urgent 或 emergency",
                                       "urgency must be normal, urgent or emergency"));
    in.urgency = *u;
  }
  auto location = jf::optional_object(body, "location");
  if (!location) return fail(location.error());
  if (*location) {
    auto lat = jf::optional_number(**location, "lat", -90, 90);
    if (!lat) return fail(lat.error().with_field("location.lat"));
    auto lon = jf::optional_number(**location, "lon", -180, 180);
    if (!lon) return fail(lon.error().with_field("location.lon"));
    if (!*lat) return fail(Error::missing("location.lat"));
    if (!*lon) return fail(Error::missing("location.lon"));
    in.location = Location{**lat, **lon};
  }
  auto address = jf::optional_string(body, "address", {.max_chars = 300});
  if (!address) return fail(address.error());
  in.address = address->value_or("");
  auto grid = jf::optional_string(body, "grid", {.max_chars = 64});
  if (!grid) return fail(grid.error());
  in.grid = grid->value_or("");
  auto contact = jf::optional_object(body, "contact");
  if (!contact) return fail(contact.error());
  if (*contact) {
    auto name = jf::optional_string(**contact, "name", {.max_chars = 50});
    if (!name) return fail(name.error().with_field("contact.name"));
    auto phone = jf::optional_string(**contact, "phone", {.max_chars = 20});
    if (!phone) return fail(phone.error().with_field("contact.phone"));
    in.contact_name = name->value_or("");
    in.contact_phone = phone->value_or("");
    for (char c : in.contact_phone)
      if (!std::isdigit(static_cast<unsigned char>(c)) && c != '-' && c != '+' && c != ' ')
        return fail(Error::invalid("contact.phone", "联系电话格式不正确", "contact.phone is malformed"));
  }
  auto channel = jf::optional_string(body, "channel", {.max_chars = 20});
  if (!channel) return fail(channel.error());
  if (*channel) {
    auto c = parse_channel(**channel);
    if (!c) return fail(Error::invalid("channel", "渠道应为 web、app、hotline、wechat、open311、patrol 或 import",
                                       "channel must be web, app, hotline, wechat, open311, patrol or import"));
    in.channel = *c;
  }
  auto anonymous = jf::optional_bool(body, "anonymous");
  if (!anonymous) return fail(anonymous.error());
  in.anonymous = anonymous->value_or(false);
  if (in.anonymous) {
    // An anonymous appeal keeps no contact details at all.
    in.contact_name.clear();
    in.contact_phone.clear();
  }
  if (!in.location && in.address.empty() && in.grid.empty())
    return fail(Error::invalid("location", "请提供位置（location）、地址（address）或网格（grid）",
                               "give a location, an address or a grid"));
  return in;
}

Result<Submitted> CaseService::submit(const AppealInput& in, const Principal& who,
                                      const audit::Entry& audit_entry) {
  return submit(in, who, audit_entry, SubmitHook());
}

Result<Submitted> CaseService::submit(const AppealInput& in, const Principal& who,
                                      const audit::Entry& audit_entry, const SubmitHook& also) {
  auto tree = identity_.org_tree();
  auto cat = catalog();
  if (!in.category.empty() && !cat->category(in.category))
    return fail(Error::invalid("category", "分类不存在：" + in.category, "no such category: " + in.category));
  Case c;
  if (!in.grid.empty()) {
    const identity::OrgUnit* g = tree->find(in.grid);
    if (!g || g->kind != "grid")
      return fail(Error::invalid("grid", "网格不存在：" + in.grid, "no such grid: " + in.grid));
    c.grid = in.grid;
  } else if (in.location) {
    std::shared_ptr<const GridLocator> grids;
    {
      std::lock_guard lock(mu_);
      grids = grids_;
    }
    if (auto g = grids->locate(in.location->lat, in.location->lon)) c.grid = *g;
  }
  // Without a grid the case belongs to the whole district (the tree's root area).
  c.area = c.grid;
  if (c.area.empty())
    for (const auto& u : tree->units())
      if (u.kind == "district" && u.parent.empty()) {
        c.area = u.code;
        break;
      }
  const Timestamp now = clock_.now();
  c.tracking_code = new_tracking_code();
  c.type = in.type;
  c.channel = in.channel;
  c.urgency = in.urgency;
  c.title = in.title;
  c.description = in.description;
  c.category = in.category;
  c.location = in.location;
  c.address = in.address;
  c.contact_name = in.contact_name;
  c.contact_phone = in.contact_phone;
  c.anonymous = in.anonymous;
  c.submitted_by = who.actor();
  c.status = Status::kSubmitted;
  c.created_at = c.updated_at = now;
  c.deadline_at = handling_deadline(*cat, calendar_, c.category, c.urgency, now);
  if (!calendar_.has_data_for(c.deadline_at)) {
    // Counted Monday–Friday only: holidays of that year are unknown until an administrator adds them.
    static std::atomic<bool> warned{false};
    if (!warned.exchange(true))
      spdlog::warn("deadline {} falls in a year without holiday data; add that year's calendar",
                   format_rfc3339(c.deadline_at));
  }
  CaseEvent ev;
  auto id = db_.write([&](store::Session& s) -> Result<std::int64_t> {
    auto id = case_store::insert(s, c);
    if (!id) return fail(id.error());
    ev.case_id = *id;
    ev.at = now;
    ev.action = Action::kSubmit;
    ev.actor = who.actor();
    ev.from = ev.to = Status::kSubmitted;
    ev.data = json::serialize(json::object{{"channel", name(c.channel)}});
    if (auto ok = case_store::insert_event(s, ev); !ok) return fail(ok.error());
    audit::Entry a = audit_entry;
    a.target_type = "case";
    a.target_id = std::to_string(*id);
    if (also)
      if (auto ok = also(s, *id); !ok) return fail(ok.error());
    // Last: on SQLite the audit head is then held only until the commit (PostgreSQL appends
    // unchained entries and touches no shared row).
    if (auto ok = audit_.append(s, a); !ok) return fail(ok.error());
    return *id;
  });
  if (!id) return fail(id.error());
  c.id = ev.case_id = *id;
  notify_changed(c, std::span<const CaseEvent>(&ev, 1));
  return Submitted{*id, c.tracking_code, c.status, c.deadline_at, c.grid};
}

}  // namespace civicgrid::cases
