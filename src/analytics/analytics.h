// Statistics of the case workflow (统计分析): the public interface of the analytics module.
//
// AnalyticsService keeps the in-memory cube (cube.h) current: load() fills it at start-up from the
// cube snapshot plus the cases changed since (cube_snapshot.h), or by scanning every case once, and
// a CaseService change listener updates one row after each committed case change.
// Queries are answered from the cube only; nothing here reads the cases tables.
//
// Configuration (composite weights per unit type, the weight of basically_satisfied, the 复诉
// window) lives in the store (config_store.h), read at start-up, written by the admin PUT and
// reloaded when another server changed it; without one the defaults apply (30/35/35, 0.8, 30 days).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <span>
#include <string>

#include "analytics/config_store.h"
#include "analytics/cube.h"
#include "analytics/query.h"
#include "analytics/staff.h"
#include "cases/cases.h"
#include "core/error.h"
#include "http/router.h"

namespace civicgrid::analytics {

class AnalyticsService {
 public:
  // `config_store` may be null (configuration not persisted).
  AnalyticsService(cases::CaseService& cases, std::unique_ptr<ConfigStore> config_store);

  // Subscribes to case changes (once), reads the configuration and fills the cube and the
  // staff ledger: from the snapshot file when one is set and usable (then only the cases changed
  // since its watermark are read from the store), else — with the reason logged — from every
  // stored case. Call before serving requests. Returns the number of cases in the cube.
  Result<std::int64_t> load();

  // The cube snapshot (cube_snapshot.h; ADR 20): its file ("" = none), and how far before the
  // snapshot's time the start-up catch-up re-reads updated cases (it covers changes committed but
  // not yet applied when the snapshot was taken, and clock differences between writers).
  void set_snapshot(std::string path, Timestamp margin = 15 * 60 * 1000);
  // Writes the snapshot when the cube changed since the last one (or always with `force`); the
  // cube is copied under its shared lock, then written without holding any lock. Returns false
  // when there was nothing to write. Safe to call from any thread, one write at a time.
  Result<bool> save_snapshot(bool force = false);
  // What the last load did: "snapshot" or "full", and when full, why.
  std::string last_load() const;

  const Cube& cube() const { return cube_; }
  // Per-person facts for the capacity indicators, kept current like the cube.
  const StaffLedger& staff() const { return staff_; }
  cases::CaseService& cases() { return cases_; }
  RateConfig config() const;
  // Stores the configuration with its audit entry (one transaction), then applies it.
  Result<void> put_config(const RateConfig& config, const audit::Entry& entry);
  // Reads the stored configuration again (another server changed it) and applies it.
  Result<void> reload_config();

 private:
  cases::CaseService& cases_;
  std::unique_ptr<ConfigStore> config_store_;
  Cube cube_;
  StaffLedger staff_;
  mutable std::mutex config_mu_;
  RateConfig config_;
  bool subscribed_ = false;
  // Full rebuild; and loading the snapshot plus the catch-up (an error says why it is unusable).
  Result<std::int64_t> rebuild(std::span<const cases::Action> events);
  Result<std::int64_t> load_snapshot(std::span<const cases::Action> events);

  std::string snapshot_path_;
  Timestamp snapshot_margin_ = 0;
  std::mutex snapshot_mu_;                 // one snapshot write at a time
  std::atomic<std::uint64_t> changes_{0};  // case changes applied since start
  std::uint64_t saved_changes_ = ~0ull;    // changes_ at the last snapshot (~0: never)
  mutable std::mutex load_mu_;
  std::string last_load_;
};

// GET /api/v1/stats/{counts,rates,indicators,league} (staff, scoped) and
// GET/PUT /api/v1/admin/analytics/config (admin).
void register_routes(http::Router& router, AnalyticsService& svc);
// GET /api/v1/stats/{warnings,hotspots,recurring,monthly-topics,capacity,training-needs} (staff,
// scoped; insights_routes.cpp).
void register_insight_routes(http::Router& router, AnalyticsService& svc);

}  // namespace civicgrid::analytics
