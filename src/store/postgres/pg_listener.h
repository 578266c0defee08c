// LISTEN on one PostgreSQL channel from a thread of its own, for processes that keep in-memory
// state derived from the store and must follow changes committed by other processes.
//
// Each notification's payload is handed to `on_notify` on the listener thread, in the order the
// server delivered them. When the connection is lost the listener reconnects (every second until
// it succeeds) and then calls `on_notify("*")`: notifications sent meanwhile are lost, so the
// receiver must resynchronise everything.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace civicgrid::store::postgres {

class PgListener {
 public:
  PgListener(std::string url, std::string channel,
             std::function<void(const std::string&)> on_notify);
  // Stops the thread.
  ~PgListener();
  PgListener(const PgListener&) = delete;
  PgListener& operator=(const PgListener&) = delete;

  // Waits (up to `timeout_ms`) until the first LISTEN is in place; false on timeout.
  bool wait_listening(int timeout_ms) const;

 private:
  void run();

  std::string url_;
  std::string channel_;
  std::function<void(const std::string&)> on_notify_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> listening_{false};
  int wake_[2] = {-1, -1};  // a pipe that interrupts poll() on stop
  std::thread thread_;
};

}  // namespace civicgrid::store::postgres
