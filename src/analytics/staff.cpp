// GET /api/v1/stats/capacity: per-person facts kept from case events, grid loads from the cube.
#include "analytics/staff.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <unordered_map>

#include "analytics/scope_mask.h"

namespace civicgrid::analytics {

using cases::Action;

namespace {
constexpr Action kEvents[] = {Action::kSubmit, Action::kDispatch, Action::kReturn, Action::kHandle,
                              Action::kVerify};
constexpr std::string_view kUserPrefix = "user:";
}  // namespace

std::optional<Post> parse_post(std::string_view s) {
  if (s == "grid_worker") return Post::kGridWorker;
  if (s == "dispatcher") return Post::kDispatcher;
  if (s == "handler") return Post::kHandler;
  return std::nullopt;
}

std::span<const Action> StaffLedger::events() {
  return kEvents;
}

void StaffLedger::clear() {
  std::unique_lock lock(mu_);
  facts_.clear();
  cases_.clear();
}

void StaffLedger::update(const cases::Case& c, std::span<const cases::CaseEvent> events) {
  std::unique_lock lock(mu_);
  // Same guard as the cube: ids are dense, so an id far beyond them is not trusted with memory.
  if (c.id <= 0 || static_cast<size_t>(c.id) > 2 * cases_.size() + (1u << 24)) return;
  const size_t id = static_cast<size_t>(c.id);
  if (id >= cases_.size()) cases_.resize(std::max(id + 1, cases_.size() + cases_.size() / 2));
  CaseState& st = cases_[id];
  std::uint32_t same = 0;  // events at st.last_at seen in this notification
  for (const cases::CaseEvent& e : events) {
    if (std::find(std::begin(kEvents), std::end(kEvents), e.action) == std::end(kEvents)) continue;
    if (e.at < st.last_at) continue;
    if (e.at == st.last_at && ++same <= st.at_last) continue;
    if (e.at == st.last_at) {
      ++st.at_last;
    } else {
      st.last_at = e.at;
      st.at_last = 1;
      same = 1;
    }
    std::uint16_t person = 0;
    if (e.actor.starts_with(kUserPrefix))
      person = people_.intern(e.actor.substr(kUserPrefix.size()));
    const Fact base{static_cast<std::uint32_t>(id), day_code(e.at), person, 0, 0};
    auto push = [&](Kind kind, bool on_time) -> std::int32_t {
      if (person == 0) return -1;
      Fact f = base;
      f.kind = kind;
      f.flags = on_time ? kOnTime : 0;
      facts_.push_back(f);
      return static_cast<std::int32_t>(facts_.size() - 1);
    };
    switch (e.action) {
      case Action::kSubmit:
        if (c.channel == cases::Channel::kPatrol) push(kPatrol, false);
        break;
      case Action::kDispatch:
        st.last_dispatch = push(kDispatch, false);
        break;
      case Action::kReturn:
        if (st.last_dispatch >= 0) facts_[st.last_dispatch].flags |= kUndone;
        st.last_dispatch = -1;
        break;
      case Action::kHandle:
        st.handled_at = e.at;
        st.last_handle = push(kHandle, e.at <= c.deadline_at);
        break;
      case Action::kVerify: {
        const bool ok = e.data.find("\"ok\":false") == std::string::npos;
        if (!ok && st.last_handle >= 0) facts_[st.last_handle].flags |= kUndone;
        const bool on_time = st.handled_at != 0 && calendar_.working_minutes_between(
                                                       st.handled_at, e.at) <= kVerifyWithinMinutes;
        push(kVerify, on_time);
        break;
      }
      default:
        break;
    }
  }
}

CapacityResult StaffLedger::capacity(const Cube& cube, Post post, const Period& p,
                                     const identity::DataScope& scope) const {
  auto cube_lock = cube.lock_shared();
  std::shared_lock lock(mu_);
  const ScopeMask mask(cube, scope);
  auto usable = [&](std::uint32_t row) {
    return row < cube.rows() && cube.status_[row] != kAbsent && mask.visible(cube, row);
  };
  std::map<std::uint16_t, PersonCapacity> people;
  std::unordered_map<std::uint16_t, std::set<std::uint16_t>> grid_workers;
  for (const Fact& f : facts_) {
    if (!p.contains(f.day) || !usable(f.case_id)) continue;
    const bool on_time = f.flags & kOnTime, undone = f.flags & kUndone;
    switch (static_cast<Kind>(f.kind)) {
      case kPatrol:
      case kVerify: {
        if (post != Post::kGridWorker) continue;
        PersonCapacity& pc = people[f.person];
        if (f.kind == kPatrol) {
          ++pc.patrol_reports;
          if (cases::is_open(static_cast<cases::Status>(cube.status_[f.case_id])))
            ++pc.open_reports;
        } else {
          ++pc.verifications;
          pc.verifications_on_time += on_time;
        }
        if (auto g = cube.area_grid_[cube.area_[f.case_id]]) grid_workers[g].insert(f.person);
        break;
      }
      case kDispatch:
        if (post != Post::kDispatcher) continue;
        ++people[f.person].dispatches;
        people[f.person].dispatches_returned += undone;
        break;
      case kHandle: {
        if (post != Post::kHandler) continue;
        PersonCapacity& pc = people[f.person];
        ++pc.handled;
        pc.handled_on_time += on_time;
        pc.handled_reworked += undone;
        break;
      }
    }
  }
  CapacityResult r;
  for (auto& [person, pc] : people) {
    pc.username = people_.code(person);
    r.people.push_back(std::move(pc));
  }
  std::sort(r.people.begin(), r.people.end(),
            [](const auto& a, const auto& b) { return a.username < b.username; });
  if (post != Post::kGridWorker) return r;
  std::unordered_map<std::uint16_t, GridLoad> grids;
  for (size_t row = 1; row < cube.rows(); ++row) {
    if (cube.status_[row] == kAbsent || !p.contains(cube.created_day_[row]) ||
        !mask.visible(cube, row))
      continue;
    const std::uint16_t g = cube.area_grid_[cube.area_[row]];
    if (g == 0) continue;
    GridLoad& load = grids[g];
    ++load.cases;
    const bool patrol = cube.channel_[row] == static_cast<std::uint8_t>(cases::Channel::kPatrol);
    ++(patrol ? load.patrol_found : load.from_elsewhere);
    if (cube.status_[row] == static_cast<std::uint8_t>(cases::Status::kHandled))
      ++load.awaiting_verification;
  }
  for (auto& [g, load] : grids) {
    load.grid = cube.areas_.code(g);
    if (auto it = grid_workers.find(g); it != grid_workers.end())
      load.workers = static_cast<std::int64_t>(it->second.size());
    r.grids.push_back(std::move(load));
  }
  std::sort(r.grids.begin(), r.grids.end(), [](const GridLoad& a, const GridLoad& b) {
    return a.cases != b.cases ? a.cases > b.cases : a.grid < b.grid;
  });
  return r;
}

}  // namespace civicgrid::analytics
