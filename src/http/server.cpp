#include "http/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <filesystem>
#include <random>
#include <thread>

#include "http/error_mapping.h"
#include "http/static_files.h"

namespace civicgrid::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

std::optional<Method> to_method(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get: return Method::kGet;
    case bhttp::verb::post: return Method::kPost;
    case bhttp::verb::put: return Method::kPut;
    case bhttp::verb::patch: return Method::kPatch;
    case bhttp::verb::delete_: return Method::kDelete;
    default: return std::nullopt;
  }
}

bool acceptable_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

class RequestIds {
 public:
  RequestIds() {
    std::random_device rd;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08x", rd());
    prefix_ = buf;
  }
  std::string next() {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%s-%06llx", prefix_.c_str(),
                  static_cast<unsigned long long>(counter_.fetch_add(1)));
    return buf;
  }

 private:
  std::string prefix_;
  std::atomic<std::uint64_t> counter_{1};
};

}  // namespace

class Server::Impl {
 public:
  Impl(ServerOptions options, const Router& router, Metrics& metrics, Authenticator authenticate,
       CompletionHook on_complete)
      : options_(std::move(options)),
        router_(router),
        metrics_(metrics),
        authenticate_(std::move(authenticate)),
        on_complete_(std::move(on_complete)),
        acceptor_(ioc_),
        signals_(ioc_, SIGINT, SIGTERM) {
    if (options_.threads <= 0)
      options_.threads = std::max(64, 8 * static_cast<int>(std::thread::hardware_concurrency()));
    if (!options_.static_dir.empty() && !std::filesystem::is_directory(options_.static_dir))
      options_.static_dir.clear();
  }

  Result<std::uint16_t> start();
  void run();
  void stop();
  Response dispatch(RequestContext& ctx) const;
  Response respond(RequestContext& ctx);

  const ServerOptions& options() const { return options_; }
  bool stopping() const { return stopping_.load(); }
  std::atomic<int>& in_flight() { return in_flight_; }
  std::string next_request_id() { return ids_.next(); }

 private:
  void accept();
  void begin_shutdown();
  void wait_for_drain(std::chrono::steady_clock::time_point deadline);

  ServerOptions options_;
  const Router& router_;
  Metrics& metrics_;
  Authenticator authenticate_;
  CompletionHook on_complete_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  std::unique_ptr<asio::steady_timer> drain_timer_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> in_flight_{0};
  RequestIds ids_;
};

