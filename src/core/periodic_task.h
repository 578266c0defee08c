// A task run on a thread of its own every `interval`, and soon after wake(): the servers'
// background work (the overdue sweep, the cube snapshot, the audit linker, the case-change relay).
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace civicgrid {

class PeriodicTask {
 public:
  struct Options {
    // Run the task once more when stopped, so that work of this process is not left behind.
    bool final_run = false;
    // After a wake(), wait this long before running (lets the waker's transaction commit).
    std::chrono::milliseconds settle{0};
  };

  // Starts the thread; the first run is one interval (or a wake) away.
  PeriodicTask(std::chrono::milliseconds interval, std::function<void()> task, Options options);
  PeriodicTask(std::chrono::milliseconds interval, std::function<void()> task)
      : PeriodicTask(interval, std::move(task), Options{}) {}
  // Stops.
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Runs the task soon instead of at the end of the interval. Cheap; callable from any thread,
  // also after stop() (then it does nothing).
  void wake();
  // Ends the thread (after the final run, if asked for). Idempotent.
  void stop();

 private:
  void run(std::stop_token stop);

  std::chrono::milliseconds interval_;
  std::function<void()> task_;
  Options options_;
  std::mutex mu_;
  std::condition_variable_any cv_;
  bool woken_ = false;
  std::jthread thread_;  // last: started once the members above exist
};

}  // namespace civicgrid
