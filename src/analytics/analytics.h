// Statistics of the case workflow (统计分析): the public interface of the analytics module.
//
// AnalyticsService keeps the in-memory cube (cube.h) current: rebuild() scans every case once at
// start-up, and a CaseService change listener updates one row after each committed case change.
// Queries are answered from the cube only; nothing here reads the cases tables.
//
// Configuration (composite weights per unit type, the weight of basically_satisfied, the 复诉
// window) lives in the store (config_store.h), read at start-up, written by the admin PUT and
// reloaded when another server changed it; without one the defaults apply (30/35/35, 0.8, 30 days).
#pragma once

#include <memory>
#include <mutex>
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

  // Subscribes to case changes (once), reads the configuration and rebuilds the cube from
  // every stored case. Call before
  // serving requests: a change committed while this runs could be overwritten by an older row.
  // Returns the number of cases loaded.
  Result<std::int64_t> load();

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
};

// GET /api/v1/stats/{counts,rates,indicators,league} (staff, scoped) and
// GET/PUT /api/v1/admin/analytics/config (admin).
void register_routes(http::Router& router, AnalyticsService& svc);
// GET /api/v1/stats/{warnings,hotspots,recurring,monthly-topics,capacity,training-needs} (staff,
// scoped; insights_routes.cpp).
void register_insight_routes(http::Router& router, AnalyticsService& svc);

}  // namespace civicgrid::analytics
