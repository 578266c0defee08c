// Pre-aggregates of the cube, kept next to its per-case columns and updated with them: when a
// case's row changes, its old contribution is subtracted and its new one added, so a query over a
// period reads a few thousand aggregates instead of millions of rows.
//
// Every table is split by period (a month, or for deadlines also a day), and within a period keyed
// by a packed combination of codes (leaf category, area, department, status, channel, type). A
// query over [from, to) reads the month tables for the whole months inside the period, and for the
// days at its edges the rows created on those days (Cube::rows_by_day_), see for_each_period.
// Entries are never removed (a count may go back to 0); readers skip zeros. Memory is per
// distinct key, not per case (Cube::rollup_memory_bytes()).
//
// Read under the cube's shared lock; written only by Cube under its exclusive lock.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace civicgrid::analytics {

// Packed key: category (16 bits) | area (16) | department (16) | status (8) | channel (4) | type
// (4).
inline constexpr std::uint64_t rollup_key(std::uint32_t category, std::uint32_t area,
                                          std::uint32_t department, std::uint32_t status,
                                          std::uint32_t channel, std::uint32_t type) {
  return (std::uint64_t{category} << 48) | (std::uint64_t{area} << 32) |
         (std::uint64_t{department} << 16) | (std::uint64_t{status & 0xFF} << 8) |
         ((channel & 0xF) << 4) | (type & 0xF);
}
inline constexpr std::uint32_t key_category(std::uint64_t k) {
  return (k >> 48) & 0xFFFF;
}
inline constexpr std::uint32_t key_area(std::uint64_t k) {
  return (k >> 32) & 0xFFFF;
}
inline constexpr std::uint32_t key_department(std::uint64_t k) {
  return (k >> 16) & 0xFFFF;
}
inline constexpr std::uint32_t key_status(std::uint64_t k) {
  return (k >> 8) & 0xFF;
}
inline constexpr std::uint32_t key_channel(std::uint64_t k) {
  return (k >> 4) & 0xF;
}
inline constexpr std::uint32_t key_type(std::uint64_t k) {
  return k & 0xF;
}

// Sums per (created period, area, department) behind rates, indicators and the league.
enum UnitField {
  kSumCases,
  kSumDispatched,
  kSumResponded,
  kSumReturned,
  kSumEvaluated,
  kSumResolved,
  kSumSatisfied,
  kSumBasically,
  kSumRegistered,
  kSumReworked,
  kSumExtended,
  kSumRepeated,
  kSumOverdueFlaggedOpen,  // registered, open and flagged overdue
  kSumClosed,
  kSumOverdue,  // registered and flagged overdue (open or not)
  kUnitFields
};
struct UnitSums {
  std::array<std::uint32_t, kUnitFields> n{};
  std::uint64_t close_minutes = 0;
};
// Sums per (deadline period, area, department) for 应结案数 and 按期结案率 (registered cases).
struct DueSums {
  std::uint32_t due = 0, closed = 0, closed_on_time = 0;
};

