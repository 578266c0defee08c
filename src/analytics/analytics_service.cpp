#include <spdlog/spdlog.h>
#include <boost/json.hpp>
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analytics/analytics.h"

namespace civicgrid::analytics {

namespace json = boost::json;

namespace {
// Events whose facts the cube keeps that the case row does not hold (contacted, extended).
constexpr cases::Action kFactEvents[] = {cases::Action::kDispatch, cases::Action::kAccept,
                                         cases::Action::kApproveExtension};
}  // namespace

AnalyticsService::AnalyticsService(cases::CaseService& cases, std::string config_file)
    : cases_(cases),
      config_file_(std::move(config_file)),
      cube_(cases.calendar()),
      staff_(cases.calendar()) {}

Result<std::int64_t> AnalyticsService::load() {
  if (!config_file_.empty() && std::filesystem::exists(config_file_)) {
    std::ifstream in(config_file_);
    std::stringstream ss;
    ss << in.rdbuf();
    boost::system::error_code ec;
    json::value v = json::parse(ss.str(), ec);
    if (ec || !v.is_object())
      return fail(Error::invalid("config", "统计配置文件无效：" + config_file_,
                                 "invalid analytics config " + config_file_));
    auto c = parse_config(v.as_object());
    if (!c) return fail(c.error());
    std::lock_guard lock(config_mu_);
    config_ = *c;
  }
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

Result<void> AnalyticsService::put_config(const RateConfig& config) {
  std::lock_guard lock(config_mu_);
  if (!config_file_.empty()) {
    const std::string tmp = config_file_ + ".tmp";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << json::serialize(config_json(config));
      if (!out)
        return fail(Error::unavailable("无法保存统计配置", "cannot write the analytics config"));
    }
    std::error_code ec;
    std::filesystem::rename(tmp, config_file_, ec);
    if (ec)
      return fail(Error::unavailable("无法保存统计配置", "cannot write the analytics config"));
  }
  config_ = config;
  // The cube's 复诉 flags (and the rollups' sums of them) follow the configured window.
  cube_.set_repeat_days(config.repeat_days);
  return {};
}

}  // namespace civicgrid::analytics
