// Multi-row inserts for the history import: several cases, participants or events per statement.
// One statement of 16 rows costs SQLite markedly less than 16 statements of one row; the texts are
// derived from the single-row queries, so the columns cannot drift apart.
#include <algorithm>
#include <array>
#include <span>
#include <string_view>
#include <unordered_map>

#include "cases/case_store.h"
#include "cases/queries.h"

namespace civicgrid::cases::case_store {

namespace {

constexpr size_t kRowsPerStatement = 16;

// `single` is "INSERT ... VALUES (<tuple>)[ RETURNING ...]". Returns the statement inserting `rows`
// tuples, each with its own placeholders, ending in `returning` (may be empty).
std::string multi_row(std::string_view single, size_t rows, std::string_view returning) {
  const size_t open = single.find("VALUES (") + 7;
  size_t close = open;
  for (int depth = 0; close < single.size(); ++close) {
    if (single[close] == '(') ++depth;
    if (single[close] == ')' && --depth == 0) break;
  }
  const std::string_view tuple = single.substr(open, close + 1 - open);
  // Placeholders per row: the largest $n in the tuple.
  size_t per_row = 0;
  for (size_t i = 0; i < tuple.size(); ++i)
    if (tuple[i] == '$')
      per_row = std::max(per_row, static_cast<size_t>(std::atoi(tuple.data() + i + 1)));
  std::string out(single.substr(0, open));
  for (size_t r = 0; r < rows; ++r) {
    if (r) out += ", ";
    for (size_t i = 0; i < tuple.size(); ++i) {
      if (tuple[i] != '$') {
        out += tuple[i];
        continue;
      }
      size_t j = i + 1;
      while (j < tuple.size() && tuple[j] >= '0' && tuple[j] <= '9') ++j;
      out += '$';
      out += std::to_string(std::atoi(tuple.data() + i + 1) + r * per_row);
      i = j - 1;
    }
  }
  if (!returning.empty()) {
    out += ' ';
    out += returning;
  }
  return out;
}

// The texts for 1..kRowsPerStatement rows, built once: the store's statement cache keeps each
// prepared.
class MultiRow {
 public:
  MultiRow(std::string_view single, std::string_view returning) {
    for (size_t n = 1; n <= kRowsPerStatement; ++n) texts_[n] = multi_row(single, n, returning);
  }
  const std::string& operator()(size_t rows) const { return texts_[rows]; }

