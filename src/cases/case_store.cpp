#include "cases/case_store.h"

#include <algorithm>

#include "cases/queries.h"

namespace civicgrid::cases::case_store {

namespace {

store::Value opt_double(const std::optional<Location>& loc, bool lat) {
  if (!loc) return nullptr;
  return lat ? loc->lat : loc->lon;
}

Case from_row(const store::Row& r) {
  Case c;
  c.id = r.i64(0);
  c.tracking_code = r.str(1);
  c.external_id = r.str(2);
  c.type = parse_appeal_type(r.str(3)).value_or(AppealType::kComplaint);
  c.channel = parse_channel(r.str(4)).value_or(Channel::kWeb);
  c.urgency = parse_urgency(r.str(5)).value_or(Urgency::kNormal);
  c.title = r.str(6);
  c.description = r.str(7);
  c.category = r.str(8);
  if (!r.is_null(9) && !r.is_null(10)) c.location = Location{r.f64(9), r.f64(10)};
  c.address = r.str(11);
  c.area = r.str(12);
  c.grid = r.str(13);
  c.contact_name = r.str(14);
  c.contact_phone = r.str(15);
  c.anonymous = r.i64(16) != 0;
  c.submitted_by = r.str(17);
  c.status = parse_status(r.str(18)).value_or(Status::kSubmitted);
  c.lead = r.str(19);
  c.created_at = r.i64(20);
  c.updated_at = r.i64(21);
  c.deadline_at = r.i64(22);
  c.closed_at = r.i64(23);
  c.overdue = r.i64(24) != 0;
  c.supervisions = static_cast<int>(r.i64(25));
  c.reworks = static_cast<int>(r.i64(26));
  c.returns = static_cast<int>(r.i64(27));
  c.extension_days_pending = static_cast<int>(r.i64(28));
  c.extension_reason = r.str(29);
  c.result = r.str(30);
  c.reply = r.str(31);
  c.merged_into = r.i64(32);
  if (!r.str(33).empty()) c.evaluation = Evaluation{r.str(33), r.str(34), r.str(35), r.i64(36)};
  c.version = r.i64(37);
  return c;
}

Result<void> write_participants(store::Session& s, const Case& c, bool replace) {
  if (replace)
    if (auto r = s.execute(queries::kDeleteParticipants, {c.id}); !r) return fail(r.error());
  std::int64_t seq = 0;
  for (const auto& p : c.participants) {
    auto r = s.execute(queries::kInsertParticipant,
                       {c.id, p.unit, p.role, p.assigned_at, p.due_at, p.accepted_at,
                        std::int64_t{p.active ? 1 : 0}, ++seq});
    if (!r) return fail(r.error());
  }
  return {};
}

Result<Case> load_where(store::Session& s, const std::string& where, store::Value key) {
  const std::string sql =
      std::string("SELECT ") + queries::kCaseColumns + " FROM cases WHERE " + where;
  auto rows = s.query(sql, {std::move(key)});
  if (!rows) return fail(rows.error());
  if (rows->rows.empty()) return fail(Error::not_found("案件不存在", "no such case"));
  Case c = from_row(rows->rows[0]);
  auto parts = s.query(queries::kParticipants, {c.id});
  if (!parts) return fail(parts.error());
  for (const auto& r : parts->rows)
    c.participants.push_back({r.str(0), r.str(1), r.i64(2), r.i64(3), r.i64(4), r.i64(5) != 0});
  return c;
}

CaseEvent event_from_row(const store::Row& r) {
  CaseEvent e;
  e.id = r.i64(0);
  e.case_id = r.i64(1);
  e.at = r.i64(2);
  e.action = parse_action(r.str(3)).value_or(Action::kSubmit);
  e.actor = r.str(4);
  e.actor_unit = r.str(5);
  e.from = parse_status(r.str(6)).value_or(Status::kSubmitted);
  e.to = parse_status(r.str(7)).value_or(Status::kSubmitted);
  e.data = r.str(8);
  return e;
}

// Binds values as $n parameters and renders fragments such as "category IN ($1, $2)".
class SqlParams {
 public:
  std::string add(store::Value v) {
    params_.push_back(std::move(v));
    return "$" + std::to_string(params_.size());
  }
  template <typename Range>
  std::string in_list(const std::string& column, const Range& values, bool negate = false) {
    std::string out = column + (negate ? " NOT IN (" : " IN (");
    bool first = true;
    for (const auto& v : values) {
      out += (first ? "" : ", ") + add(store::Value(v));
      first = false;
    }
    return out + ")";
  }
  std::span<const store::Value> span() const { return params_; }

