#include "support/http_client.h"

#include <strings.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace civicgrid::api_test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

namespace {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool has_field(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (iequal(k, name)) return true;
  return false;
}

// Runs one asynchronous operation to completion. Beast's tcp_stream expiry bounds it in time, which
// blocking calls could not do.
template <class Start>
beast::error_code run_op(asio::io_context& ioc, Start&& start) {
  beast::error_code result = asio::error::would_block;
  ioc.restart();
  start([&result](beast::error_code ec, std::size_t = 0) { result = ec; });
  ioc.run();
  return result;
}

// The server closed a kept-alive connection before this request reached it.
bool closed_by_peer(const beast::error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted;
}

HttpResponse to_response(bhttp::response<bhttp::string_body>&& res) {
  HttpResponse out;
  out.status = res.result_int();
  for (const auto& f : res)
    out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  out.body = std::move(res.body());
  return out;
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequal(k, name)) return v;
  return {};
}

bool HttpResponse::has_header(std::string_view name) const {
  return has_field(headers, name);
}

const json::value& HttpResponse::json() const {
  if (const json::value* v = find("")) return *v;
  throw HarnessError("response body is not JSON: HTTP " + std::to_string(status) + " " +
                     body.substr(0, 500));
}

const json::value* HttpResponse::find(std::string_view pointer) const {
  if (!json_tried_) {
    json_tried_ = true;
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (!ec) json_ = std::move(v);
  }
  if (!json_) return nullptr;
  boost::system::error_code ec;
  return json_->find_pointer(pointer, ec);
}

std::string HttpResponse::str(std::string_view pointer) const {
  const json::value* v = find(pointer);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<std::int64_t> HttpResponse::integer(std::string_view pointer) const {
  const json::value* v = find(pointer);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  return std::nullopt;
}

std::vector<std::string> HttpResponse::strings(std::string_view pointer) const {
  std::vector<std::string> out;
  const json::value* v = find(pointer);
  if (!v || !v->is_array()) return out;
  for (const auto& e : v->get_array())
    if (e.is_string()) out.emplace_back(e.get_string());
  return out;
}

std::ostream& operator<<(std::ostream& os, const HttpResponse& r) {
  os << "HTTP " << r.status << " " << r.body.substr(0, 2000);
  if (r.body.size() > 2000) os << "...(" << r.body.size() << " bytes)";
  return os;
}

struct HttpClient::Impl {
  asio::io_context ioc;
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
};

HttpClient::HttpClient(std::uint16_t port, std::string host)
    : impl_(std::make_unique<Impl>()), host_(std::move(host)), port_(port) {}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;

void HttpClient::disconnect() {
  if (!impl_->stream) return;
  beast::error_code ec;
  impl_->stream->socket().shutdown(tcp::socket::shutdown_both, ec);
  impl_->stream->close();
  impl_->stream.reset();
  impl_->buffer.clear();
}

void HttpClient::set_default_header(std::string name, std::string value) {
  for (auto& [k, v] : default_headers_)
    if (iequal(k, name)) {
      v = std::move(value);
      return;
    }
  default_headers_.emplace_back(std::move(name), std::move(value));
}

HttpResponse HttpClient::request(std::string_view method, std::string_view target,
                                 std::string_view body, const Headers& headers) {
  bhttp::request<bhttp::string_body> req;
  const auto verb = bhttp::string_to_verb(method);
  if (verb == bhttp::verb::unknown)
    req.method_string(method);
  else
    req.method(verb);
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, host_ + ":" + std::to_string(port_));
  for (const auto& [k, v] : default_headers_)
    if (!has_field(headers, k)) req.set(k, v);
  if (!token_.empty() && !has_field(headers, "Authorization"))
    req.set(bhttp::field::authorization, "Bearer " + token_);
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = std::string(body);
  req.prepare_payload();

  const auto fail = [&](std::string_view what, const beast::error_code& ec) -> HarnessError {
    return HarnessError(std::string(what) + " " + std::string(method) + " " + std::string(target) +
                        " on port " + std::to_string(port_) + ": " + ec.message());
  };
  for (int attempt = 0;; ++attempt) {
    const bool reused = impl_->stream.has_value();
    if (!reused) {
      impl_->stream.emplace(impl_->ioc);
      impl_->stream->expires_after(timeout_);
      const tcp::endpoint ep(asio::ip::make_address(host_), port_);
      auto ec = run_op(impl_->ioc, [&](auto handler) {
        impl_->stream->async_connect(ep, [handler](beast::error_code e) mutable { handler(e); });
      });
      if (ec) {
        disconnect();
        throw fail("cannot connect for", ec);
      }
      ++connections_opened_;
    }
    impl_->stream->expires_after(timeout_);
    auto ec =
        run_op(impl_->ioc, [&](auto handler) { bhttp::async_write(*impl_->stream, req, handler); });
    bool got_some = false;
    if (!ec) {
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(boost::none);
      impl_->stream->expires_after(timeout_);
      ec = run_op(impl_->ioc, [&](auto handler) {
        bhttp::async_read(*impl_->stream, impl_->buffer, parser, handler);
      });
      if (!ec) {
        auto res = parser.release();
        const bool keep_alive = res.keep_alive();
        HttpResponse out = to_response(std::move(res));
        if (!keep_alive) disconnect();
        return out;
      }
      got_some = parser.got_some();
    }
    disconnect();
    // A kept-alive connection the server had already closed: nothing was processed, send again.
    if (reused && attempt == 0 && !got_some && closed_by_peer(ec)) continue;
    throw fail(ec == beast::error::timeout ? "timed out on" : "no response to", ec);
  }
}