// One TCP connection: read a request, answer it, repeat while keep-alive.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, Server::Impl& server)
      : stream_(std::move(socket)), server_(server) {
    boost::system::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
  }

  void start() { read_header(); }

 private:
  void read_header() {
    if (server_.stopping()) return close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(server_.options().header_limit));
    parser_->body_limit(server_.options().body_limit);
    stream_.expires_after(server_.options().request_timeout);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code ec, size_t) {
                               self->on_header(ec);
                             });
  }

  void on_header(beast::error_code ec) {
    if (ec) return on_read_error(ec);
    auto& req = parser_->get();
    if (auto len = parser_->content_length(); len && *len > server_.options().body_limit) {
      return reply_error(Error(ErrorCode::kPayloadTooLarge, "请求体过大", "request body too large", "body"),
                         false);
    }
    if (beast::iequals(req[bhttp::field::expect], "100-continue")) {
      auto cont = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, 11);
      bhttp::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code ec, size_t) {
        if (ec) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      [self = shared_from_this()](beast::error_code ec, size_t) {
                        if (ec) return self->on_read_error(ec);
                        self->handle();
                      });
  }

  void on_read_error(beast::error_code ec) {
    if (ec == bhttp::error::body_limit)
      return reply_error(Error(ErrorCode::kPayloadTooLarge, "请求体过大", "request body too large", "body"),
                         false);
    if (ec == bhttp::error::header_limit)
      return reply_error(
          Error(ErrorCode::kHeadersTooLarge, "请求头过大", "request headers too large", "headers"), false);
    if (ec == beast::error::timeout && buffer_.size() > 0)
      return reply_error(Error(ErrorCode::kRequestTimeout, "请求超时", "request timed out"), false);
    if (ec == bhttp::error::bad_method || ec == bhttp::error::bad_target ||
        ec == bhttp::error::bad_version || ec == bhttp::error::bad_field ||
        ec == bhttp::error::bad_value || ec == bhttp::error::bad_chunk)
      return reply_error(Error::bad_request("HTTP 请求格式错误", "malformed HTTP request"), false);
    close();
  }

  void reply_error(const Error& e, bool keep_alive) {
    const std::string id = server_.next_request_id();
    write(error_response(e, id, "zh"), id, keep_alive, 11);
  }

  void handle() {
    auto& req = parser_->get();
    std::string request_id(req["X-Request-Id"]);
    if (!acceptable_request_id(request_id)) request_id = server_.next_request_id();
    auto method = to_method(req.method());
    const bool keep_alive = req.keep_alive() && !server_.stopping();
    const unsigned version = req.version();
    if (!method) {
      Error e(ErrorCode::kMethodNotAllowed, "不支持的请求方法", "method not supported");
      return write(error_response(e, request_id, "zh"), request_id, keep_alive, version);
    }
    std::string client =
        server_.options().trusted_proxies.client_address(remote_, std::string_view(req["X-Forwarded-For"]));
    RequestContext ctx(*method, std::string(req.target()), std::move(req.body()), std::move(client),
                       request_id);
    for (const auto& f : req) ctx.set_header(std::string(f.name_string()), std::string(f.value()));
    // Counted until the response is fully written, so a graceful shutdown waits for it.
    server_.in_flight().fetch_add(1);
    Response res = server_.respond(ctx);
    write(std::move(res), request_id, keep_alive, version, true);
  }

  void write(Response r, const std::string& request_id, bool keep_alive, unsigned version,
             bool counted = false) {
    auto res = std::make_shared<bhttp::response<bhttp::string_body>>(
        static_cast<bhttp::status>(r.status), version);
    res->set(bhttp::field::server, "civicgrid");
    res->set("X-Request-Id", request_id);
    if (!r.content_type.empty()) res->set(bhttp::field::content_type, r.content_type);
    res->set("X-Content-Type-Options", "nosniff");
    for (auto& [k, v] : r.headers) res->set(k, v);
    res->body() = std::move(r.body);
    res->keep_alive(keep_alive);
    res->prepare_payload();
    stream_.expires_after(server_.options().request_timeout);
    bhttp::async_write(stream_, *res,
                       [self = shared_from_this(), res, keep_alive, counted](beast::error_code ec, size_t) {
                         if (counted) self->server_.in_flight().fetch_sub(1);
                         if (ec || !keep_alive) return self->close();
                         self->read_header();
                       });
  }

  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream_.socket().close(ec);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  Server::Impl& server_;
  std::string remote_;
};

Result<std::uint16_t> Server::Impl::start() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(options_.listen, ec);
  if (ec) return fail(Error::invalid("listen", "监听地址无效：" + options_.listen,
                                     "invalid listen address: " + options_.listen));
  tcp::endpoint ep(address, options_.port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return fail(Error::unavailable("无法监听 " + options_.listen + ":" + std::to_string(options_.port),
                                   "cannot listen on " + options_.listen + ":" +
                                       std::to_string(options_.port) + ": " + ec.message()));
  accept();
  signals_.async_wait([this](const boost::system::error_code& e, int sig) {
    if (e) return;
    spdlog::info("signal {} received: shutting down", sig);
    begin_shutdown();
  });
  return acceptor_.local_endpoint().port();
}

void Server::Impl::accept() {
  acceptor_.async_accept(asio::make_strand(ioc_), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
      spdlog::warn("accept failed: {}", ec.message());
    } else {
      socket.set_option(tcp::no_delay(true), ec);
      std::make_shared<Connection>(std::move(socket), *this)->start();
    }
    if (!stopping_.load()) accept();
  });
}

void Server::Impl::begin_shutdown() {
  if (stopping_.exchange(true)) return;
  boost::system::error_code ec;
  acceptor_.close(ec);
  signals_.cancel(ec);
  wait_for_drain(std::chrono::steady_clock::now() + options_.shutdown_grace);
}

// Polls until no request is being handled, then stops the io_context (idle keep-alive connections are
// dropped with it). Polling every 10 ms keeps the code simple and costs nothing at shutdown.
void Server::Impl::wait_for_drain(std::chrono::steady_clock::time_point deadline) {
  if (in_flight_.load() == 0 || std::chrono::steady_clock::now() >= deadline) {
    if (in_flight_.load() != 0) spdlog::warn("shutdown: {} requests still running", in_flight_.load());
    ioc_.stop();
    return;
  }
  drain_timer_ = std::make_unique<asio::steady_timer>(ioc_, std::chrono::milliseconds(10));
  drain_timer_->async_wait([this, deadline](const boost::system::error_code&) {
    wait_for_drain(deadline);
  });
}

