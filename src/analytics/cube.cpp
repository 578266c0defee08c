#include "analytics/cube.h"

#include <algorithm>
#include <mutex>

namespace civicgrid::analytics {

using cases::Action;
using cases::Case;
using cases::CaseEvent;
using cases::Status;

std::uint16_t Dictionary::intern(std::string_view code) {
  if (auto it = index_.find(std::string(code)); it != index_.end()) return it->second;
  // 65535 distinct codes per dictionary is far beyond a district; beyond it codes fold into "none".
  if (codes_.size() >= 0xFFFF) return 0;
  const auto i = static_cast<std::uint16_t>(codes_.size());
  codes_.emplace_back(code);
  index_.emplace(std::string(code), i);
  return i;
}

std::optional<std::uint16_t> Dictionary::find(std::string_view code) const {
  if (auto it = index_.find(std::string(code)); it != index_.end()) return it->second;
  return std::nullopt;
}

std::uint16_t day_code(Timestamp t) {
  if (t <= 0) return 0;
  const std::int64_t d = WorkCalendar::local_day(t);
  return static_cast<std::uint16_t>(std::clamp<std::int64_t>(d, 0, 0xFFFF));
}

void Cube::set_reference(std::shared_ptr<const identity::OrgTree> tree,
                         std::shared_ptr<const cases::Catalog> catalog) {
  std::unique_lock lock(mu_);
  tree_ = std::move(tree);
  catalog_ = std::move(catalog);
}

void Cube::clear() {
  std::unique_lock lock(mu_);
  for (auto* v :
       {&created_day_, &closed_day_, &deadline_day_, &category_, &area_, &department_, &flags_})
    v->clear();
  for (auto* v : {&channel_, &type_, &status_, &eval_}) v->clear();
  close_minutes_.clear();
  version_.clear();
  rollups_.clear();
  repeat_groups_.clear();
  rows_by_day_.clear();
  min_created_day_ = 0xFFFF;
  max_created_day_ = 0;
  cases_ = 0;
}

void Cube::ensure_rows(size_t n) {
  if (n <= status_.size()) return;
  // Grow geometrically so a rebuild of N cases reallocates O(log N) times.
  const size_t cap =
      n <= status_.capacity() ? 0 : std::max(n, status_.capacity() + status_.capacity() / 2);
  auto grow = [&](auto& v, auto fill) {
    if (cap) v.reserve(cap);
    v.resize(n, fill);
  };
  grow(created_day_, std::uint16_t{0});
  grow(closed_day_, std::uint16_t{0});
  grow(deadline_day_, std::uint16_t{0});
  grow(category_, std::uint16_t{0});
  grow(area_, std::uint16_t{0});
  grow(department_, std::uint16_t{0});
  grow(channel_, std::uint8_t{0});
  grow(type_, std::uint8_t{0});
  grow(status_, kAbsent);
  grow(eval_, std::uint8_t{0});
  grow(flags_, std::uint16_t{0});
  grow(close_minutes_, std::uint32_t{0});
  grow(version_, std::uint32_t{0});
}

size_t Cube::memory_bytes() const {
  auto bytes = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  return bytes(created_day_) + bytes(closed_day_) + bytes(deadline_day_) + bytes(category_) +
         bytes(area_) + bytes(department_) + bytes(channel_) + bytes(type_) + bytes(status_) +
         bytes(eval_) + bytes(flags_) + bytes(close_minutes_) + bytes(version_);
}

std::uint16_t Cube::intern_category(const std::string& code) {
  if (auto i = categories_.find(code)) return *i;
  const std::uint16_t i = categories_.intern(code);
  category_levels_.resize(categories_.size(), {0, 0, 0});
  // Ancestors by level, walking up the catalog (unknown codes are their own first level).
  std::vector<std::string> chain;
  const cases::Category* c = catalog_ ? catalog_->category(code) : nullptr;
  if (!c) chain.push_back(code);
  for (int guard = 0; c && guard < 8; ++guard) {
    chain.push_back(c->code);
    c = c->parent.empty() ? nullptr : catalog_->category(c->parent);
  }
  std::reverse(chain.begin(), chain.end());
  std::array<std::uint16_t, 3> levels{0, 0, 0};
  for (size_t l = 0; l < chain.size() && l < 3; ++l)
    levels[l] = chain[l] == code ? i : intern_category(chain[l]);
  // A leaf deeper than level 3 rolls up to its level-3 ancestor; a shallower one fills the rest.
  for (size_t l = chain.size(); l < 3; ++l) levels[l] = l > 0 ? levels[l - 1] : i;
  category_levels_[i] = levels;
  return i;
}

std::uint16_t Cube::intern_area(const std::string& code) {
  if (auto i = areas_.find(code)) return *i;
  const std::uint16_t i = areas_.intern(code);
  area_street_.resize(areas_.size(), 0);
  area_community_.resize(areas_.size(), 0);
  area_grid_.resize(areas_.size(), 0);
  std::uint16_t street = 0, community = 0, grid = 0;
  const identity::OrgUnit* u = tree_ ? tree_->find(code) : nullptr;
  for (int guard = 0; u && guard < 8; ++guard) {
    if (u->kind == "grid") grid = u->code == code ? i : intern_area(u->code);
    if (u->kind == "community") community = u->code == code ? i : intern_area(u->code);
    if (u->kind == "street") street = u->code == code ? i : intern_area(u->code);
    u = u->parent.empty() ? nullptr : tree_->find(u->parent);
  }
  area_street_[i] = street;
  area_community_[i] = community;
  area_grid_[i] = grid;
  return i;
}

namespace {

std::uint8_t eval_code(const std::optional<cases::Evaluation>& e) {
  if (!e) return 0;
  std::uint8_t r = e->resolved == "resolved" ? kResolved
                   : e->resolved == "partly" ? kPartly
                                             : kUnresolved;
  std::uint8_t s = e->satisfaction == "satisfied"             ? kSatisfied
                   : e->satisfaction == "basically_satisfied" ? kBasically
                                                              : kUnsatisfied;
  return static_cast<std::uint8_t>(r | (s << 2));
}

const cases::Participant* latest_lead(const Case& c) {
  for (auto it = c.participants.rbegin(); it != c.participants.rend(); ++it)
    if (it->role == "lead") return &*it;
  return nullptr;
}

}  // namespace

void Cube::update(const Case& c, std::span<const CaseEvent> events) {
  std::unique_lock lock(mu_);
  // Rows are indexed by id: an id far beyond the dense range (not something SQLite hands out) would
  // allocate gigabytes, so it is left out rather than trusted.
  if (c.id <= 0 || static_cast<size_t>(c.id) > 2 * status_.size() + (1u << 24)) return;
  const size_t row = static_cast<size_t>(c.id);
  ensure_rows(row + 1);
  const bool existed = status_[row] != kAbsent;
  const auto version =
      static_cast<std::uint32_t>(std::clamp<std::int64_t>(c.version, 0, 0xFFFFFFFF));
  if (existed && version < version_[row]) return;
  const std::uint16_t before = existed ? flags_[row] : 0;
  const std::uint32_t old_group = existed ? repeat_group(row) : 0;
  const std::uint16_t old_day = existed ? created_day_[row] : 0;
  if (existed) rollup(row, -1);

  std::uint16_t f = 0;
  const cases::Participant* lead = latest_lead(c);
  if (lead) {
    f |= kDispatched;
    if (lead->accepted_at != 0 && lead->accepted_at <= lead->due_at) f |= kAcceptedOnTime;
  }
  // contacted: from the latest accept event unless a later dispatch started over; events that say
  // nothing about it keep what the row knew.
  std::optional<bool> contacted;
  bool extended = (before & kExtended) != 0;
  for (const CaseEvent& e : events) {
    if (e.action == Action::kAccept)
      contacted = e.data.find("\"contacted\":true") != std::string::npos;
    if (e.action == Action::kDispatch) contacted = false;
    if (e.action == Action::kApproveExtension) extended = true;
  }
  if (contacted.value_or((before & kContacted) != 0)) f |= kContacted;
  if (!c.result.empty()) f |= kHandled | kContacted;
  if (extended) f |= kExtended;
  if (c.overdue) f |= kOverdue;
  if (c.returns > 0) f |= kReturned;
  if (c.reworks > 0) f |= kReworked;
  if (c.evaluation) f |= kEvaluated;
  const bool never_registered =
      !lead && (c.status == Status::kSubmitted || c.status == Status::kRejected ||
                c.status == Status::kMerged);
  if (!never_registered) f |= kRegistered;
  if (c.status == Status::kClosed) {
    f |= kClosed;
    // Overdue is sticky on a case, so "on time" means closed by the deadline and never flagged.
    if (c.closed_at <= c.deadline_at && !c.overdue) f |= kClosedOnTime;
  }

  created_day_[row] = day_code(c.created_at);
  min_created_day_ = std::min(min_created_day_, created_day_[row]);
  max_created_day_ = std::max(max_created_day_, created_day_[row]);
  closed_day_[row] = c.status == Status::kClosed ? day_code(c.closed_at) : 0;
  deadline_day_[row] = day_code(c.deadline_at);
  category_[row] = c.category.empty() ? 0 : intern_category(c.category);
  area_[row] = c.area.empty() ? 0 : intern_area(c.area);
  department_[row] = lead ? departments_.intern(lead->unit) : 0;
  channel_[row] = static_cast<std::uint8_t>(c.channel);
  type_[row] = static_cast<std::uint8_t>(c.type);
  status_[row] = static_cast<std::uint8_t>(c.status);
  eval_[row] = eval_code(c.evaluation);
  flags_[row] = f;
  close_minutes_[row] =
      c.status == Status::kClosed && c.closed_at > c.created_at
          ? static_cast<std::uint32_t>(std::min<std::int64_t>(
                calendar_.working_minutes_between(c.created_at, c.closed_at), 0xFFFFFFFF))
          : 0;
  version_[row] = version;
  if (!existed) ++cases_;
  // The 复诉 index changes only when the case moves (another grid, category or day): a status
  // change keeps its flag.
  const std::uint32_t group = repeat_group(row);
  if (existed && group == old_group && created_day_[row] == old_day) {
    flags_[row] |= before & kRepeated;
  } else {
    if (existed && old_group != 0) repeat_remove(old_group, old_day, row);
    if (group != 0) repeat_insert(group, row);
  }
  index_day(row, existed ? std::optional(old_day) : std::nullopt);
  rollup(row, +1);
}

}  // namespace civicgrid::analytics