 private:
  std::vector<store::Value> params_;
};

}  // namespace

Result<std::int64_t> insert(store::Session& s, Case& c) {
  const Evaluation ev = c.evaluation.value_or(Evaluation{});
  auto r = s.query(queries::kInsertCase, {c.tracking_code,
                                          c.external_id,
                                          std::string(name(c.type)),
                                          std::string(name(c.channel)),
                                          std::string(name(c.urgency)),
                                          c.title,
                                          c.description,
                                          c.category,
                                          opt_double(c.location, true),
                                          opt_double(c.location, false),
                                          c.address,
                                          c.area,
                                          c.grid,
                                          c.contact_name,
                                          c.contact_phone,
                                          std::int64_t{c.anonymous},
                                          c.submitted_by,
                                          std::string(name(c.status)),
                                          c.lead,
                                          c.created_at,
                                          c.updated_at,
                                          c.deadline_at,
                                          c.closed_at,
                                          std::int64_t{c.overdue},
                                          std::int64_t{c.supervisions},
                                          std::int64_t{c.reworks},
                                          std::int64_t{c.returns},
                                          std::int64_t{c.extension_days_pending},
                                          c.extension_reason,
                                          c.result,
                                          c.reply,
                                          c.merged_into,
                                          ev.resolved,
                                          ev.satisfaction,
                                          ev.comment,
                                          ev.at});
  if (!r) return fail(r.error());
  c.id = r->rows.at(0).i64(0);
  c.version = 1;
  if (!c.participants.empty())
    if (auto ok = write_participants(s, c, false); !ok) return fail(ok.error());
  return c.id;
}

Result<void> update(store::Session& s, Case& c) {
  const Evaluation ev = c.evaluation.value_or(Evaluation{});
  auto n = s.execute(queries::kUpdateCase, {c.id,
                                            c.version,
                                            c.category,
                                            std::string(name(c.status)),
                                            c.lead,
                                            c.updated_at,
                                            c.deadline_at,
                                            c.closed_at,
                                            std::int64_t{c.overdue},
                                            std::int64_t{c.supervisions},
                                            std::int64_t{c.reworks},
                                            std::int64_t{c.returns},
                                            std::int64_t{c.extension_days_pending},
                                            c.extension_reason,
                                            c.result,
                                            c.reply,
                                            c.merged_into,
                                            ev.resolved,
                                            ev.satisfaction,
                                            ev.comment,
                                            ev.at});
  if (!n) return fail(n.error());
  if (*n == 0)
    return fail(Error::conflict("案件已被他人修改，请刷新后重试",
                                "the case was changed by someone else; reload it", "version"));
  ++c.version;
  return write_participants(s, c, true);
}

Result<void> insert_event(store::Session& s, const CaseEvent& e) {
  auto r = s.execute(queries::kInsertEvent,
                     {e.case_id, e.at, std::string(name(e.action)), e.actor, e.actor_unit,
                      std::string(name(e.from)), std::string(name(e.to)), e.data});
  if (!r) return fail(r.error());
  return {};
}

Result<Case> load(store::Session& s, std::int64_t id) {
  return load_where(s, "id = $1", id);
}

Result<Case> load_for_update(store::Session& s, std::int64_t id) {
  if (s.dialect() == store::Dialect::kPostgres) {
    // SQLite's single writer already excludes concurrent changes.
    if (auto r = s.query(queries::kLockCasePg, {id}); !r) return fail(r.error());
  }
  return load(s, id);
}

Result<Case> load_by_tracking_code(store::Session& s, std::string_view code) {
  return load_where(s, "tracking_code = $1", std::string(code));
}

Result<std::vector<CaseEvent>> events(store::Session& s, std::int64_t case_id) {
  auto rows = s.query(queries::kEvents, {case_id});
  if (!rows) return fail(rows.error());
  std::vector<CaseEvent> out;
  out.reserve(rows->rows.size());
  for (const auto& r : rows->rows) out.push_back(event_from_row(r));
  return out;
}

Result<Status> status_of(store::Session& s, std::int64_t id) {
  auto r = s.query(queries::kCaseStatus, {id});
  if (!r) return fail(r.error());
  if (r->rows.empty()) return fail(Error::not_found("案件不存在", "no such case"));
  return parse_status(r->rows[0].str(0)).value_or(Status::kSubmitted);
}

Result<CasePage> list(store::Session& s, const CaseFilter& f, const identity::DataScope& scope,
                      const std::vector<std::string>& category_codes,
                      const std::vector<std::string>& area_codes, Timestamp now) {
  // The query is assembled from fixed fragments; every value is a bound parameter.
  std::string sql = std::string("SELECT ") + queries::kCaseColumns + " FROM cases WHERE 1 = 1";
  SqlParams p;
  if (!scope.all) {
    std::vector<std::string> clauses;
    if (!scope.areas.empty()) clauses.push_back(p.in_list("area", scope.areas));
    if (!scope.departments.empty())
      clauses.push_back("id IN (SELECT case_id FROM case_participants WHERE active = 1 AND " +
                        p.in_list("unit", scope.departments) + ")");
    if (clauses.empty()) return CasePage{};
    sql += " AND (" + clauses[0] + (clauses.size() > 1 ? " OR " + clauses[1] : "") + ")";
  }
  if (f.status) sql += " AND status = " + p.add(std::string(name(*f.status)));
  if (!category_codes.empty()) sql += " AND " + p.in_list("category", category_codes);
  if (!area_codes.empty()) sql += " AND " + p.in_list("area", area_codes);
  if (f.department) sql += " AND lead = " + p.add(*f.department);
  if (f.overdue) {
    const std::string now_p = p.add(now);
    sql += *f.overdue ? " AND closed_at = 0 AND status NOT IN ('closed','rejected','merged') AND "
                        "(overdue = 1 OR deadline_at < " +
                            now_p + ")"
                      : " AND NOT (closed_at = 0 AND status NOT IN ('closed','rejected','merged') "
                        "AND (overdue = 1 OR deadline_at < " +
                            now_p + "))";
  }
  if (f.supervised) sql += *f.supervised ? " AND supervisions > 0" : " AND supervisions = 0";
  if (f.text) {
    const std::string like = p.add("%" + *f.text + "%");
    sql += " AND (title LIKE " + like + " OR description LIKE " + like + ")";
  }
  if (f.from) sql += " AND created_at >= " + p.add(*f.from);
  if (f.to) sql += " AND created_at < " + p.add(*f.to);
  if (f.cursor) sql += " AND id < " + p.add(*f.cursor);
  const int limit = std::clamp(f.limit, 1, 200);
  sql += " ORDER BY id DESC LIMIT " + p.add(std::int64_t{limit + 1});
  auto rows = s.query(sql, p.span());
  if (!rows) return fail(rows.error());
  CasePage page;
  for (const auto& r : rows->rows) {
    if (static_cast<int>(page.cases.size()) == limit) {
      page.next_cursor = page.cases.back().id;
      break;
    }
    page.cases.push_back(from_row(r));
  }
  return page;
}

Result<std::vector<std::int64_t>> due_for_overdue(store::Session& s, Timestamp now) {
  auto rows = s.query(queries::kDueForOverdue, {now});
  if (!rows) return fail(rows.error());
  std::vector<std::int64_t> ids;
  for (const auto& r : rows->rows) ids.push_back(r.i64(0));
  return ids;
}

}  // namespace civicgrid::cases::case_store