// Values of type V by (period, part, packed key). Periods are small integers (days since 1970, or
// month codes year * 12 + month - 1) indexing a vector of periods; within a period, entries are
// split into parts (a table split by area passes the key's area code, so a query on one street,
// community or grid reads only the parts of its areas; the others pass 0), each a small
// open-addressing table.
template <class V>
class PeriodTable {
 public:
  V& at(std::uint32_t period, std::uint64_t key, std::uint32_t part = 0) {
    if (period >= periods_.size()) periods_.resize(period + 1);
    auto& parts = periods_[period];
    if (part >= parts.size()) parts.resize(part + 1);
    return parts[part].at(key);
  }
  // f(key, value) for every entry of the period (zeros included).
  template <class F>
  void for_each(std::uint32_t period, F&& f) const {
    if (period >= periods_.size()) return;
    for (const Bucket& b : periods_[period])
      for (size_t i = 0; i < b.keys.size(); ++i) f(b.keys[i], b.values[i]);
  }
  // The same for one part of the period.
  template <class F>
  void for_each_part(std::uint32_t period, std::uint32_t part, F&& f) const {
    if (period >= periods_.size() || part >= periods_[period].size()) return;
    const Bucket& b = periods_[period][part];
    for (size_t i = 0; i < b.keys.size(); ++i) f(b.keys[i], b.values[i]);
  }
  std::uint32_t periods() const { return static_cast<std::uint32_t>(periods_.size()); }
  size_t entries() const {
    size_t n = 0;
    for (const auto& parts : periods_)
      for (const auto& b : parts) n += b.keys.size();
    return n;
  }
  size_t memory_bytes() const {
    size_t n = periods_.capacity() * sizeof(periods_[0]);
    for (const auto& parts : periods_) {
      n += parts.capacity() * sizeof(Bucket);
      for (const auto& b : parts)
        n += b.keys.capacity() * 8 + b.values.capacity() * sizeof(V) + b.slots.capacity() * 4;
    }
    return n;
  }
  void clear() { periods_.clear(); }
  // Adds `other`'s entries to this table and empties it: add(mine, theirs) where both hold a key,
  // the other keys appended in other's order (as if other's rows had been added after this
  // table's); a part of a period only `other` holds is moved over whole.
  template <class Add>
  void merge(PeriodTable&& other, Add&& add) {
    if (other.periods_.size() > periods_.size()) periods_.resize(other.periods_.size());
    for (size_t p = 0; p < other.periods_.size(); ++p) {
      auto& mine = periods_[p];
      auto& theirs = other.periods_[p];
      if (theirs.size() > mine.size()) mine.resize(theirs.size());
      for (size_t q = 0; q < theirs.size(); ++q) {
        Bucket& from = theirs[q];
        if (mine[q].keys.empty()) {
          mine[q] = std::move(from);
          continue;
        }
        for (size_t i = 0; i < from.keys.size(); ++i) add(mine[q].at(from.keys[i]), from.values[i]);
      }
    }
    other.clear();
  }

 private:
  struct Bucket {
    std::vector<std::uint64_t> keys;
    std::vector<V> values;
    std::vector<std::uint32_t> slots;  // entry index + 1; 0 = empty; size a power of two

    static size_t hash(std::uint64_t k) {
      k ^= k >> 29;
      k *= 0xBF58476D1CE4E5B9ull;
      k ^= k >> 32;
      return static_cast<size_t>(k);
    }
    V& at(std::uint64_t key) {
      // At most 3/4 full: the slots cost 5.3–10.7 bytes an entry (reads iterate `keys`, so a
      // fuller table slows only updates).
      if ((keys.size() + 1) * 4 > slots.size() * 3) grow();
      const size_t mask = slots.size() - 1;
      for (size_t s = hash(key) & mask;; s = (s + 1) & mask) {
        if (slots[s] == 0) {
          keys.push_back(key);
          values.emplace_back();
          slots[s] = static_cast<std::uint32_t>(keys.size());
          return values.back();
        }
        if (keys[slots[s] - 1] == key) return values[slots[s] - 1];
      }
    }
    void grow() {
      slots.assign(slots.empty() ? 8 : slots.size() * 2, 0);
      const size_t mask = slots.size() - 1;
      for (size_t i = 0; i < keys.size(); ++i) {
        size_t s = hash(keys[i]) & mask;
        while (slots[s] != 0) s = (s + 1) & mask;
        slots[s] = static_cast<std::uint32_t>(i + 1);
      }
    }
  };
  std::vector<std::vector<Bucket>> periods_;  // by period, then by part
};

