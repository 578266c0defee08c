// A small synchronous HTTP/1.1 client for the API tests (Boost.Beast underneath, kept out of this
// header so that test files compile quickly).
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/subprocess.h"

namespace civicgrid::api_test {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  unsigned status = 0;
  Headers headers;
  std::string body;

  // Case-insensitive; "" when absent.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;

  // The body parsed as JSON (once). Throws HarnessError when the body is not JSON.
  const boost::json::value& json() const;
  // The value at a JSON pointer ("/error/code"); nullptr when absent or the body is not JSON.
  const boost::json::value* find(std::string_view pointer) const;
  // The string at a JSON pointer; "" when absent or not a string.
  std::string str(std::string_view pointer) const;
  // The integer at a JSON pointer; nullopt when absent or not an integer.
  std::optional<std::int64_t> integer(std::string_view pointer) const;
  // The strings of the array at a JSON pointer, in order (non-strings skipped).
  std::vector<std::string> strings(std::string_view pointer) const;

  std::string error_code() const { return str("/error/code"); }
  std::string error_field() const { return str("/error/field"); }

 private:
  mutable std::optional<boost::json::value> json_;
  mutable bool json_tried_ = false;
};

// "HTTP 401 {...body...}", for assertion messages: EXPECT_EQ(r.status, 200u) << r;
std::ostream& operator<<(std::ostream& os, const HttpResponse& r);

// One keep-alive connection to the server, opened on first use and reopened when the server has
// closed it. Not thread-safe: use one client per thread.
class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port, std::string host = "127.0.0.1");
  ~HttpClient();
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;

  // Adds Host, the bearer token (unless `headers` carries Authorization) and the default headers.
  // A body is sent with the Content-Type given in `headers`, if any. Throws HarnessError when the
  // server cannot be reached or does not answer within the timeout.
  HttpResponse request(std::string_view method, std::string_view target, std::string_view body = {},
                       const Headers& headers = {});

  HttpResponse get(std::string_view target, const Headers& headers = {});
  HttpResponse del(std::string_view target, const Headers& headers = {});
  HttpResponse post_json(std::string_view target, const boost::json::value& body,
                         const Headers& headers = {});
  HttpResponse patch_json(std::string_view target, const boost::json::value& body,
                          const Headers& headers = {});
  // A body sent as-is with the given Content-Type (malformed JSON, text/plain, ...).
  HttpResponse post(std::string_view target, std::string_view body, std::string_view content_type,
                    const Headers& headers = {});

  // POST /api/v1/auth/login; on 200 keeps the token for later requests.
  HttpResponse login(std::string_view username, std::string_view password);
  void set_token(std::string token) { token_ = std::move(token); }
  void clear_token() { token_.clear(); }
  const std::string& token() const { return token_; }

  // Sent with every request (unless the request's own headers name the same field).
  void set_default_header(std::string name, std::string value);
  void clear_default_headers() { default_headers_.clear(); }

  // Sends `bytes` verbatim on a new connection and reads one response (malformed requests, huge
  // headers, declared bodies that are never sent). Write errors are ignored: the server may answer
  // and close before reading everything.
  HttpResponse send_raw(std::string_view bytes);

  // Per-operation timeout (connect, write, read). Default 30 s.
  void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
  // Drops the keep-alive connection (the next request opens a new one).
  void disconnect();
  // How many TCP connections this client has opened (to check keep-alive and reconnection).
  int connections_opened() const { return connections_opened_; }

  std::uint16_t port() const { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string host_;
  std::uint16_t port_;
  std::string token_;
  Headers default_headers_;
  std::chrono::milliseconds timeout_{30000};
  int connections_opened_ = 0;
};

}  // namespace civicgrid::api_test
