#include "core/periodic_task.h"

namespace civicgrid {

PeriodicTask::PeriodicTask(std::chrono::milliseconds interval, std::function<void()> task,
                           Options options)
    : interval_(interval),
      task_(std::move(task)),
      options_(options),
      thread_([this](std::stop_token stop) { run(stop); }) {}

PeriodicTask::~PeriodicTask() {
  stop();
}

void PeriodicTask::wake() {
  {
    std::lock_guard lock(mu_);
    if (woken_) return;
    woken_ = true;
  }
  cv_.notify_one();
}

void PeriodicTask::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

void PeriodicTask::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    bool woken = false;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, stop, interval_, [&] { return woken_; });
      woken = woken_;
      woken_ = false;
    }
    if (stop.stop_requested()) break;
    if (woken && options_.settle.count() > 0) std::this_thread::sleep_for(options_.settle);
    task_();
  }
  if (options_.final_run) task_();
}

}  // namespace civicgrid
