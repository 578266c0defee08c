// Rebuilding the cube's derived structures from its columns in bulk (after a snapshot load),
// instead of feeding every row through update(): the rows are sorted by created day once, the day
// index is cut from that order, the 复诉 groups are filled in that order (each row's flag decided
// as it joins the end of its group), and the rollups are added row by row in the same order — on
// two threads, each taking half of the days, their tables merged after.
//
// The rollups need the 复诉 flags, which the indexes compute: they are first added with the flags
// the columns hold (a snapshot stores them as the cube kept them), and afterwards every row whose
// stored flag the rebuilt index contradicts (none, unless repeat_days changed since or the column
// was wrong) is corrected through set_repeated(), as update() corrects a successor. The tables end
// up with the same keys in the same order as update() of every row in that order would give.
#include <algorithm>
#include <chrono>
#include <future>

#include "analytics/cube.h"

namespace civicgrid::analytics {

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

Cube::DeriveTimes Cube::rebuild_derived(int threads) {
  DeriveTimes times;
  times.threads = threads >= 2 ? 2 : 1;
  auto start = std::chrono::steady_clock::now();
  rollups_.clear();
  repeat_groups_.clear();
  rows_by_day_.clear();

  // Rows in (created day, id) order by a counting sort; day_start[d] is where day d begins.
  std::vector<std::uint32_t> day_start(0x10001, 0);
  for (size_t row = 0; row < rows(); ++row)
    if (status_[row] != kAbsent) ++day_start[created_day_[row] + 1];
  for (size_t d = 1; d < day_start.size(); ++d) day_start[d] += day_start[d - 1];
  std::vector<std::uint32_t> order(day_start.back());
  {
    std::vector<std::uint32_t> next(day_start.begin(), day_start.end() - 1);
    for (size_t row = 0; row < rows(); ++row)
      if (status_[row] != kAbsent)
        order[next[created_day_[row]]++] = static_cast<std::uint32_t>(row);
  }
  cases_ = order.size();
  min_created_day_ = order.empty() ? 0xFFFF : created_day_[order.front()];
  max_created_day_ = order.empty() ? 0 : created_day_[order.back()];
  times.order_s = seconds_since(start);

  // The day index and the 复诉 index; returns the rows whose stored flag is wrong.
  auto build_indexes = [&]() {
    const auto t = std::chrono::steady_clock::now();
    if (!order.empty()) {
      rows_by_day_.resize(max_created_day_ + 1);
      for (size_t d = min_created_day_; d <= max_created_day_; ++d)
        if (day_start[d + 1] > day_start[d])
          rows_by_day_[d].assign(order.begin() + day_start[d], order.begin() + day_start[d + 1]);
    }
    // Groups numbered in order of appearance (a one-period table as the map), sized exactly.
    PeriodTable<std::uint32_t> number;
    std::vector<std::uint32_t> keys, sizes;
    std::vector<std::uint32_t> wrong;
    for (const std::uint32_t row : order) {
      const std::uint32_t group = repeat_group(row);
      if (group == 0) {
        if (flags_[row] & kRepeated) wrong.push_back(row);
        continue;
      }
      std::uint32_t& n = number.at(0, group);
      if (n == 0) {
        keys.push_back(group);
        sizes.push_back(0);
        n = static_cast<std::uint32_t>(keys.size());
      }
      ++sizes[n - 1];
    }
    std::vector<std::vector<std::uint32_t>> groups(keys.size());
    for (size_t i = 0; i < groups.size(); ++i) groups[i].reserve(sizes[i]);
    // In (day, id) order each row joins the end of its group, and repeats its predecessor there
    // when it came within the window: the rule repeat_insert applies to a row joining the end.
    // Deciding it here, in day order, reads the columns where the rows lie close together; walking
    // each group afterwards would read them all over the columns.
    const auto window = static_cast<std::uint32_t>(repeat_days_);
    std::vector<std::uint32_t> last_day(keys.size());
    for (const std::uint32_t row : order) {
      const std::uint32_t group = repeat_group(row);
      if (group == 0) continue;
      const std::uint32_t n = number.at(0, group) - 1, day = created_day_[row];
      const bool repeated = !groups[n].empty() && day - last_day[n] <= window;
      if (repeated != ((flags_[row] & kRepeated) != 0)) wrong.push_back(row);
      groups[n].push_back(row);
      last_day[n] = day;
    }
    repeat_groups_.reserve(keys.size());
    for (size_t i = 0; i < keys.size(); ++i) repeat_groups_.emplace(keys[i], std::move(groups[i]));
    times.indexes_s = seconds_since(t);
    return wrong;
  };
  // The rollups of order[from, to) into `target`.
  auto build_rollups = [&](Rollups& target, size_t from, size_t to, double& seconds) {
    const auto t = std::chrono::steady_clock::now();
    for (size_t i = from; i < to; ++i) add_rollup(target, order[i], +1);
    seconds = seconds_since(t);
  };

  // The parts touch disjoint members and only read the columns (flags included) until all are
  // done. On two threads the rollups are split at a month's first day near the middle, so that
  // the day and month tables of the two halves share no period and merging them mostly moves
  // whole periods; the merge keeps every table's keys in the order one thread would give.
  std::vector<std::uint32_t> wrong;
  if (times.threads == 2 && order.size() >= 2) {
    const std::uint32_t middle_month = rollup_month(created_day_[order[order.size() / 2]]);
    size_t split = day_start[std::min<std::uint32_t>(month_first_day(middle_month), 0x10000)];
    if (split == 0 || split == order.size()) split = order.size() / 2;
    Rollups later;
    auto second = std::async(std::launch::async, [&] {
      auto w = build_indexes();
      build_rollups(later, split, order.size(), times.rollups2_s);
      return w;
    });
    build_rollups(rollups_, 0, split, times.rollups_s);
    wrong = second.get();
    const auto t = std::chrono::steady_clock::now();
    rollups_.merge(std::move(later));
    times.merge_s = seconds_since(t);
  } else {
    times.threads = 1;
    wrong = build_indexes();
    build_rollups(rollups_, 0, order.size(), times.rollups_s);
  }
  start = std::chrono::steady_clock::now();
  for (const std::uint32_t row : wrong) set_repeated(row, (flags_[row] & kRepeated) == 0);
  times.repeat_fix_s = seconds_since(start);
  return times;
}

}  // namespace civicgrid::analytics