void Server::Impl::run() {
  std::vector<std::thread> threads;
  for (int i = 1; i < options_.threads; ++i) threads.emplace_back([this] { ioc_.run(); });
  ioc_.run();
  for (auto& t : threads) t.join();
}

void Server::Impl::stop() {
  asio::post(ioc_, [this] { begin_shutdown(); });
}

Response Server::Impl::dispatch(RequestContext& ctx) const {
  auto match = router_.match(ctx.method(), ctx.path());
  if (!match) {
    if (ctx.method() == Method::kGet && match.error().code() == ErrorCode::kNotFound &&
        !ctx.path().starts_with("/api/") && !ctx.path().starts_with("/open311/")) {
      if (auto file = serve_static(options_.static_dir, ctx.path())) return std::move(*file);
    }
    return error_response(match.error(), ctx.request_id(), ctx.lang());
  }
  ctx.set_route(match->route);
  ctx.set_params(std::move(match->params));
  const Route& route = *match->route;

  auto principal = authenticate_ ? authenticate_(ctx) : Result<Principal>(Principal{});
  if (!principal) return error_response(principal.error(), ctx.request_id(), ctx.lang());
  ctx.set_principal(std::move(*principal));
  const Principal& who = ctx.principal();
  const Access& access = route.access;
  if (access.login_required && !who.authenticated())
    return error_response(Error::unauthenticated(), ctx.request_id(), ctx.lang());
  if (access.login_required) {
    bool allowed;
    if (who.kind == Principal::Kind::kApiKey) {
      // A key may call routes open to any authenticated caller, and role routes that name its scope.
      allowed = (access.roles.empty() && access.api_key_scope.empty()) ||
                (!access.api_key_scope.empty() && who.has_scope(access.api_key_scope));
    } else {
      allowed = access.roles.empty();
      for (Role r : access.roles) allowed = allowed || who.has_role(r);
    }
    if (!allowed) return error_response(Error::forbidden(), ctx.request_id(), ctx.lang());
  }

  try {
    auto result = route.handler(ctx);
    if (!result) {
      if (result.error().code() == ErrorCode::kInternal)
        spdlog::error("request {} {} {}: {}", ctx.request_id(), method_name(ctx.method()), ctx.path(),
                      result.error().detail());
      return error_response(result.error(), ctx.request_id(), ctx.lang());
    }
    return std::move(*result);
  } catch (const std::exception& e) {
    spdlog::error("request {} {} {}: unhandled exception: {}", ctx.request_id(),
                  method_name(ctx.method()), ctx.path(), e.what());
    return error_response(Error::internal(e.what()), ctx.request_id(), ctx.lang());
  }
}

Response Server::Impl::respond(RequestContext& ctx) {
  const auto t0 = std::chrono::steady_clock::now();
  Response res = dispatch(ctx);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::string_view route = ctx.route() ? std::string_view(ctx.route()->pattern) : "(none)";
  metrics_.record(method_name(ctx.method()), route, res.status, seconds);
  if (on_complete_) {
    try {
      on_complete_(ctx, res.status);
    } catch (const std::exception& e) {
      spdlog::error("request {}: completion hook failed: {}", ctx.request_id(), e.what());
    }
  }
  spdlog::info("request id={} method={} path={} route={} status={} ms={:.2f} actor={}",
               ctx.request_id(), method_name(ctx.method()), ctx.path(), route, res.status,
               seconds * 1000, ctx.principal().actor());
  return res;
}

Server::Server(ServerOptions options, const Router& router, Metrics& metrics,
               Authenticator authenticate, CompletionHook on_complete)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics, std::move(authenticate),
                                   std::move(on_complete))) {}
Server::~Server() = default;
Result<std::uint16_t> Server::start() { return impl_->start(); }
void Server::run() { impl_->run(); }
void Server::stop() { impl_->stop(); }
Response Server::dispatch(RequestContext& ctx) const { return impl_->dispatch(ctx); }

}  // namespace civicgrid::http
