#include <spdlog/spdlog.h>
#include <boost/json.hpp>
#include <algorithm>
#include <chrono>

#include "analytics/analytics.h"

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
    });
    cases_.on_change([this](const cases::Case& c, std::span<const cases::CaseEvent> events) {
      staff_.update(c, events);
    });
    subscribed_ = true;
  }
  const auto start = std::chrono::steady_clock::now();
  cube_.clear();
  cube_.set_repeat_days(config().repeat_days);
  cube_.set_reference(cases_.org_tree(), cases_.catalog());
  staff_.clear();
  // One scan feeds both: the cube ignores the events only the staff ledger needs.
  std::vector<cases::Action> scan_events(std::begin(kFactEvents), std::end(kFactEvents));
  for (cases::Action a : StaffLedger::events())
    if (std::find(scan_events.begin(), scan_events.end(), a) == scan_events.end())
      scan_events.push_back(a);
  auto n =
      cases_.scan(scan_events, [this](const cases::Case& c, std::span<const cases::CaseEvent> ev) {
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