// --- public listings (no data scope; see PublicCaseFilter)

namespace civicgrid::cases::case_store {

namespace {

constexpr const char* kTerminal = "('closed', 'rejected', 'merged')";

}  // namespace

Result<std::vector<Case>> list_public(store::Session& s, const PublicCaseFilter& f) {
  std::string sql = std::string("SELECT ") + queries::kCaseColumns + " FROM cases WHERE 1 = 1";
  SqlParams p;
  if (!f.ids.empty()) sql += " AND " + p.in_list("id", f.ids);
  if (!f.categories.empty()) sql += " AND " + p.in_list("category", f.categories);
  if (!f.exclude_categories.empty())
    sql += " AND " + p.in_list("category", f.exclude_categories, true);
  if (f.require_category) sql += " AND category <> ''";
  if (f.open) sql += std::string(*f.open ? " AND status NOT IN " : " AND status IN ") + kTerminal;
  if (f.created_from) sql += " AND created_at >= " + p.add(*f.created_from);
  if (f.created_to) sql += " AND created_at < " + p.add(*f.created_to);
  if (f.updated_after) sql += " AND updated_at > " + p.add(*f.updated_after);
  if (f.updated_before) sql += " AND updated_at < " + p.add(*f.updated_before);
  sql += " ORDER BY created_at DESC, id DESC LIMIT " +
         p.add(std::int64_t{std::clamp(f.limit, 1, 1000)});
  sql += " OFFSET " + p.add(std::max<std::int64_t>(f.offset, 0));
  auto rows = s.query(sql, p.span());
  if (!rows) return fail(rows.error());
  std::vector<Case> out;
  out.reserve(rows->rows.size());
  for (const auto& r : rows->rows) out.push_back(from_row(r));
  return out;
}

Result<std::vector<CaseEvent>> events_of(store::Session& s,
                                         const std::vector<std::int64_t>& case_ids) {
  std::vector<CaseEvent> out;
  if (case_ids.empty()) return out;
  SqlParams p;
  const std::string sql = std::string("SELECT ") + queries::kEventColumns +
                          " FROM case_events WHERE " + p.in_list("case_id", case_ids) +
                          " ORDER BY case_id, id";
  auto rows = s.query(sql, p.span());
  if (!rows) return fail(rows.error());
  out.reserve(rows->rows.size());
  for (const auto& r : rows->rows) out.push_back(event_from_row(r));
  return out;
}

Result<std::vector<PublicCaseEvent>> list_public_events(store::Session& s,
                                                        const PublicEventFilter& f) {
  SqlParams p;
  std::string sql =
      std::string("SELECT ") + queries::kPublicEventColumns +
      " FROM case_events e JOIN cases c ON c.id = e.case_id WHERE e.at >= " + p.add(f.from) +
      " AND e.at < " + p.add(f.to) + " AND c.category <> ''";
  if (!f.exclude_categories.empty())
    sql += " AND " + p.in_list("c.category", f.exclude_categories, true);
  if (!f.exclude_actions.empty()) {
    std::vector<std::string> names;
    for (Action a : f.exclude_actions) names.emplace_back(name(a));
    sql += " AND " + p.in_list("e.action", names, true);
  }
  sql += " ORDER BY e.at, e.id LIMIT " + p.add(std::int64_t{std::clamp(f.limit, 1, 1000)});
  auto rows = s.query(sql, p.span());
  if (!rows) return fail(rows.error());
  std::vector<PublicCaseEvent> out;
  out.reserve(rows->rows.size());
  for (const auto& r : rows->rows) out.push_back({event_from_row(r), r.str(9), r.str(10)});
  return out;
}

namespace {

// Attaches the participants of `out` (in id order) from rows (case_id, unit, role, ...) in the same
// order.
void attach_participants(std::vector<Case>& out, const store::QueryResult& parts) {
  size_t i = 0;
  for (const auto& r : parts.rows) {
    const std::int64_t id = r.i64(0);
    while (i < out.size() && out[i].id < id) ++i;
    if (i == out.size()) break;
    if (out[i].id == id)
      out[i].participants.push_back(
          {r.str(1), r.str(2), r.i64(3), r.i64(4), r.i64(5), r.i64(6) != 0});
  }
}

CaseEvent lean_event_from_row(const store::Row& r) {
  CaseEvent e;
  e.case_id = r.i64(0);
  e.at = r.i64(1);
  e.action = parse_action(r.str(2)).value_or(Action::kSubmit);
  e.actor = r.str(3);
  e.data = r.str(4);
  return e;
}

Result<std::vector<CaseEvent>> lean_events(store::Session& s, const std::string& sql,
                                           std::span<const store::Value> params) {
  auto rows = s.query(sql, params);
  if (!rows) return fail(rows.error());
  std::vector<CaseEvent> out;
  out.reserve(rows->rows.size());
  for (const auto& r : rows->rows) out.push_back(lean_event_from_row(r));
  return out;
}

std::vector<std::string> action_names(std::span<const Action> actions) {
  std::vector<std::string> names;
  for (Action a : actions) names.emplace_back(name(a));
  return names;
}

}  // namespace

Result<std::vector<Case>> scan_page(store::Session& s, std::int64_t after_id, int limit) {
  const std::string sql = std::string("SELECT ") + queries::kCaseColumnsLean +
                          " FROM cases WHERE id > $1 ORDER BY id LIMIT $2";
  auto rows = s.query(sql, {after_id, std::int64_t{limit}});
  if (!rows) return fail(rows.error());
  std::vector<Case> out;
  out.reserve(rows->rows.size());
  for (const auto& r : rows->rows) out.push_back(from_row(r));
  if (out.empty()) return out;
  auto parts = s.query(queries::kParticipantsInRange, {out.front().id, out.back().id});
  if (!parts) return fail(parts.error());
  attach_participants(out, *parts);
  return out;
}

Result<std::vector<Case>> scan_cases(store::Session& s, std::span<const std::int64_t> ids) {
  std::vector<Case> out;
  if (ids.empty()) return out;
  SqlParams p;
  const std::string in = p.in_list("id", ids);
  auto rows = s.query(std::string("SELECT ") + queries::kCaseColumnsLean + " FROM cases WHERE " +
                          in + " ORDER BY id",
                      p.span());
  if (!rows) return fail(rows.error());
  out.reserve(rows->rows.size());
  for (const auto& r : rows->rows) out.push_back(from_row(r));
  SqlParams pp;
  const std::string pin = pp.in_list("case_id", ids);
  auto parts =
      s.query(queries::kParticipantsOfCasesWhere + pin + " ORDER BY case_id, seq", pp.span());
  if (!parts) return fail(parts.error());
  attach_participants(out, *parts);
  return out;
}

Result<std::vector<CaseEvent>> scan_events(store::Session& s, std::int64_t first_id,
                                           std::int64_t last_id, std::span<const Action> actions) {
  if (actions.empty()) return std::vector<CaseEvent>{};
  SqlParams p;
  std::string sql = std::string("SELECT ") + queries::kEventColumnsLean +
                    " FROM case_events WHERE case_id >= " + p.add(first_id) +
                    " AND case_id <= " + p.add(last_id) + " AND " +
                    p.in_list("action", action_names(actions)) + " ORDER BY case_id, id";
  return lean_events(s, sql, p.span());
}

Result<std::vector<CaseEvent>> scan_events_of(store::Session& s,
                                              std::span<const std::int64_t> ids,
                                              std::span<const Action> actions) {
  if (actions.empty() || ids.empty()) return std::vector<CaseEvent>{};
  SqlParams p;
  std::string sql = std::string("SELECT ") + queries::kEventColumnsLean +
                    " FROM case_events WHERE " + p.in_list("case_id", ids) + " AND " +
                    p.in_list("action", action_names(actions)) + " ORDER BY case_id, id";
  return lean_events(s, sql, p.span());
}

Result<std::vector<std::int64_t>> changed_case_ids(store::Session& s, std::int64_t after_id,
                                                   Timestamp updated_since) {
  std::vector<std::int64_t> ids;
  for (auto [sql, key] : {std::pair{queries::kCaseIdsAfter, after_id},
                          std::pair{queries::kCaseIdsUpdatedSince, updated_since}}) {
    auto rows = s.query(sql, {key});
    if (!rows) return fail(rows.error());
    for (const auto& r : rows->rows) ids.push_back(r.i64(0));
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

Result<std::int64_t> count_cases(store::Session& s) {
  auto rows = s.query(queries::kCountCases);
  if (!rows) return fail(rows.error());
  return rows->rows.empty() ? 0 : rows->rows[0].i64(0);
}

}  // namespace civicgrid::cases::case_store
