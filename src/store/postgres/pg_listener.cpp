#include "store/postgres/pg_listener.h"

#include <libpq-fe.h>
#include <poll.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <chrono>

#include "store/postgres/pg_database.h"

namespace civicgrid::store::postgres {

PgListener::PgListener(std::string url, std::string channel,
                       std::function<void(const std::string&)> on_notify)
    : url_(std::move(url)), channel_(std::move(channel)), on_notify_(std::move(on_notify)) {
  if (pipe(wake_) != 0) wake_[0] = wake_[1] = -1;
  thread_ = std::thread([this] { run(); });
}

PgListener::~PgListener() {
  stop_ = true;
  if (wake_[1] >= 0) (void)!write(wake_[1], "x", 1);
  if (thread_.joinable()) thread_.join();
  for (int fd : wake_)
    if (fd >= 0) close(fd);
}

bool PgListener::wait_listening(int timeout_ms) const {
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!listening_.load()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

void PgListener::run() {
  bool first = true;
  while (!stop_.load()) {
    PGconn* conn = PQconnectdb(url_.c_str());
    PGresult* res = nullptr;
    if (PQstatus(conn) == CONNECTION_OK)
      res = PQexec(conn, ("LISTEN " + quote_identifier(channel_)).c_str());
    const bool ok = res && PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (!ok) {
      spdlog::warn("postgres listener: cannot listen on {}: {}", channel_, PQerrorMessage(conn));
      PQfinish(conn);
      pollfd p{wake_[0], POLLIN, 0};
      poll(&p, 1, 1000);
      continue;
    }
    listening_ = true;
    if (!first) on_notify_("*");  // whatever was sent while disconnected is lost
    first = false;
    while (!stop_.load()) {
      pollfd fds[2] = {{PQsocket(conn), POLLIN, 0}, {wake_[0], POLLIN, 0}};
      if (poll(fds, 2, 5000) < 0) continue;
      if (fds[1].revents) break;
      if (!PQconsumeInput(conn)) break;  // the connection is gone
      while (PGnotify* n = PQnotifies(conn)) {
        std::string payload = n->extra ? n->extra : "";
        PQfreemem(n);
        try {
          on_notify_(payload);
        } catch (const std::exception& e) {
          spdlog::error("postgres listener: handling '{}' failed: {}", payload, e.what());
        }
      }
      if (PQstatus(conn) != CONNECTION_OK) break;
    }
    PQfinish(conn);
    if (!stop_.load()) spdlog::warn("postgres listener: connection lost, reconnecting");
  }
}

}  // namespace civicgrid::store::postgres