HttpResponse HttpClient::get(std::string_view target, const Headers& headers) {
  return request("GET", target, {}, headers);
}

HttpResponse HttpClient::del(std::string_view target, const Headers& headers) {
  return request("DELETE", target, {}, headers);
}

HttpResponse HttpClient::post_json(std::string_view target, const json::value& body,
                                   const Headers& headers) {
  return post(target, json::serialize(body), "application/json", headers);
}

HttpResponse HttpClient::patch_json(std::string_view target, const json::value& body,
                                    const Headers& headers) {
  Headers h = headers;
  if (!has_field(h, "Content-Type")) h.emplace_back("Content-Type", "application/json");
  return request("PATCH", target, json::serialize(body), h);
}

HttpResponse HttpClient::post(std::string_view target, std::string_view body,
                              std::string_view content_type, const Headers& headers) {
  Headers h = headers;
  if (!has_field(h, "Content-Type")) h.emplace_back("Content-Type", std::string(content_type));
  return request("POST", target, body, h);
}

HttpResponse HttpClient::login(std::string_view username, std::string_view password) {
  // A stale token would make even this public route answer 401: log in as nobody.
  token_.clear();
  HttpResponse r =
      post_json("/api/v1/auth/login", {{"username", username}, {"password", password}});
  if (r.status == 200) token_ = r.str("/token");
  return r;
}

HttpResponse HttpClient::send_raw(std::string_view bytes) {
  beast::tcp_stream stream(impl_->ioc);
  stream.expires_after(timeout_);
  const tcp::endpoint ep(asio::ip::make_address(host_), port_);
  auto ec = run_op(impl_->ioc, [&](auto handler) {
    stream.async_connect(ep, [handler](beast::error_code e) mutable { handler(e); });
  });
  if (ec)
    throw HarnessError("send_raw: cannot connect to port " + std::to_string(port_) + ": " +
                       ec.message());
  ++connections_opened_;
  stream.expires_after(timeout_);
  // The server may answer early (413, 431) and close: a failed write is expected then.
  (void)run_op(impl_->ioc, [&](auto handler) {
    asio::async_write(stream, asio::buffer(bytes.data(), bytes.size()), handler);
  });
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(boost::none);
  stream.expires_after(timeout_);
  ec =
      run_op(impl_->ioc, [&](auto handler) { bhttp::async_read(stream, buffer, parser, handler); });
  beast::error_code ignored;
  stream.socket().close(ignored);
  if (ec)
    throw HarnessError("send_raw: no complete response (" + ec.message() + ") to " +
                       std::to_string(bytes.size()) + " bytes starting " +
                       std::string(bytes.substr(0, 80)));
  return to_response(parser.release());
}

}  // namespace civicgrid::api_test