 private:
  std::array<std::string, kRowsPerStatement + 1> texts_;
};

const MultiRow& insert_cases_sql() {
  static const MultiRow m(queries::kInsertCase, "RETURNING id, tracking_code");
  return m;
}
const MultiRow& insert_participants_sql() {
  static const MultiRow m(queries::kInsertParticipant, "");
  return m;
}
const MultiRow& insert_events_sql() {
  static const MultiRow m(queries::kInsertEvent, "");
  return m;
}

store::Value opt_double(const std::optional<Location>& loc, bool lat) {
  if (!loc) return nullptr;
  return lat ? loc->lat : loc->lon;
}

// The parameters of queries::kInsertCase, in its order.
void append_case(std::vector<store::Value>& p, const Case& c) {
  const Evaluation ev = c.evaluation.value_or(Evaluation{});
  p.emplace_back(c.tracking_code);
  p.emplace_back(c.external_id);
  p.emplace_back(std::string(name(c.type)));
  p.emplace_back(std::string(name(c.channel)));
  p.emplace_back(std::string(name(c.urgency)));
  p.emplace_back(c.title);
  p.emplace_back(c.description);
  p.emplace_back(c.category);
  p.emplace_back(opt_double(c.location, true));
  p.emplace_back(opt_double(c.location, false));
  p.emplace_back(c.address);
  p.emplace_back(c.area);
  p.emplace_back(c.grid);
  p.emplace_back(c.contact_name);
  p.emplace_back(c.contact_phone);
  p.emplace_back(std::int64_t{c.anonymous});
  p.emplace_back(c.submitted_by);
  p.emplace_back(std::string(name(c.status)));
  p.emplace_back(c.lead);
  p.emplace_back(c.created_at);
  p.emplace_back(c.updated_at);
  p.emplace_back(c.deadline_at);
  p.emplace_back(c.closed_at);
  p.emplace_back(std::int64_t{c.overdue});
  p.emplace_back(std::int64_t{c.supervisions});
  p.emplace_back(std::int64_t{c.reworks});
  p.emplace_back(std::int64_t{c.returns});
  p.emplace_back(std::int64_t{c.extension_days_pending});
  p.emplace_back(c.extension_reason);
  p.emplace_back(c.result);
  p.emplace_back(c.reply);
  p.emplace_back(c.merged_into);
  p.emplace_back(ev.resolved);
  p.emplace_back(ev.satisfaction);
  p.emplace_back(ev.comment);
  p.emplace_back(ev.at);
}

}  // namespace

Result<void> insert_many(store::Session& s, std::span<Case* const> cases) {
  std::vector<store::Value> params;
  std::unordered_map<std::string_view, Case*> by_code;
  for (size_t i = 0; i < cases.size(); i += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, cases.size() - i);
    params.clear();
    by_code.clear();
    for (Case* c : cases.subspan(i, n)) {
      append_case(params, *c);
      by_code.emplace(c->tracking_code, c);
    }
    auto rows = s.query(insert_cases_sql()(n), std::span<const store::Value>(params));
    if (!rows) return fail(rows.error());
    // RETURNING promises no order: the tracking code (unique) says which row is which case.
    if (rows->rows.size() != n)
      return fail(Error::internal("multi-row case insert returned a wrong row count"));
    for (const auto& r : rows->rows) {
      auto it = by_code.find(r.str(1));
      if (it == by_code.end())
        return fail(Error::internal("multi-row case insert returned an unknown case"));
      it->second->id = r.i64(0);
      it->second->version = 1;
    }
  }
  // The participants of all these cases, numbered per case as insert() numbers them.
  params.clear();
  size_t rows = 0;
  auto flush = [&]() -> Result<void> {
    if (rows == 0) return {};
    auto r = s.query(insert_participants_sql()(rows), std::span<const store::Value>(params));
    params.clear();
    rows = 0;
    if (!r) return fail(r.error());
    return {};
  };
  for (const Case* c : cases) {
    std::int64_t seq = 0;
    for (const Participant& p : c->participants) {
      for (store::Value v :
           {store::Value(c->id), store::Value(p.unit), store::Value(p.role),
            store::Value(p.assigned_at), store::Value(p.due_at), store::Value(p.accepted_at),
            store::Value(std::int64_t{p.active ? 1 : 0}), store::Value(++seq)})
        params.push_back(std::move(v));
      if (++rows == kRowsPerStatement)
        if (auto ok = flush(); !ok) return ok;
    }
  }
  return flush();
}

Result<void> insert_events(store::Session& s, std::span<const CaseEvent> events) {
  std::vector<store::Value> params;
  params.reserve(std::min(events.size(), kRowsPerStatement) * 8);
  for (size_t i = 0; i < events.size(); i += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, events.size() - i);
    params.clear();
    for (const CaseEvent& e : events.subspan(i, n)) {
      params.emplace_back(e.case_id);
      params.emplace_back(e.at);
      params.emplace_back(std::string(name(e.action)));
      params.emplace_back(e.actor);
      params.emplace_back(e.actor_unit);
      params.emplace_back(std::string(name(e.from)));
      params.emplace_back(std::string(name(e.to)));
      params.emplace_back(e.data);
    }
    auto r = s.query(insert_events_sql()(n), std::span<const store::Value>(params));
    if (!r) return fail(r.error());
  }
  return {};
}

}  // namespace civicgrid::cases::case_store
