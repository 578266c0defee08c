#include "cases/import_builder.h"

#include <algorithm>
#include <boost/json.hpp>

#include "cases/case_store.h"
#include "cases/queries.h"
#include "cases/tracking_code.h"
#include "core/json_fields.h"

namespace civicgrid::cases {

namespace json = boost::json;
namespace jf = civicgrid::json_fields;

namespace {

constexpr size_t kArenaBytes = 64 * 1024;
constexpr size_t kMaxEvents = 1000;
constexpr std::string_view kImportActor = "import";
// Another system's clock may run a little ahead of ours; anything later is not history.
constexpr std::int64_t kFutureTolerance = 10 * kMillisPerMinute;

// "field: message", unless the message already names the field.
std::string error_text(const Error& e) {
  std::string msg = e.message_en();
  if (e.code() == ErrorCode::kInternal && !e.detail().empty()) msg += " (" + e.detail() + ")";
  const std::string field(e.field());
  if (field.empty() || msg.find("field " + field) != std::string::npos ||
      msg.find("field: " + field) != std::string::npos)
    return msg;
  return field + ": " + msg;
}

// Errors about one event carry their position: "event 3 (dispatch): ...". Events count from 1,
// the submit event being event 1.
Error event_error(size_t index, std::string_view action, const Error& e) {
  std::string prefix = "event " + std::to_string(index + 1);
  if (!action.empty()) prefix += " (" + std::string(action) + ")";
  return Error(e.code(), e.message_zh(), prefix + ": " + error_text(e));
}

Error line_error(std::string en) {
  return Error::invalid("", std::move(en), std::move(en));
}

Result<Timestamp> event_time(const json::object& event, Timestamp previous, Timestamp latest) {
  const json::value* v = event.if_contains("at");
  if (!v || v->is_null()) return fail(Error::missing("at"));
  if (!v->is_string())
    return fail(Error::invalid("at", "at 应为 RFC 3339 时间", "must be an RFC 3339 time"));
  auto at = parse_rfc3339(v->get_string());
  if (!at) {
    const std::string text(v->get_string());
    return fail(
        Error::invalid("at", "不是 RFC 3339 时间：" + text, "not an RFC 3339 time: " + text));
  }
  if (*at < previous)
    return fail(
        Error::invalid("at", "早于上一事件",
                       "earlier than the previous event (" + format_rfc3339(previous) + ")"));
  if (*at > latest)
    return fail(Error::invalid("at", "时间在未来", "in the future: " + format_rfc3339(*at)));
  return *at;
}

}  // namespace

HistoryBuilder::HistoryBuilder(CaseService& cases)
    : cases_(cases),
      clock_(cases.clock()),
      tree_(cases.org_tree()),
      catalog_(cases.catalog()),
      grids_(*tree_),
      ctx_{*tree_, cases.calendar(), *catalog_,
           [](std::int64_t) -> Result<Status> {
             return fail(Error::not_found("案件不存在", "no such case"));
           }},
      arena_buffer_(new unsigned char[kArenaBytes]),
      arena_(arena_buffer_.get(), kArenaBytes) {
  for (const auto& u : tree_->units())
    if (u.kind == "district" && u.parent.empty()) {
      root_area_ = u.code;
      break;
    }
  actor_.system = true;
  actor_.principal.name = std::string(kImportActor);
  report_actor_ = actor_;
}

bool HistoryBuilder::build(std::string_view line, std::int64_t line_no, BuiltCase& out,
                           ImportRejection& rejected) {
  rejected = ImportRejection{line_no, {}, {}};
  arena_.release();
  parser_.reset(json::storage_ptr(&arena_));
  boost::system::error_code ec;
  const size_t consumed = parser_.write(line.data(), line.size(), ec);
  if (ec) {
    // Columns count characters, as editors show them.
    const size_t column = jf::utf8_length(line.substr(0, std::min(consumed, line.size()))) + 1;
    rejected.reason =
        "invalid JSON at column " + std::to_string(column) + " (" + ec.message() + ")";
    return false;
  }
  const json::value doc = parser_.release();
  if (!doc.is_object()) {
    rejected.reason = "not a JSON object";
    return false;
  }
  const json::object& o = doc.get_object();
  if (const json::value* id = o.if_contains("external_id"); id && id->is_string())
    rejected.external_id = std::string(id->get_string());
  out = BuiltCase{};
  out.line = line_no;
  if (auto ok = build_case(o, out); !ok) {
    rejected.reason = error_text(ok.error());
    return false;
  }
  out.ordinal = next_ordinal_++;
  remember(out);
  return true;
}

Result<void> HistoryBuilder::build_case(const json::object& o, BuiltCase& out) {
  auto external_id = jf::required_string(o, "external_id", {.max_chars = 100});
  if (!external_id) return fail(external_id.error());
  if (auto it = seen_.find(*external_id); it != seen_.end())
    return fail(line_error("already imported (line " + std::to_string(it->second.line) + ")"));
  auto in = parse_appeal(o);
  if (!in) return fail(in.error());
  if (const json::value* ch = o.if_contains("channel"); !ch || ch->is_null())
    in->channel = Channel::kImport;
  if (!in->category.empty() && !catalog_->category(in->category))
    return fail(Error::invalid("category", "分类不存在：" + in->category,
                               "no such category: " + in->category));
  Case& c = out.c;
  if (!in->grid.empty()) {
    const identity::OrgUnit* g = tree_->find(in->grid);
    if (!g || g->kind != "grid")
      return fail(Error::invalid("grid", "网格不存在：" + in->grid, "no such grid: " + in->grid));
    c.grid = in->grid;
  } else if (in->location) {
    if (auto g = grids_.locate(in->location->lat, in->location->lon)) c.grid = std::move(*g);
  }
  c.area = c.grid.empty() ? root_area_ : c.grid;

  const json::value* events = o.if_contains("events");
  if (!events || events->is_null()) return fail(Error::missing("events"));
  if (!events->is_array() || events->get_array().empty())
    return fail(Error::invalid("events", "events 应为以 submit 开头的事件数组",
                               "must be an array of events starting with submit"));
  const json::array& arr = events->get_array();
  if (arr.size() > kMaxEvents)
    return fail(Error::invalid("events", "事件过多",
                               "at most " + std::to_string(kMaxEvents) + " events per case"));

  // Event 1: the intake itself.
  if (!arr[0].is_object())
    return fail(
        event_error(0, "", Error::invalid("", "事件应为 JSON 对象", "must be a JSON object")));
  const json::object& first = arr[0].get_object();
  const json::value* action = first.if_contains("action");
  if (!action || !action->is_string() || action->get_string() != "submit") {
    const std::string_view a =
        action && action->is_string() ? std::string_view(action->get_string()) : "";
    return fail(event_error(
        0, a,
        Error::invalid("action", "第一个事件必须是 submit", "the first event must be submit")));
  }
  const Timestamp latest = clock_.now() + kFutureTolerance;
  auto at = event_time(first, INT64_MIN, latest);
  if (!at) return fail(event_error(0, "submit", at.error()));

  c.external_id = std::move(*external_id);
  c.tracking_code = new_tracking_code();
  c.type = in->type;
  c.channel = in->channel;
  c.urgency = in->urgency;
  c.title = std::move(in->title);
  c.description = std::move(in->description);
  c.category = std::move(in->category);
  c.location = in->location;
  c.address = std::move(in->address);
  c.contact_name = std::move(in->contact_name);
  c.contact_phone = std::move(in->contact_phone);
  c.anonymous = in->anonymous;
  c.submitted_by = std::string(kImportActor);
  c.status = Status::kSubmitted;
  c.created_at = c.updated_at = *at;
  c.deadline_at = handling_deadline(*catalog_, cases_.calendar(), c.category, c.urgency, *at);
  c.id =
      kProvisionalIdBase + next_ordinal_;  // only for apply()'s self-merge check; reset on insert

  out.events.reserve(arr.size());
  CaseEvent submit;
  submit.at = *at;
  submit.action = Action::kSubmit;
  submit.actor = std::string(kImportActor);
  submit.from = submit.to = Status::kSubmitted;
  submit.data = R"({"channel":")" + std::string(name(c.channel)) + R"("})";
  out.events.push_back(std::move(submit));
  return apply_events(arr, out);
}

Result<void> HistoryBuilder::apply_events(const json::array& arr, BuiltCase& out) {
  Case& c = out.c;
  const Timestamp latest = clock_.now() + kFutureTolerance;
  Timestamp previous = c.created_at;
  for (size_t i = 1; i < arr.size(); ++i) {
    if (!arr[i].is_object())
      return fail(
          event_error(i, "", Error::invalid("", "事件应为 JSON 对象", "must be a JSON object")));
    const json::object& e = arr[i].get_object();
    const json::value* av = e.if_contains("action");
    if (!av || av->is_null()) return fail(event_error(i, "", Error::missing("action")));
    if (!av->is_string())
      return fail(
          event_error(i, "", Error::invalid("action", "action 应为字符串", "must be a string")));
    const std::string_view action_name = av->get_string();
    const std::optional<Action> action = parse_action(action_name);
    if (!action || *action == Action::kOverdue)
      return fail(
          event_error(i, action_name, Error::invalid("action", "未知操作", "unknown action")));
    if (*action == Action::kSubmit)
      return fail(event_error(i, action_name,
                              Error::invalid("action", "submit 只能是第一个事件",
                                             "submit may only be the first event")));
    auto at = event_time(e, previous, latest);
    if (!at) return fail(event_error(i, action_name, at.error()));
    previous = *at;

    Result<CaseEvent> ev = fail(Error::internal("not applied"));
    if (*action == Action::kMerge) {
      auto target = resolve_merge_target(e, out, *at);
      if (!target) return fail(event_error(i, action_name, target.error()));
      const json::object body{{"into", target->id}};
      const RuleContext ctx{*tree_, cases_.calendar(), *catalog_,
                            [&](std::int64_t id) -> Result<Status> {
                              if (id == target->id) return target->status;
                              return fail(Error::not_found("案件不存在", "no such case"));
                            }};
      ev = apply(c, *action, body, actor_, *at, ctx);
      out.merge_event = out.events.size();
      out.merge_target = target->id;
      out.merge_target_status = target->status;
    } else if (*action == Action::kReport) {
      // A summoned department reports: act as that department.
      auto dept = jf::required_string(e, "department", {.min_chars = 1, .max_chars = 64});
      if (!dept) return fail(event_error(i, action_name, dept.error()));
      const bool summoned =
          std::any_of(c.participants.begin(), c.participants.end(), [&](const Participant& p) {
            return p.active && p.role == "summoned" && p.unit == *dept;
          });
      if (!summoned)
        return fail(event_error(i, action_name,
                                Error::conflict("该部门未被召集：" + *dept,
                                                *dept + " was not summoned", "department")));
      report_actor_.scope.departments = {std::move(*dept)};
      ev = apply(c, *action, e, report_actor_, *at, ctx_);
    } else {
      ev = apply(c, *action, e, actor_, *at, ctx_);
    }
    if (!ev) return fail(event_error(i, action_name, ev.error()));
    ev->actor = std::string(kImportActor);
    out.events.push_back(std::move(*ev));
  }
  return {};
}

Result<HistoryBuilder::MergeTarget> HistoryBuilder::resolve_merge_target(const json::object& e,
                                                                         BuiltCase& out,
                                                                         Timestamp at) {
  const json::value* into = e.if_contains("into");
  if (!into || into->is_null()) return fail(Error::missing("into"));
  if (into->is_string()) {
    const std::string ext(into->get_string());
    out.merge_target_label = ext;
    if (ext == out.c.external_id) return MergeTarget{out.c.id, out.c.status};  // apply() refuses it
    if (auto it = seen_.find(ext); it != seen_.end()) {
      auto st = status_at(it->second, at);
      if (!st)
        return fail(Error::conflict(
            "目标案件当时尚未受理",
            "the target case " + ext + " was not yet submitted at " + format_rfc3339(at), "into"));
      return MergeTarget{kProvisionalIdBase + it->second.ordinal, *st};
    }
    return stored_target(std::nullopt, ext, at);
  }
  if (into->is_int64() && into->get_int64() > 0) {
    out.merge_target_label = std::to_string(into->get_int64());
    return stored_target(into->get_int64(), {}, at);
  }
  return fail(Error::invalid(
      "into", "into 应为之前一行的 external_id 或案件编号",
      "must be the external_id of an earlier line (a string) or a case id (an integer)"));
}

Result<HistoryBuilder::MergeTarget> HistoryBuilder::stored_target(std::optional<std::int64_t> id,
                                                                  const std::string& external_id,
                                                                  Timestamp at) {
  return cases_.db().read([&](store::Session& s) -> Result<MergeTarget> {
    std::int64_t target = id.value_or(0);
    if (!id) {
      auto rows = s.query(queries::kCaseIdByExternalId, {external_id});
      if (!rows) return fail(rows.error());
      if (rows->rows.empty())
        return fail(Error::invalid("into", "没有该 external_id 的案件：" + external_id,
                                   "no case has external_id " + external_id +
                                       " (it must be imported on an earlier line)"));
      target = rows->rows[0].i64(0);
    }
    auto events = case_store::events(s, target);
    if (!events) return fail(events.error());
    if (events->empty())
      return fail(
          Error::invalid("into", "目标案件不存在", "no such case: " + std::to_string(target)));
    // Its status when the merge happened: the outcome of its last event up to then.
    std::optional<Status> status;
    for (const auto& ev : *events)
      if (ev.at <= at) status = ev.to;
    if (!status)
      return fail(Error::conflict("目标案件当时尚未受理",
                                  "the target case was not yet submitted at " + format_rfc3339(at),
                                  "into"));
    return MergeTarget{target, *status};
  });
}

std::optional<Status> HistoryBuilder::status_at(const RunCase& rc, Timestamp t) const {
  std::optional<Status> status;
  for (std::uint32_t i = 0; i < rc.history_size; ++i) {
    const auto& [at, s] = history_[rc.history_begin + i];
    if (at > t) break;
    status = s;
  }
  return status;
}

void HistoryBuilder::remember(const BuiltCase& built) {
  RunCase rc{built.ordinal, built.line, static_cast<std::uint32_t>(history_.size()), 0};
  // Only the changes of status matter for later merges.
  for (const auto& ev : built.events)
    if (ev.action == Action::kSubmit || ev.from != ev.to) history_.emplace_back(ev.at, ev.to);
  rc.history_size = static_cast<std::uint32_t>(history_.size() - rc.history_begin);
  seen_.emplace(built.c.external_id, rc);
}

}  // namespace civicgrid::cases