// The cube's pre-aggregates.
struct Rollups {
  // Cases by created month and year and (leaf category, area, department): counts by category and
  // place. Split by area (the part is the key's area code), so a street's query reads only its
  // own areas' entries. places_all holds every created day in period 0: a query over all time
  // reads each key once instead of once per year.
  PeriodTable<std::uint32_t> places_month, places_year, places_all;
  // Cases by created month and year and (area, department, status, channel, type).
  PeriodTable<std::uint32_t> attrs_month, attrs_year;
  // Cases by created day and month and (level-2 category, area, department), and by created day and
  // (area, department, status): the cockpit's counts by level-1 or level-2 category and by status,
  // and the volume warnings, over any range of days. Their keys are coarse enough that a day has at
  // most a few thousand of them whatever the number of cases (the leaf-category key is not: it is
  // kept by month and year only). The category field holds the level-2 ancestor (a level-1 leaf:
  // itself), whose own ancestors (Cube::category_levels_) are the case's levels 1 and 2.
  PeriodTable<std::uint32_t> category2_day, category2_month, status_day;
  // The same by created month with the level-1 ancestor: a month of level-2 keys is too many to
  // read for level-1 counts over years (q1, category × month).
  PeriodTable<std::uint32_t> category1_month;
  // Cases flagged overdue by deadline day and (area, department): the overdue warnings.
  PeriodTable<std::uint32_t> overdue_by_deadline;
  // Unit sums by created day and month and (area, department): a day has at most areas ×
  // departments entries, so unlike the counts above the day table stays small.
  PeriodTable<UnitSums> units_day, units_month;
  // Unit sums by created year and (leaf category, area, department): how hard each category's
  // cases of a year were to settle (每月一题 candidates).
  PeriodTable<UnitSums> category_units_year;
  // Due sums by deadline period and (area, department).
  PeriodTable<DueSums> due_day, due_month;
  // Registered open cases not flagged overdue with a deadline, by created day and (deadline day in
  // the category field, area, department): whether they are overdue depends on the query's today.
  PeriodTable<std::uint32_t> open_by_deadline;

 private:
  // Defined before counts(), which deduces its type from it.
  template <class Self>
  static auto count_tables(Self& r) {
    return std::array{&r.places_month,     &r.places_year,        &r.places_all,
                      &r.attrs_month,      &r.attrs_year,         &r.category2_day,
                      &r.category2_month,  &r.category1_month,    &r.status_day,
                      &r.open_by_deadline, &r.overdue_by_deadline};
  }

 public:
  // The count tables (value: cases): memory figures, clearing and merging go through this list.
  auto counts() const { return count_tables(*this); }
  auto counts() { return count_tables(*this); }
  size_t memory_bytes() const;
  size_t entries() const;
  void clear();
  // Adds `other` (the rollups of rows that come after this one's) and empties it.
  void merge(Rollups&& other);
};

// Month code (year * 12 + month - 1) of a day since 1970, and the first day of a month code.
std::uint32_t rollup_month(std::uint32_t day);
std::uint32_t month_first_day(std::uint32_t month);
// The first day of a calendar year (year tables are indexed by the year, e.g. 2026).
inline std::uint32_t year_first_day(std::uint32_t year) {
  return month_first_day(year * 12);
}

// The coarsest periods a query may read: days only (a day or week dimension, a filter on time),
// whole months (a month dimension), or whole years.
enum class Grain { kDays, kMonths, kYears };

// Splits the days [lo, hi) into whole years (year(y), when grain allows), whole months
// (month(code), likewise) and the remaining days (day(d)), in order.
template <class DayF, class MonthF, class YearF>
void for_each_period(std::uint32_t lo, std::uint32_t hi, Grain grain, DayF&& day, MonthF&& month,
                     YearF&& year) {
  for (std::uint32_t d = lo; d < hi;) {
    if (grain != Grain::kDays) {
      const std::uint32_t m = rollup_month(d);
      if (grain == Grain::kYears && m % 12 == 0 && month_first_day(m) == d &&
          year_first_day(m / 12 + 1) <= hi) {
        year(m / 12);
        d = year_first_day(m / 12 + 1);
        continue;
      }
      const std::uint32_t next = month_first_day(m + 1);
      if (month_first_day(m) == d && next <= hi) {
        month(m);
        d = next;
        continue;
      }
    }
    day(d);
    ++d;
  }
}

// The same without years: whole months when `months`, else every day on its own.
template <class DayF, class MonthF>
void for_each_period(std::uint32_t lo, std::uint32_t hi, bool months, DayF&& day, MonthF&& month) {
  for_each_period(lo, hi, months ? Grain::kMonths : Grain::kDays, day, month, [](std::uint32_t) {});
}

}  // namespace civicgrid::analytics
