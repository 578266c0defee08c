#include "cases/case_rules.h"

#include <boost/json.hpp>

#include "cases/state_machine.h"
#include "core/json_fields.h"

namespace civicgrid::cases {

namespace json = boost::json;
namespace jf = civicgrid::json_fields;

namespace {

constexpr jf::StringLimits kNote{.max_chars = 2000};
constexpr jf::StringLimits kReason{.min_chars = 1, .max_chars = 2000};
constexpr jf::StringLimits kLongText{.min_chars = 1, .max_chars = 4000};

Error state_conflict(const Case& c, Action a) {
  Error e = Error::conflict(
      "案件当前状态为「" + std::string(label_zh(c.status)) + "」，不能执行「" + std::string(label_zh(a)) + "」",
      "action " + std::string(name(a)) + " is not allowed in state " + std::string(name(c.status)));
  e.with_extra("state", boost::json::string(name(c.status)));
  return e;
}

bool role_ever_allowed(Action a, const Principal& who) {
  for (const auto& t : transitions()) {
    if (t.action != a) continue;
    if (t.roles.empty()) return true;
    for (Role r : t.roles)
      if (who.has_role(r)) return true;
  }
  return false;
}

bool has_any_role(const Principal& who, const std::vector<Role>& roles) {
  if (roles.empty()) return true;
  for (Role r : roles)
    if (who.has_role(r)) return true;
  return false;
}

Participant* find_participant(Case& c, std::string_view unit, std::string_view role) {
  for (auto& p : c.participants)
    if (p.active && p.unit == unit && p.role == role) return &p;
  return nullptr;
}

// The department of the actor among those named (the first one in scope).
std::string acting_department(const Actor& actor, const Case& c, std::string_view role, bool pending_only) {
  for (const auto& p : c.participants) {
    if (!p.active || p.role != role) continue;
    if (pending_only && p.accepted_at != 0) continue;
    if (actor.scope.covers_department(p.unit)) return p.unit;
  }
  return {};
}

bool relation_holds(const Transition& t, const Case& c, const Actor& actor) {
  switch (t.relation) {
    case Relation::kAreaScope:
      // Cases without a known area belong to the whole district: only district-wide scopes see them.
      return actor.scope.all || (!c.area.empty() && actor.scope.covers_area(c.area));
    case Relation::kLeadDepartment: return !c.lead.empty() && actor.scope.covers_department(c.lead);
    // Any summoned department may act here; whether it still owes a report is a guard (409).
    case Relation::kSummoned: return !acting_department(actor, c, "summoned", false).empty();
    case Relation::kResident: return true;
    case Relation::kSystem: return actor.system;
  }
  return false;
}

Result<void> check_department(const identity::OrgTree& tree, const std::string& code,
                              const std::string& field) {
  const identity::OrgUnit* u = tree.find(code);
  if (!u || !identity::is_handling_kind(u->kind))
    return fail(Error::invalid(field, "不是可派遣的部门：" + code, "not a department that can be dispatched: " + code));
  return {};
}

Timestamp accept_deadline(const TimeLimit& l, const WorkCalendar& cal, Timestamp now) {
  if (l.accept_natural_minutes > 0) return now + l.accept_natural_minutes * kMillisPerMinute;
  return cal.add_working_minutes(now, l.accept_working_minutes);
}

// Parses the body, checks guards and mutates the case for one action. `data` collects what the event
// records.
Result<void> mutate(Case& c, Action action, const Transition& t, const json::object& body,
                    const Actor& actor, Timestamp now, const RuleContext& ctx, json::object& data,
                    std::string& event_unit) {
  switch (action) {
    case Action::kRegister: {
      auto category = jf::optional_string(body, "category", {.max_chars = 64});
      if (!category) return fail(category.error());
      if (*category) {
        if (!ctx.catalog.category(**category))
          return fail(Error::invalid("category", "分类不存在：" + **category, "no such category: " + **category));
        c.category = **category;
        data["category"] = c.category;
      }
      break;
    }
    case Action::kReject: {
      auto reason = jf::required_string(body, "reason", kReason);
      if (!reason) return fail(reason.error());
      data["reason"] = *reason;
      c.closed_at = now;
      break;
    }
    case Action::kMerge: {
      auto into = jf::required_int(body, "into", 1, INT64_MAX);
      if (!into) return fail(into.error());
      if (*into == c.id)
        return fail(Error::invalid("into", "不能合并到自身", "a case cannot be merged into itself"));
      auto st = ctx.case_status(*into);
      if (!st) {
        if (st.error().code() == ErrorCode::kNotFound)
          return fail(Error::invalid("into", "目标案件不存在", "the target case does not exist"));
        return fail(st.error());
      }
      if (!is_open(*st))
        return fail(Error::conflict("目标案件已办结或已合并，不能合并", "the target case is not open", "into"));
      c.merged_into = *into;
      c.closed_at = now;
      data["into"] = *into;
      break;
    }
    case Action::kDispatch: {
      auto dept = jf::required_string(body, "department", {.min_chars = 1, .max_chars = 64});
      if (!dept) return fail(dept.error());
      if (auto ok = check_department(ctx.tree, *dept, "department"); !ok) return fail(ok.error());
      auto co = jf::optional_string_list(body, "co_departments", 10, {.max_chars = 64});
      if (!co) return fail(co.error());
      for (const auto& d : *co) {
        if (auto ok = check_department(ctx.tree, d, "co_departments"); !ok) return fail(ok.error());
        if (d == *dept)
          return fail(Error::invalid("co_departments", "协办部门不能与主办部门相同", "a co-department cannot be the lead"));
      }
      auto note = jf::optional_string(body, "note", kNote);
      if (!note) return fail(note.error());
      for (auto& p : c.participants)
        if (p.role == "lead" || p.role == "co") p.active = false;
      const TimeLimit limit = ctx.catalog.limit_for(c.category, c.urgency);
      const Timestamp due = accept_deadline(limit, ctx.calendar, now);
      c.participants.push_back({*dept, "lead", now, due, 0, true});
      json::array co_json;
      for (const auto& d : *co) {
        c.participants.push_back({d, "co", now, due, 0, true});
        co_json.emplace_back(d);
      }
      c.lead = *dept;
      data["department"] = *dept;
      data["co_departments"] = std::move(co_json);
      data["accept_due_at"] = format_rfc3339(due);
      if (*note) data["note"] = **note;
      event_unit = *dept;
      break;
    }
    case Action::kAccept: {
      auto contacted = jf::optional_bool(body, "contacted");
      if (!contacted) return fail(contacted.error());
      if (Participant* p = find_participant(c, c.lead, "lead")) p->accepted_at = now;
      data["contacted"] = contacted->value_or(false);
      event_unit = c.lead;
      break;
    }
    case Action::kReturn: {
      auto reason = jf::required_string(body, "reason", kReason);
      if (!reason) return fail(reason.error());
      data["reason"] = *reason;
      data["department"] = c.lead;
      event_unit = c.lead;
      for (auto& p : c.participants)
        if (p.role == "lead" || p.role == "co") p.active = false;
      c.lead.clear();
      ++c.returns;
      break;
    }
    case Action::kHandle: {
      auto result = jf::required_string(body, "result", kLongText);
      if (!result) return fail(result.error());
      auto reply = jf::required_string(body, "reply", kLongText);
      if (!reply) return fail(reply.error());
      c.result = *result;
      c.reply = *reply;
      data["result"] = *result;
      data["reply"] = *reply;
      event_unit = c.lead;
      break;
    }
    case Action::kVerify: {
      auto ok = jf::required_bool(body, "ok");
      if (!ok) return fail(ok.error());
      auto note = jf::optional_string(body, "note", kNote);
      if (!note) return fail(note.error());
      data["ok"] = *ok;
      if (*note) data["note"] = **note;
      if (!*ok) {
        ++c.reworks;
        c.status = *t.alt;
      }
      break;
    }
    case Action::kClose:
      c.closed_at = now;
      break;
    case Action::kExtend: {
      if (c.extension_days_pending > 0)
        return fail(Error::conflict("已有待审批的延期申请", "an extension request is already pending"));
      auto days = jf::required_int(body, "days", 1, 30);
      if (!days) return fail(days.error());
      auto reason = jf::required_string(body, "reason", kReason);
      if (!reason) return fail(reason.error());
      c.extension_days_pending = static_cast<int>(*days);
      c.extension_reason = *reason;
      data["days"] = *days;
      data["reason"] = *reason;
      event_unit = c.lead;
      break;
    }
    case Action::kApproveExtension: {
      if (c.extension_days_pending <= 0)
        return fail(Error::conflict("没有待审批的延期申请", "no extension request is pending"));
      const std::int64_t local_day = (c.deadline_at + kChinaOffsetMillis) / kMillisPerDay;
      const std::int64_t new_day = ctx.calendar.add_working_days(local_day, c.extension_days_pending);
      c.deadline_at += (new_day - local_day) * kMillisPerDay;
      data["days"] = c.extension_days_pending;
      data["deadline_at"] = format_rfc3339(c.deadline_at);
      c.extension_days_pending = 0;
      // A case whose new deadline lies ahead is no longer overdue.
      if (c.deadline_at > now) c.overdue = false;
      break;
    }
    case Action::kSupervise: {
      // People must say why they supervise; the platform's automatic supervision may not.
      auto note = jf::optional_string(body, "note", kNote);
      if (!note) return fail(note.error());
      if (!actor.system && (!*note || note->value().empty())) return fail(Error::missing("note"));
      if (*note) data["note"] = **note;
      ++c.supervisions;
      break;
    }
    case Action::kSummon: {
      auto depts = jf::optional_string_list(body, "departments", 20, {.max_chars = 64});
      if (!depts) return fail(depts.error());
      if (depts->empty()) return fail(Error::missing("departments"));
      auto within = jf::required_int(body, "within_minutes", 1, 7 * 24 * 60);
      if (!within) return fail(within.error());
      auto note = jf::optional_string(body, "note", kNote);
      if (!note) return fail(note.error());
      for (const auto& d : *depts)
        if (auto ok = check_department(ctx.tree, d, "departments"); !ok) return fail(ok.error());
      json::array arr;
      for (const auto& d : *depts) {
        if (Participant* p = find_participant(c, d, "summoned")) p->active = false;
        c.participants.push_back({d, "summoned", now, now + *within * kMillisPerMinute, 0, true});
        arr.emplace_back(d);
      }
      data["departments"] = std::move(arr);
      data["within_minutes"] = *within;
      data["due_at"] = format_rfc3339(now + *within * kMillisPerMinute);
      if (*note) data["note"] = **note;
      break;
    }
    case Action::kReport: {
      auto note = jf::optional_string(body, "note", kNote);
      if (!note) return fail(note.error());
      const std::string dept = acting_department(actor, c, "summoned", true);
      Participant* p = dept.empty() ? nullptr : find_participant(c, dept, "summoned");
      if (!p) return fail(Error::conflict("本部门已报到，没有待报到的召集", "this department has already reported"));
      p->accepted_at = now;
      data["department"] = dept;
      data["on_time"] = now <= p->due_at;
      if (*note) data["note"] = **note;
      event_unit = dept;
      break;
    }
    case Action::kEvaluate: {
      if (c.evaluation)
        return fail(Error::conflict("该诉求已评价，每件只能评价一次", "this case has already been evaluated"));
      auto resolved = jf::required_string(body, "resolved", {.max_chars = 20});
      if (!resolved) return fail(resolved.error());
      if (*resolved != "resolved" && *resolved != "partly" && *resolved != "unresolved")
        return fail(Error::invalid("resolved", "resolved 应为 resolved、partly 或 unresolved",
                                   "resolved must be resolved, partly or unresolved"));
      auto satisfaction = jf::required_string(body, "satisfaction", {.max_chars = 30});
      if (!satisfaction) return fail(satisfaction.error());
      if (*satisfaction != "satisfied" && *satisfaction != "basically_satisfied" &&
          *satisfaction != "unsatisfied")
        return fail(Error::invalid("satisfaction", "satisfaction 应为 satisfied、basically_satisfied 或 unsatisfied",
                                   "satisfaction must be satisfied, basically_satisfied or unsatisfied"));
      auto comment = jf::optional_string(body, "comment", {.max_chars = 1000});
      if (!comment) return fail(comment.error());
      c.evaluation = Evaluation{*resolved, *satisfaction, comment->value_or(""), now};
      data["resolved"] = *resolved;
      data["satisfaction"] = *satisfaction;
      if (*resolved == "unresolved" && *satisfaction == "unsatisfied") {
        // Reopened for supervision: back to the dispatcher with a fresh time limit.
        c.status = *t.alt;
        ++c.supervisions;
        c.closed_at = 0;
        c.lead.clear();
        for (auto& p : c.participants)
          if (p.role == "lead" || p.role == "co") p.active = false;
        c.deadline_at = handling_deadline(ctx.catalog, ctx.calendar, c.category, c.urgency, now);
        c.overdue = false;
        data["reopened"] = true;
      }
      break;
    }
    case Action::kOverdue:
      c.overdue = true;
      data["deadline_at"] = format_rfc3339(c.deadline_at);
      break;
    case Action::kSubmit: break;
  }
  return {};
}

}  // namespace

Timestamp handling_deadline(const Catalog& catalog, const WorkCalendar& calendar,
                            const std::string& category, Urgency urgency, Timestamp at) {
  const TimeLimit l = catalog.limit_for(category, urgency);
  if (l.handle_natural_minutes > 0) return at + l.handle_natural_minutes * kMillisPerMinute;
  return calendar.deadline_after_working_days(at, std::max(1, l.handle_working_days));
}

bool may_act(const Case& c, Action action, const Actor& actor) {
  const Transition* t = find_transition(c.status, action);
  if (!t || t->relation == Relation::kSystem || t->relation == Relation::kResident) return false;
  if (!actor.system && !has_any_role(actor.principal, t->roles)) return false;
  if (action == Action::kExtend && c.extension_days_pending > 0) return false;
  if (action == Action::kApproveExtension && c.extension_days_pending == 0) return false;
  if (action == Action::kReport && acting_department(actor, c, "summoned", true).empty()) return false;
  return actor.system || relation_holds(*t, c, actor);
}

Result<CaseEvent> apply(Case& c, Action action, const json::object& body, const Actor& actor,
                        Timestamp now, const RuleContext& ctx) {
  if (action == Action::kSubmit)
    return fail(Error::invalid("action", "submit 只能通过受理接口", "submit is only done by intake"));
  if (!actor.system && !role_ever_allowed(action, actor.principal))
    return fail(Error::forbidden("当前角色无权执行「" + std::string(label_zh(action)) + "」",
                                 "your role may not " + std::string(name(action))));
  const Transition* t = find_transition(c.status, action);
  if (!t) return fail(state_conflict(c, action));
  if (t->relation == Relation::kSystem && !actor.system)
    return fail(Error::forbidden("该操作只能由系统执行", "only the platform may do this"));
  if (!actor.system) {
    if (!has_any_role(actor.principal, t->roles))
      return fail(Error::forbidden("当前角色无权在此状态执行该操作", "your role may not act in this state"));
    if (!relation_holds(*t, c, actor))
      return fail(Error::forbidden("该案件不在您的办理范围内", "this case is outside your scope"));
  }
  CaseEvent ev;
  ev.case_id = c.id;
  ev.at = now;
  ev.action = action;
  ev.actor = actor.system && actor.principal.kind == Principal::Kind::kAnonymous ? "system"
                                                                                  : actor.principal.actor();
  ev.from = c.status;
  std::string event_unit = actor.unit;
  json::object data;
  const Status before = c.status;
  c.status = t->to;
  if (auto ok = mutate(c, action, *t, body, actor, now, ctx, data, event_unit); !ok) {
    c.status = before;
    return fail(ok.error());
  }
  c.updated_at = now;
  ev.to = c.status;
  ev.actor_unit = event_unit;
  ev.data = json::serialize(data);
  return ev;
}

}  // namespace civicgrid::cases
