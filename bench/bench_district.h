// The demo district the scale benchmarks generate their cases from: a store in `data` holding the
// demo units and category tree, and the message texts for the generated appeals.
#pragma once

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "app/app.h"
#include "app/demo_district.h"
#include "core/time.h"
#include "demo/synthetic.h"

namespace civicgrid::bench {

struct BenchDistrict {
  SystemClock clock;  // the App keeps a reference
  std::unique_ptr<app::App> app;
  std::shared_ptr<const identity::OrgTree> tree;
  std::shared_ptr<const cases::Catalog> catalog;
  std::vector<demo::Message> messages;
  std::int64_t to_day = 0;  // the generated "today": histories end on 2026-10-01
};

// Null after printing why, when the store or the demo files cannot be read.
inline std::unique_ptr<BenchDistrict> open_bench_district(const std::string& data) {
  auto d = std::make_unique<BenchDistrict>();
  auto app = app::App::open({.data_dir = data}, d->clock);
  if (!app) {
    std::cerr << "cannot open " << data << ": " << app.error().message_en() << "\n";
    return nullptr;
  }
  d->app = std::move(*app);
  const std::string dir = app::find_shipped_dir("data/demo");
  if (!app::load_demo_units(*d->app, dir) || !app::load_demo_catalog(*d->app, dir)) {
    std::cerr << "cannot load the demo district from " << dir << "\n";
    return nullptr;
  }
  d->tree = d->app->identity().org_tree();
  d->catalog = d->app->cases().catalog();
  auto messages = demo::load_messages(dir + "/messages.csv");
  if (!messages) {
    std::cerr << "cannot read " << dir << "/messages.csv\n";
    return nullptr;
  }
  d->messages = std::move(*messages);
  d->to_day = *parse_iso_date("2026-10-01");
  return d;
}

}  // namespace civicgrid::bench
