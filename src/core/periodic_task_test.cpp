#include "core/periodic_task.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace civicgrid {
namespace {

using namespace std::chrono_literals;

// Counts runs and lets a test wait (up to a generous bound) for the n-th.
struct Runs {
  std::mutex mu;
  std::condition_variable cv;
  int n = 0;
  void add() {
    {
      std::lock_guard lock(mu);
      ++n;
    }
    cv.notify_all();
  }
  bool wait_for_at_least(int want) {
    std::unique_lock lock(mu);
    return cv.wait_for(lock, 30s, [&] { return n >= want; });
  }
  int count() {
    std::lock_guard lock(mu);
    return n;
  }
};

TEST(PeriodicTask, RunsEveryInterval) {
  Runs runs;
  PeriodicTask task(1ms, [&] { runs.add(); });
  EXPECT_TRUE(runs.wait_for_at_least(3));
}

TEST(PeriodicTask, AWakeRunsItBeforeTheIntervalEnds) {
  Runs runs;
  PeriodicTask task(1h, [&] { runs.add(); }, {.settle = 1ms});
  EXPECT_EQ(runs.count(), 0);
  task.wake();
  EXPECT_TRUE(runs.wait_for_at_least(1));
  task.wake();
  EXPECT_TRUE(runs.wait_for_at_least(2));
}

TEST(PeriodicTask, StopRunsOnceMoreOnlyWhenAskedTo) {
  Runs with_final, without;
  {
    PeriodicTask a(1h, [&] { with_final.add(); }, {.final_run = true});
    PeriodicTask b(1h, [&] { without.add(); });
    a.stop();
    b.stop();
    a.stop();  // idempotent: no second final run
    EXPECT_EQ(with_final.count(), 1);
    EXPECT_EQ(without.count(), 0);
    a.wake();  // after stop: nothing runs
  }
  EXPECT_EQ(with_final.count(), 1);
  EXPECT_EQ(without.count(), 0);
}

TEST(PeriodicTask, TheDestructorStopsWithTheFinalRun) {
  Runs runs;
  {
    PeriodicTask task(1h, [&] { runs.add(); }, {.final_run = true});
  }
  EXPECT_EQ(runs.count(), 1);
}

}  // namespace
}  // namespace civicgrid
