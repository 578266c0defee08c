#include "open311/views.h"

#include <algorithm>

#include "open311/w3c_time.h"

namespace civicgrid::open311 {

using cases::Action;
using cases::Status;

namespace {

// The mapping table (also in README.md).
constexpr StatusMapping kStatuses[] = {
    {Status::kSubmitted, true, "open", "已受理", "received"},
    {Status::kRegistered, true, "investigating", "已立案", "registered"},
    {Status::kDispatched, true, "action_scheduled", "已派遣至承办单位",
     "dispatched to a department"},
    {Status::kAccepted, true, "in_progress", "承办单位正在办理", "being handled"},
    {Status::kHandled, true, "in_progress", "已处置，待核查", "handled, awaiting verification"},
    {Status::kVerified, true, "fixed", "核查通过，待结案", "verified, about to be closed"},
    {Status::kClosed, false, "fixed", "已办结", "closed"},
    {Status::kRejected, false, "no_further_action", "不予立案", "not taken up"},
    {Status::kMerged, false, "duplicate", "已与其他诉求合并", "merged into another request"},
    {Status::kReopened, true, "reopen", "已重新办理", "reopened"},
};

std::string unit_name(const identity::OrgTree& tree, const std::string& code,
                      std::string_view lang) {
  if (code.empty()) return {};
  const identity::OrgUnit* u = tree.find(code);
  if (!u) return code;
  return lang == "en" && !u->name_en.empty() ? u->name_en : u->name;
}

std::string service_name(const cases::Catalog& catalog, const std::string& code) {
  const cases::Category* c = catalog.category(code);
  return c ? c->name : code;
}

std::string_view action_label(Action a, std::string_view lang) {
  return lang == "en" ? cases::label_en(a) : cases::label_zh(a);
}

// "承办单位：已派遣" or "dispatched (City management bureau)"; the reply when a case closes.
std::string event_description(const cases::CaseEvent& e, const std::string& unit_code,
                              const std::string& reply, const ViewContext& ctx) {
  const std::string unit = unit_name(ctx.tree, unit_code, ctx.lang);
  std::string out(action_label(e.action, ctx.lang));
  if (!unit.empty()) out = ctx.lang == "en" ? out + " (" + unit + ")" : unit + "：" + out;
  if (e.to == Status::kClosed && e.from != Status::kClosed && !reply.empty())
    out += (ctx.lang == "en" ? ": " : "。") + redact_public_text(reply);
  return out;
}

// Public text of a case: the submitter's own name and phone masked wherever they repeat them, then
// the general redaction.
std::string redact_case_text(std::string_view text, const cases::Case& c) {
  std::string out(text);
  auto mask = [&out](const std::string& needle, std::string_view marker) {
    if (needle.size() < 4) return;  // a one-character name would mask ordinary words
    for (size_t at = out.find(needle); at != std::string::npos;
         at = out.find(needle, at + marker.size()))
      out.replace(at, needle.size(), marker);
  };
  mask(c.contact_name, "〔姓名〕");
  mask(c.contact_phone, "〔号码〕");
  return redact_public_text(out);
}

std::string_view note_type(Action a) {
  switch (a) {
    case Action::kSubmit:
      return "submitted";
    case Action::kRegister:
      return "opened";
    case Action::kClose:
    case Action::kReject:
    case Action::kMerge:
      return "closed";
    default:
      return "activity";
  }
}

std::string status_notes(const cases::Case& c, std::string_view lang) {
  const StatusMapping& m = status_mapping(c.status);
  std::string out(lang == "en" ? m.en : m.zh);
  if (c.status == Status::kMerged && c.merged_into)
    out += (lang == "en" ? " #" : " #") + std::to_string(c.merged_into);
  if (!m.open && !c.reply.empty())
    out += (lang == "en" ? ": " : "：") + redact_public_text(c.reply);
  return out;
}

Node notes_node(const RequestRecord& r, const ViewContext& ctx) {
  std::vector<std::pair<Timestamp, Node>> notes;
  for (const auto& e : r.events) {
    std::string unit = e.actor_unit;
    if (unit.empty() && e.action == Action::kDispatch) unit = r.c.lead;
    notes.emplace_back(
        e.at, Node::object("note")
                  .add(Node::string("datetime", format_w3c(e.at)))
                  .add(Node::string("type", std::string(note_type(e.action))))
                  .add(Node::string("summary", std::string(action_label(e.action, ctx.lang))))
                  .add(Node::string("description", event_description(e, unit, r.c.reply, ctx))));
  }
  for (const auto& u : r.updates)
    notes.emplace_back(u.updated_at,
                       Node::object("note")
                           .add(Node::string("datetime", format_w3c(u.updated_at)))
                           .add(Node::string("type", "activity"))
                           .add(Node::string("summary", ctx.lang == "en" ? "comment" : "评论"))
                           .add(Node::string("description", redact_public_text(u.description))));
  std::stable_sort(notes.begin(), notes.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  Node list = Node::list("notes");
  for (auto& n : notes) list.add(std::move(n.second));
  return list;
}

Node answers_node(const RequestRecord& r, const ViewContext& ctx) {
  const std::vector<AttributeDef> defs =
      ctx.definitions ? ctx.definitions(r.c.category) : std::vector<AttributeDef>{};
  Node list = Node::list("attributes");
  for (const auto& a : r.answers) {
    const AttributeDef* def = nullptr;
    for (const auto& d : defs)
      if (d.code == a.code) def = &d;
    // List keys and datetimes cannot carry personal data; anything typed in (a "number" too) can.
    const bool free_text =
        !def || !(is_list(def->datatype) || def->datatype == Datatype::kDatetime);
    for (const auto& v : a.values) {
      std::string label = v;
      if (def)
        for (const auto& lv : def->values)
          if (lv.key == v) label = lv.name;
      list.add(Node::object("attribute")
                   .add(Node::string("code", a.code))
                   .add(Node::string("label", def ? def->description : a.code))
                   .add(Node::string("value", free_text ? redact_case_text(v, r.c) : v))
                   .add(Node::string("name", free_text ? redact_case_text(label, r.c) : label)));
    }
  }
  return list;
}

Node request_node(const RequestRecord& r, const ViewContext& ctx, bool extensions) {
  const cases::Case& c = r.c;
  const StatusMapping& m = status_mapping(c.status);
  Node n = Node::object("request");
  n.add(Node::string("service_request_id", std::to_string(c.id)));
  n.add(Node::string("status", m.open ? "open" : "closed"));
  n.add(Node::string("status_notes", status_notes(c, ctx.lang)));
  n.add(Node::string("service_name", service_name(ctx.catalog, c.category)));
  n.add(Node::string("service_code", c.category));
  n.add(Node::string("description", redact_case_text(c.description, c)));
  n.add(Node::optional_string("agency_responsible", unit_name(ctx.tree, c.lead, ctx.lang)));
  std::string notice;
  if (m.open && c.deadline_at) {
    const bool overdue = c.overdue || c.deadline_at < ctx.now;
    notice = ctx.lang == "en"
                 ? "To be resolved by " + format_w3c(c.deadline_at) + (overdue ? " (overdue)" : "")
                 : "承诺办结时限：" + format_w3c(c.deadline_at) + (overdue ? "（已超期）" : "");
  }
  n.add(Node::optional_string("service_notice", notice));
  n.add(Node::string("requested_datetime", format_w3c(c.created_at)));
  n.add(Node::string("updated_datetime", format_w3c(c.updated_at)));
  n.add(c.deadline_at ? Node::string("expected_datetime", format_w3c(c.deadline_at))
                      : Node::null("expected_datetime"));
  n.add(Node::optional_string("address", redact_case_text(c.address, c)));
  n.add(Node::optional_string("address_id", r.address_id));
  n.add(Node::null("zipcode"));
  n.add(c.location ? Node::real("lat", c.location->lat) : Node::null("lat"));
  n.add(c.location ? Node::real("long", c.location->lon) : Node::null("long"));
  n.add(Node::optional_string("media_url",
                              r.media_urls.empty() ? std::string() : r.media_urls.front()));
  if (extensions) {
    Node ext = Node::object("extended_attributes");
    ext.add(Node::string("channel", std::string(cases::name(c.channel))));
    ext.add(c.merged_into ? Node::string("parent_service_request_id", std::to_string(c.merged_into))
                          : Node::null("parent_service_request_id"));
    Node photos = Node::list("photos");
    for (const auto& u : r.media_urls) photos.add(Node::string("photo", u));
    ext.add(std::move(photos));
    n.add(std::move(ext));
    n.add(answers_node(r, ctx));
    n.add(notes_node(r, ctx));
  }
  return n;
}

}  // namespace

const StatusMapping& status_mapping(Status s) {
  for (const auto& m : kStatuses)
    if (m.status == s) return m;
  return kStatuses[0];
}

std::string_view georeport_status(Status s) {
  return status_mapping(s).open ? "open" : "closed";
}

Node discovery_node(const DiscoveryInfo& d) {
  Node formats = Node::list("formats");
  formats.add(Node::string("format", "text/xml")).add(Node::string("format", "application/json"));
  Node endpoint = Node::object("endpoint");
  endpoint.add(Node::string("specification", "http://wiki.open311.org/GeoReport_v2"))
      .add(Node::string("url", d.base_url))
      .add(Node::string("changeset", format_w3c(d.changeset)))
      .add(Node::string("type", "production"))
      .add(std::move(formats));
  Node endpoints = Node::list("endpoints");
  endpoints.add(std::move(endpoint));
  Node root = Node::object("discovery");
  root.add(Node::string("changeset", format_w3c(d.changeset)))
      .add(Node::string("contact", d.contact))
      .add(Node::string("key_service", d.key_service))
      .add(std::move(endpoints));
  return root;
}

Node services_node(const std::vector<Service>& services) {
  Node list = Node::list("services");
  for (const auto& s : services)
    list.add(Node::object("service")
                 .add(Node::string("service_code", s.code))
                 .add(Node::string("service_name", s.name))
                 .add(Node::string("description", s.description))
                 .add(Node::boolean("metadata", s.metadata))
                 .add(Node::string("type", "realtime"))
                 .add(Node::string("keywords", s.keywords))
                 .add(Node::optional_string("group", s.group)));
  return list;
}

Node definition_node(std::string_view service_code, const std::vector<AttributeDef>& defs) {
  Node attrs = Node::list("attributes");
  for (const auto& d : defs) {
    Node a = Node::object("attribute");
    a.add(Node::boolean("variable", d.variable))
        .add(Node::string("code", d.code))
        .add(Node::string("datatype", std::string(name(d.datatype))))
        .add(Node::boolean("required", d.required))
        .add(Node::optional_string("datatype_description", d.datatype_description))
        .add(Node::integer("order", d.order))
        .add(Node::string("description", d.description));
    if (is_list(d.datatype)) {
      Node values = Node::list("values");
      for (const auto& v : d.values)
        values.add(Node::object("value")
                       .add(Node::string("key", v.key))
                       .add(Node::string("name", v.name)));
      a.add(std::move(values));
    }
    attrs.add(std::move(a));
  }
  Node root = Node::object("service_definition");
  root.add(Node::string("service_code", std::string(service_code))).add(std::move(attrs));
  return root;
}

Node created_node(const CreatedRequest& r, std::string_view account_id, std::string_view lang) {
  const std::string notice = lang == "en"
                                 ? "Received. Tracking code " + r.tracking_code +
                                       "; to be resolved by " + format_w3c(r.deadline_at) + "."
                                 : "已受理，查询码 " + r.tracking_code + "，承诺办结时限 " +
                                       format_w3c(r.deadline_at) + "。";
  Node list = Node::list("service_requests");
  list.add(Node::object("request")
               .add(Node::string("service_request_id", std::to_string(r.id)))
               .add(Node::string("service_notice", notice))
               .add(Node::optional_string("account_id", std::string(account_id))));
  return list;
}

Node token_node(std::int64_t id, std::string_view token) {
  Node list = Node::list("service_requests");
  list.add(Node::object("request")
               .add(Node::string("service_request_id", std::to_string(id)))
               .add(Node::string("token", std::string(token))));
  return list;
}

Node requests_node(const std::vector<RequestRecord>& records, const ViewContext& ctx,
                   bool extensions) {
  Node list = Node::list("service_requests");
  for (const auto& r : records) list.add(request_node(r, ctx, extensions));
  return list;
}

Node updates_node(const std::vector<cases::PublicCaseEvent>& events, const ViewContext& ctx) {
  Node list = Node::list("service_request_updates");
  for (const auto& pe : events) {
    const cases::CaseEvent& e = pe.event;
    list.add(
        Node::object("request_update")
            .add(Node::string("update_id", std::to_string(e.id)))
            .add(Node::string("service_request_id", std::to_string(e.case_id)))
            .add(Node::string("status", std::string(status_mapping(e.to).extended)))
            .add(Node::string("updated_datetime", format_w3c(e.at)))
            .add(Node::string("description", event_description(e, e.actor_unit, pe.reply, ctx)))
            .add(Node::string("media_url", ""))
            .add(Node::string("external_status_code", std::string(cases::name(e.to)))));
  }
  return list;
}

Node update_created_node(std::int64_t update_id) {
  Node list = Node::list("service_request_updates");
  list.add(
      Node::object("request_update").add(Node::string("update_id", std::to_string(update_id))));
  return list;
}

}  // namespace civicgrid::open311
