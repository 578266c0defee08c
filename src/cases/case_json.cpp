#include "cases/case_json.h"

#include "core/privacy.h"
#include "text/text.h"

namespace civicgrid::cases {

namespace json = boost::json;

namespace {

json::value unit_ref(const identity::OrgTree& tree, const std::string& code) {
  if (code.empty()) return nullptr;
  const identity::OrgUnit* u = tree.find(code);
  return json::object{{"code", code}, {"name", u ? u->name : code}, {"name_en", u ? u->name_en : ""}};
}

json::value category_ref(const Catalog& catalog, const std::string& code) {
  if (code.empty()) return nullptr;
  const Category* c = catalog.category(code);
  json::object o{{"code", code}, {"name", c ? c->name : code}};
  if (const Category* top = catalog.top_level(code)) o["top"] = json::object{{"code", top->code}, {"name", top->name}};
  return o;
}

json::value parse_or_empty(const std::string& s) {
  boost::system::error_code ec;
  json::value v = json::parse(s, ec);
  return ec ? json::value(json::object()) : v;
}

}  // namespace

bool overdue_now(const Case& c, Timestamp now) {
  return is_open(c.status) && (c.overdue || c.deadline_at < now);
}

json::object staff_event_json(const CaseEvent& e, const identity::OrgTree& tree) {
  return {{"id", e.id},
          {"at", format_rfc3339(e.at)},
          {"action", name(e.action)},
          {"label", label_zh(e.action)},
          {"label_en", label_en(e.action)},
          {"actor", e.actor},
          {"unit", unit_ref(tree, e.actor_unit)},
          {"from", name(e.from)},
          {"to", name(e.to)},
          {"data", parse_or_empty(e.data)}};
}

json::object staff_case_json(const Case& c, const Catalog& catalog, const identity::OrgTree& tree,
                             bool show_contact) {
  json::object o{{"id", c.id},
                 {"tracking_code", c.tracking_code},
                 {"type", name(c.type)},
                 {"channel", name(c.channel)},
                 {"urgency", name(c.urgency)},
                 {"title", c.title},
                 {"description", c.description},
                 {"category", category_ref(catalog, c.category)},
                 {"address", c.address},
                 {"area", unit_ref(tree, c.area)},
                 {"grid", unit_ref(tree, c.grid)},
                 {"anonymous", c.anonymous},
                 {"status", name(c.status)},
                 {"status_label", label_zh(c.status)},
                 {"lead", unit_ref(tree, c.lead)},
                 {"created_at", format_rfc3339(c.created_at)},
                 {"updated_at", format_rfc3339(c.updated_at)},
                 {"deadline_at", format_rfc3339(c.deadline_at)},
                 {"overdue", c.overdue},
                 {"supervisions", c.supervisions},
                 {"reworks", c.reworks},
                 {"returns", c.returns},
                 {"version", c.version}};
  if (!c.external_id.empty()) o["external_id"] = c.external_id;
  if (c.location) o["location"] = json::object{{"lat", c.location->lat}, {"lon", c.location->lon}};
  o["contact"] = json::object{
      {"name", show_contact ? c.contact_name : privacy::mask_name(c.contact_name)},
      {"phone", show_contact ? c.contact_phone : privacy::mask_phone(c.contact_phone)}};
  if (c.closed_at) o["closed_at"] = format_rfc3339(c.closed_at);
  if (c.extension_days_pending)
    o["extension_pending"] = json::object{{"days", c.extension_days_pending}, {"reason", c.extension_reason}};
  if (!c.result.empty()) o["result"] = c.result;
  if (!c.reply.empty()) o["reply"] = c.reply;
  if (c.merged_into) o["merged_into"] = c.merged_into;
  json::array parts;
  for (const auto& p : c.participants) {
    if (!p.active) continue;
    json::object po{{"unit", unit_ref(tree, p.unit)}, {"role", p.role}, {"due_at", format_rfc3339(p.due_at)}};
    po["accepted_at"] = p.accepted_at ? json::value(format_rfc3339(p.accepted_at)) : json::value(nullptr);
    parts.push_back(std::move(po));
  }
  o["participants"] = std::move(parts);
  if (c.evaluation)
    o["evaluation"] = json::object{{"resolved", c.evaluation->resolved},
                                   {"satisfaction", c.evaluation->satisfaction},
                                   {"comment", c.evaluation->comment},
                                   {"at", format_rfc3339(c.evaluation->at)}};
  return o;
}

json::object public_case_json(const Case& c, const std::vector<CaseEvent>& events, const Catalog& catalog,
                              const identity::OrgTree& tree, Timestamp now) {
  json::object o{{"tracking_code", c.tracking_code},
                 {"type", name(c.type)},
                 {"title", text::redact(c.title)},
                 {"category", category_ref(catalog, c.category)},
                 {"status", name(c.status)},
                 {"status_label", label_zh(c.status)},
                 {"created_at", format_rfc3339(c.created_at)},
                 {"deadline_at", format_rfc3339(c.deadline_at)},
                 {"overdue", overdue_now(c, now)},
                 {"can_evaluate", c.status == Status::kClosed && !c.evaluation}};
  if (c.closed_at) o["closed_at"] = format_rfc3339(c.closed_at);
  if (!c.lead.empty()) o["department"] = unit_ref(tree, c.lead);
  if (!c.reply.empty()) o["reply"] = text::redact(c.reply);
  if (c.evaluation)
    o["evaluation"] = json::object{{"resolved", c.evaluation->resolved},
                                   {"satisfaction", c.evaluation->satisfaction}};
  json::array timeline;
  for (const auto& e : events) {
    json::object te{{"at", format_rfc3339(e.at)},
                    {"action", name(e.action)},
                    {"label", label_zh(e.action)},
                    {"label_en", label_en(e.action)},
                    {"status", name(e.to)}};
    // Which department is at work is public; who in it is not.
    std::string unit = e.actor_unit;
    if (unit.empty() && e.action == Action::kDispatch) unit = c.lead;
    if (!unit.empty()) te["unit"] = unit_ref(tree, unit);
    timeline.push_back(std::move(te));
  }
  o["timeline"] = std::move(timeline);
  return o;
}

}  // namespace civicgrid::cases
