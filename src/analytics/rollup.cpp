// The cube's pre-aggregates and its 复诉 index, maintained row by row under the cube's exclusive
// lock (see rollup.h and Cube::update).
#include "analytics/rollup.h"

#include <algorithm>
#include <mutex>

#include "analytics/cube.h"
#include "core/time.h"

namespace civicgrid::analytics {

namespace {

const std::vector<std::uint16_t>& month_table() {
  static const std::vector<std::uint16_t> table = [] {
    std::vector<std::uint16_t> t(0x10000);
    for (std::int64_t d = 0; d < 0x10000; ++d) {
      int y;
      unsigned m, dd;
      civil_from_days(d, y, m, dd);
      t[d] = static_cast<std::uint16_t>(std::min(y * 12 + static_cast<int>(m) - 1, 0xFFFF));
    }
    return t;
  }();
  return table;
}

}  // namespace

std::uint32_t rollup_month(std::uint32_t day) {
  return day < 0x10000 ? month_table()[day] : month_table()[0xFFFF] + 1;
}

std::uint32_t month_first_day(std::uint32_t month) {
  return static_cast<std::uint32_t>(
      days_from_civil(static_cast<int>(month / 12), month % 12 + 1, 1));
}

size_t Rollups::memory_bytes() const {
  size_t n = units_day.memory_bytes() + units_month.memory_bytes() +
             category_units_year.memory_bytes() + due_day.memory_bytes() + due_month.memory_bytes();
  for (const auto* t : counts()) n += t->memory_bytes();
  return n;
}

size_t Rollups::entries() const {
  size_t n = units_day.entries() + units_month.entries() + category_units_year.entries() +
             due_day.entries() + due_month.entries();
  for (const auto* t : counts()) n += t->entries();
  return n;
}

void Rollups::clear() {
  for (auto* t : counts()) t->clear();
  units_day.clear();
  units_month.clear();
  category_units_year.clear();
  due_day.clear();
  due_month.clear();
}

void Rollups::merge(Rollups&& other) {
  static_assert(sizeof(Rollups) == 16 * sizeof(PeriodTable<std::uint32_t>),
                "a table added to Rollups must be listed in count_tables() or merged here");
  const auto mine = counts();
  const auto theirs = other.counts();
  for (size_t i = 0; i < mine.size(); ++i)
    mine[i]->merge(std::move(*theirs[i]),
                   [](std::uint32_t& to, std::uint32_t from) { to += from; });
  const auto add_units = [](UnitSums& to, const UnitSums& from) {
    for (int i = 0; i < kUnitFields; ++i) to.n[i] += from.n[i];
    to.close_minutes += from.close_minutes;
  };
  units_day.merge(std::move(other.units_day), add_units);
  units_month.merge(std::move(other.units_month), add_units);
  category_units_year.merge(std::move(other.category_units_year), add_units);
  const auto add_due = [](DueSums& to, const DueSums& from) {
    to.due += from.due;
    to.closed += from.closed;
    to.closed_on_time += from.closed_on_time;
  };
  due_day.merge(std::move(other.due_day), add_due);
  due_month.merge(std::move(other.due_month), add_due);
}

size_t Cube::rollup_memory_bytes() const {
  return rollups_.memory_bytes();
}

size_t Cube::day_index_bytes() const {
  size_t n = rows_by_day_.capacity() * sizeof(rows_by_day_[0]);
  for (const auto& rows : rows_by_day_) n += rows.capacity() * 4;
  return n;
}

void Cube::index_day(size_t row, std::optional<std::uint16_t> old_day) {
  const std::uint16_t day = created_day_[row];
  if (old_day) {
    if (*old_day == day) return;
    auto& old = rows_by_day_[*old_day];
    if (auto it = std::find(old.begin(), old.end(), row); it != old.end()) {
      *it = old.back();
      old.pop_back();
    }
  }
  if (day >= rows_by_day_.size()) rows_by_day_.resize(day + 1);
  rows_by_day_[day].push_back(static_cast<std::uint32_t>(row));
}

namespace {

// A row's contribution to the unit sums (mirrors the per-row rules of unit_counts in rates.cpp).
UnitSums row_sums(const Cube& c, size_t row) {
  const std::uint16_t f = c.flags_[row];
  UnitSums s;
  s.n[kSumCases] = 1;
  if (f & kDispatched) {
    s.n[kSumDispatched] = 1;
    s.n[kSumResponded] = (f & kAcceptedOnTime) && (f & kContacted);
    s.n[kSumReturned] = (f & kReturned) != 0;
  }
  if (f & kEvaluated) {
    const std::uint8_t e = c.eval_[row];
    s.n[kSumEvaluated] = 1;
    s.n[kSumResolved] = (e & 3) == kResolved;
    s.n[kSumSatisfied] = (e >> 2) == kSatisfied;
    s.n[kSumBasically] = (e >> 2) == kBasically;
  }
  if (f & kRegistered) {
    s.n[kSumRegistered] = 1;
    s.n[kSumReworked] = (f & kReworked) != 0;
    s.n[kSumExtended] = (f & kExtended) != 0;
    s.n[kSumRepeated] = (f & kRepeated) != 0;
    s.n[kSumOverdue] = (f & kOverdue) != 0;
    s.n[kSumOverdueFlaggedOpen] =
        cases::is_open(static_cast<cases::Status>(c.status_[row])) && (f & kOverdue);
  }
  if (f & kClosed) {
    s.n[kSumClosed] = 1;
    s.close_minutes = c.close_minutes_[row];
  }
  return s;
}

// The deadline day of a registered open case not flagged overdue (whether it is overdue depends on
// the day asked), else 0.
std::uint32_t open_deadline(const Cube& c, size_t row) {
  const std::uint16_t f = c.flags_[row];
  const bool open = cases::is_open(static_cast<cases::Status>(c.status_[row]));
  return (f & kRegistered) && open && !(f & kOverdue) ? c.deadline_day_[row] : 0;
}

}  // namespace

size_t Cube::repeat_index_bytes() const {
  size_t n = repeat_groups_.size() * 64;
  for (const auto& [g, rows] : repeat_groups_) n += rows.capacity() * 4;
  return n;
}

void Cube::rollup(size_t row, int sign) {
  add_rollup(rollups_, row, sign);
}

// The parameter is named as the member it stands for, so every line below writes to the target.
void Cube::add_rollup(Rollups& rollups_, size_t row, int sign) const {
  const auto add = [sign](std::uint32_t& x, std::uint32_t v) {
    x += sign > 0 ? v : static_cast<std::uint32_t>(0u - v);
  };
  const std::uint16_t f = flags_[row];
  const std::uint32_t day = created_day_[row];
  const std::uint32_t month = rollup_month(day);
  const std::uint32_t area = area_[row], dept = department_[row];
  const std::uint64_t place = rollup_key(category_[row], area, dept, 0, 0, 0);
  const std::uint64_t attrs = rollup_key(0, area, dept, status_[row], channel_[row], type_[row]);
  const std::uint64_t unit = rollup_key(0, area, dept, 0, 0, 0);
  const std::uint32_t year = month / 12;
  const std::uint64_t category2 = rollup_key(
      category_[row] == 0 ? 0 : category_levels_[category_[row]][1], area, dept, 0, 0, 0);
  add(rollups_.places_month.at(month, place, area), 1);
  add(rollups_.places_year.at(year, place, area), 1);
  add(rollups_.places_all.at(0, place, area), 1);
  add(rollups_.attrs_month.at(month, attrs), 1);
  add(rollups_.attrs_year.at(year, attrs), 1);
  add(rollups_.category2_day.at(day, category2), 1);
  add(rollups_.category2_month.at(month, category2), 1);
  add(rollups_.category1_month.at(
          month, rollup_key(category_[row] == 0 ? 0 : category_levels_[category_[row]][0], area,
                            dept, 0, 0, 0)),
      1);
  if (f & kOverdue) add(rollups_.overdue_by_deadline.at(deadline_day_[row], unit), 1);
  add(rollups_.status_day.at(day, rollup_key(0, area, dept, status_[row], 0, 0)), 1);
  const UnitSums s = row_sums(*this, row);
  for (UnitSums* u : {&rollups_.units_day.at(day, unit), &rollups_.units_month.at(month, unit),
                      &rollups_.category_units_year.at(year, place)}) {
    for (int i = 0; i < kUnitFields; ++i) add(u->n[i], s.n[i]);
    u->close_minutes += sign > 0 ? s.close_minutes : 0 - s.close_minutes;
  }
  if (const std::uint32_t deadline = open_deadline(*this, row))
    add(rollups_.open_by_deadline.at(day, rollup_key(deadline, area, dept, 0, 0, 0)), 1);

  if (f & kRegistered) {
    const std::uint32_t deadline = deadline_day_[row];
    for (DueSums* d : {&rollups_.due_day.at(deadline, unit),
                       &rollups_.due_month.at(rollup_month(deadline), unit)}) {
      add(d->due, 1);
      add(d->closed, (f & kClosed) != 0);
      add(d->closed_on_time, (f & kClosedOnTime) != 0);
    }
  }
}

std::uint32_t Cube::repeat_group(size_t row) const {
  const std::uint32_t grid = area_grid_[area_[row]];
  const std::uint32_t cat = category_[row];
  return grid == 0 || cat == 0 ? 0 : (grid << 16) | cat;
}

void Cube::set_repeated(size_t row, bool repeated) {
  if (((flags_[row] & kRepeated) != 0) == repeated) return;
  rollup(row, -1);
  flags_[row] ^= kRepeated;
  rollup(row, +1);
}

// The order of a 复诉 group: (created day, row). `moved` is a row whose column already holds its
// new day while it is still filed under `moved_day`.
struct RepeatOrder {
  const std::vector<std::uint16_t>& days;
  size_t moved = 0;
  std::uint32_t moved_day = 0;
  std::uint64_t key(std::uint32_t row) const {
    const std::uint64_t day = row == moved ? moved_day : days[row];
    return (day << 32) | row;
  }
  bool operator()(std::uint32_t a, std::uint32_t b) const { return key(a) < key(b); }
};

// The row is not in the rollups yet (update adds it after); its successor is.
void Cube::repeat_insert(std::uint32_t group, size_t row) {
  auto& rows = repeat_groups_[group];
  const std::uint32_t day = created_day_[row];
  const auto r = static_cast<std::uint32_t>(row);
  // Cases mostly arrive in intake order: then the row goes last, without a search.
  const RepeatOrder order{created_day_};
  auto it = rows.empty() || order(rows.back(), r)
                ? rows.end()
                : std::lower_bound(rows.begin(), rows.end(), r, order);
  it = rows.insert(it, r);
  const auto within = [&](std::uint32_t earlier, std::uint32_t later) {
    return later - earlier <= static_cast<std::uint32_t>(repeat_days_);
  };
  const bool repeated = it != rows.begin() && within(created_day_[*(it - 1)], day);
  flags_[row] =
      static_cast<std::uint16_t>(repeated ? flags_[row] | kRepeated : flags_[row] & ~kRepeated);
  if (it + 1 != rows.end()) set_repeated(*(it + 1), within(day, created_day_[*(it + 1)]));
}

// The row is already out of the rollups and its columns may hold its new values (`day` is the one
// it was filed under); its successor takes the predecessor as the earlier case.
void Cube::repeat_remove(std::uint32_t group, std::uint16_t day, size_t row) {
  auto g = repeat_groups_.find(group);
  if (g == repeat_groups_.end()) return;
  auto& rows = g->second;
  const auto r = static_cast<std::uint32_t>(row);
  auto it = std::lower_bound(rows.begin(), rows.end(), r, RepeatOrder{created_day_, row, day});
  if (it == rows.end() || *it != r) return;
  it = rows.erase(it);
  if (it != rows.end()) {
    const std::uint32_t next_day = created_day_[*it];
    set_repeated(*it, it != rows.begin() && next_day - created_day_[*(it - 1)] <=
                                                static_cast<std::uint32_t>(repeat_days_));
  }
  if (rows.empty()) repeat_groups_.erase(g);
}

void Cube::set_repeat_days(int days) {
  std::unique_lock lock(mu_);
  if (days == repeat_days_) return;
  repeat_days_ = days;
  for (const auto& [group, rows] : repeat_groups_)
    for (size_t i = 0; i < rows.size(); ++i)
      set_repeated(rows[i], i > 0 && created_day_[rows[i]] - created_day_[rows[i - 1]] <= days);
}

}  // namespace civicgrid::analytics
