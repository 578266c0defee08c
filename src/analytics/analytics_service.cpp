#include <spdlog/spdlog.h>
#include <algorithm>
#include <boost/json.hpp>
#include <chrono>

#include "analytics/analytics.h"
#include "analytics/cube_snapshot.h"

namespace civicgrid::analytics {

namespace json = boost::json;

namespace {
// Events whose facts the cube keeps that the case row does not hold (contacted, extended).
constexpr cases::Action kFactEvents[] = {cases::Action::kDispatch, cases::Action::kAccept,
                                         cases::Action::kApproveExtension};
}  // namespace

AnalyticsService::AnalyticsService(cases::CaseService& cases,
                                   std::unique_ptr<ConfigStore> config_store)
    : cases_(cases),
      config_store_(std::move(config_store)),
      cube_(cases.calendar()),
      staff_(cases.calendar()) {}

Result<std::int64_t> AnalyticsService::load() {
  if (auto ok = reload_config(); !ok) return fail(ok.error());
  // Subscribed here rather than at construction: CLI commands (an import of millions of cases)
  // open the same services and have no use for a cube.
  if (!subscribed_) {
    cases_.on_change([this](const cases::Case& c, std::span<const cases::CaseEvent> events) {
      cube_.set_reference(cases_.org_tree(), cases_.catalog());
      cube_.update(c, events);
      changes_.fetch_add(1, std::memory_order_relaxed);
    });
    cases_.on_change([this](const cases::Case& c, std::span<const cases::CaseEvent> events) {
      staff_.update(c, events);
    });
    subscribed_ = true;
  }
  // One scan feeds both: the cube ignores the events only the staff ledger needs.
  std::vector<cases::Action> scan_events(std::begin(kFactEvents), std::end(kFactEvents));
  for (cases::Action a : StaffLedger::events())
    if (std::find(scan_events.begin(), scan_events.end(), a) == scan_events.end())
      scan_events.push_back(a);
  if (!snapshot_path_.empty()) {
    auto n = load_snapshot(scan_events);
    if (n) return n;
    spdlog::warn("analytics: full rebuild of the cube: {}", n.error().message_en());
    std::lock_guard lock(load_mu_);
    last_load_ = "full: " + n.error().message_en();
  } else {
    std::lock_guard lock(load_mu_);
    last_load_ = "full: no snapshot configured";
  }
  return rebuild(scan_events);
}

Result<std::int64_t> AnalyticsService::rebuild(std::span<const cases::Action> events) {
  const auto start = std::chrono::steady_clock::now();
  cube_.clear();
  cube_.set_repeat_days(config().repeat_days);
  cube_.set_reference(cases_.org_tree(), cases_.catalog());
  staff_.clear();
  auto n = cases_.scan(events, [this](const cases::Case& c, std::span<const cases::CaseEvent> ev) {
    cube_.update(c, ev);
    staff_.update(c, ev);
  });
  if (!n) return fail(n.error());
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info(
      "analytics: cube rebuilt from {} cases in {:.3f} s ({} bytes of columns, {} per case)", *n,
      secs, cube_.memory_bytes(), Cube::bytes_per_case());
  spdlog::info("analytics: staff ledger holds {} facts", staff_.facts());
  return *n;
}

Result<std::int64_t> AnalyticsService::load_snapshot(std::span<const cases::Action> events) {
  const auto start = std::chrono::steady_clock::now();
  cube_.clear();
  cube_.set_repeat_days(config().repeat_days);
  cube_.set_reference(cases_.org_tree(), cases_.catalog());
  auto w = CubeSnapshot::load(snapshot_path_, cube_, staff_);
  if (!w) return fail(w.error());
  // The cursor is a time of this server's clock: if that clock now reads earlier than when the
  // file was written (set back, or a test clock), changes made since may sit before the cursor.
  if (const Timestamp now = cases_.clock().now(); w->written_at > now)
    return fail(Error::unavailable("统计快照不可用：时钟回拨",
                                   "cube snapshot unusable: written at " +
                                       format_rfc3339(w->written_at) + ", after now (" +
                                       format_rfc3339(now) + "): the clock went back"));
  const double loaded_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Counted before the catch-up: every case stored now must be in the cube after it.
  auto stored = cases_.count();
  if (!stored) return fail(stored.error());
  auto n = cases_.scan_changed(w->max_id, w->changed_since, events,
                               [this](const cases::Case& c, std::span<const cases::CaseEvent> ev) {
                                 cube_.update(c, ev);
                                 staff_.update(c, ev);
                               });
  if (!n) return fail(n.error());
  const auto in_cube = static_cast<std::int64_t>(cube_.cases());
  if (in_cube < *stored)
    return fail(Error::unavailable(
        "统计快照不可用：存储中的案件多于快照与补读之和",
        "cube snapshot unusable: the store holds " + std::to_string(*stored) +
            " cases, the snapshot and the catch-up only " + std::to_string(in_cube) +
            " (cases written beside the change cursor)"));
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  spdlog::info(
      "analytics: cube loaded from {} in {:.3f} s ({} cases; file {:.3f} s, derived structures "
      "{:.3f} s on {} thread(s): order {:.3f}, indexes {:.3f}, rollups {:.3f} + {:.3f}, merge "
      "{:.3f}, 复诉 fixes {:.3f}) and caught up with {} cases changed since {} in {:.3f} s",
      snapshot_path_, loaded_s, in_cube, w->read_s, w->derive_s, w->derive.threads,
      w->derive.order_s, w->derive.indexes_s, w->derive.rollups_s, w->derive.rollups2_s,
      w->derive.merge_s, w->derive.repeat_fix_s, *n, format_rfc3339(w->changed_since),
      secs - loaded_s);
  {
    std::lock_guard lock(load_mu_);
    last_load_ = "snapshot";
  }
  // Unchanged since the file was written: no need to write it again until something changes.
  if (*n == 0) {
    std::lock_guard lock(snapshot_mu_);
    saved_changes_ = changes_.load(std::memory_order_relaxed);
  }
  return in_cube;
}

void AnalyticsService::set_snapshot(std::string path, Timestamp margin) {
  snapshot_path_ = std::move(path);
  snapshot_margin_ = margin;
}

std::string AnalyticsService::last_load() const {
  std::lock_guard lock(load_mu_);
  return last_load_;
}

Result<bool> AnalyticsService::save_snapshot(bool force) {
  if (snapshot_path_.empty()) return false;
  std::lock_guard lock(snapshot_mu_);
  const std::uint64_t changes = changes_.load(std::memory_order_relaxed);
  if (!force && changes == saved_changes_) return false;
  // The watermark is read before the copy: a change applied during or after it is newer.
  const Timestamp now = cases_.clock().now();
  const auto t0 = std::chrono::steady_clock::now();
  double locked_s = 0;
  const std::string image =
      CubeSnapshot::capture(cube_, staff_, now - snapshot_margin_, now, &locked_s);
  const auto t1 = std::chrono::steady_clock::now();
  if (auto r = CubeSnapshot::write_file(snapshot_path_, image); !r) return fail(r.error());
  const auto t2 = std::chrono::steady_clock::now();
  saved_changes_ = changes;
  spdlog::info(
      "analytics: cube snapshot written to {}: {} bytes, copied in {:.3f} s (locks held {:.3f} s), "
      "written in {:.3f} s",
      snapshot_path_, image.size(), std::chrono::duration<double>(t1 - t0).count(), locked_s,
      std::chrono::duration<double>(t2 - t1).count());
  return true;
}

RateConfig AnalyticsService::config() const {
  std::lock_guard lock(config_mu_);
  return config_;
}

Result<void> AnalyticsService::reload_config() {
  if (!config_store_) return {};
  auto c = config_store_->load();
  if (!c) return fail(c.error());
  std::lock_guard lock(config_mu_);
  config_ = *c;
  // The cube's 复诉 flags (and the rollups' sums of them) follow the configured window.
  cube_.set_repeat_days(c->repeat_days);
  return {};
}

Result<void> AnalyticsService::put_config(const RateConfig& config, const audit::Entry& entry) {
  std::lock_guard lock(config_mu_);
  if (config_store_)
    if (auto ok = config_store_->save(config, entry); !ok) return fail(ok.error());
  config_ = config;
  cube_.set_repeat_days(config.repeat_days);
  return {};
}

}  // namespace civicgrid::analytics
