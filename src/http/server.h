// The HTTP/1.1 server: Boost.Beast over one Asio io_context run by a pool of threads, keep-alive,
// limits on header size, body size and request time, graceful shutdown on SIGTERM/SIGINT.
//
// Handlers run on the pool threads and may block on the store; the pool is therefore larger than
// the core count (see ServerOptions::threads), which also lets concurrent writes share a group
// commit.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/error.h"
#include "core/principal.h"
#include "http/client_address.h"
#include "http/metrics.h"
#include "http/request_context.h"
#include "http/response.h"
#include "http/router.h"

namespace civicgrid::http {

struct ServerOptions {
  std::string listen = "0.0.0.0";
  std::uint16_t port = 8080;  // 0 picks a free port
  int threads = 0;  // 0 → max(64, 8 × cores): many requests may wait on one group commit
  size_t body_limit = 1 << 20;
  size_t header_limit = 16 * 1024;
  std::chrono::milliseconds request_timeout{30000};
  std::chrono::milliseconds shutdown_grace{10000};
  std::string static_dir;  // served for GET paths no route claims, when it exists
  // Proxies whose X-Forwarded-For is believed (client_address.h); none by default.
  TrustedProxies trusted_proxies;
};

// Finds who is calling from the request's credentials. Returns an anonymous Principal when the
// request carries none, and kUnauthenticated when it carries invalid or expired ones.
using Authenticator = std::function<Result<Principal>(const RequestContext&)>;
// Called after every request with the final status (the audit log hooks in here).
using CompletionHook = std::function<void(const RequestContext&, unsigned status)>;

class Server {
 public:
  Server(ServerOptions options, const Router& router, Metrics& metrics, Authenticator authenticate,
         CompletionHook on_complete);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. Returns the bound port. Fails with kUnavailable when the address is taken.
  Result<std::uint16_t> start();
  // Serves until stop() or SIGTERM/SIGINT; then stops accepting, lets in-flight requests finish
  // (up to shutdown_grace) and returns.
  void run();
  // Asks run() to shut down gracefully. Safe from any thread.
  void stop();

  // Routing, authentication, access check, handler, error mapping: everything but the socket.
  // Public so it can be tested without a network.
  Response dispatch(RequestContext& ctx) const;

  class Impl;  // defined in server.cpp

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace civicgrid::http
