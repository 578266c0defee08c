#include "http/request_context.h"

#include <boost/json/stream_parser.hpp>
#include <strings.h>

namespace civicgrid::http {

namespace json = boost::json;

std::string percent_decode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else if (plus_as_space && s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> parse_query_string(std::string_view qs) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t i = 0;
  while (i < qs.size()) {
    size_t amp = qs.find('&', i);
    if (amp == std::string_view::npos) amp = qs.size();
    auto part = qs.substr(i, amp - i);
    if (!part.empty()) {
      const size_t eq = part.find('=');
      if (eq == std::string_view::npos) {
        out.emplace_back(percent_decode(part, true), std::string());
      } else {
        out.emplace_back(percent_decode(part.substr(0, eq), true),
                         percent_decode(part.substr(eq + 1), true));
      }
    }
    i = amp + 1;
  }
  return out;
}

RequestContext::RequestContext(Method method, std::string target, std::string body,
                               std::string remote_address, std::string request_id)
    : method_(method),
      target_(std::move(target)),
      body_(std::move(body)),
      remote_address_(std::move(remote_address)),
      request_id_(std::move(request_id)) {
  const size_t q = target_.find('?');
  if (q == std::string::npos) {
    path_ = target_;
  } else {
    path_ = target_.substr(0, q);
    query_ = parse_query_string(std::string_view(target_).substr(q + 1));
  }
}

std::string_view RequestContext::header(std::string_view name) const {
  for (const auto& [k, v] : headers_)
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  return {};
}

void RequestContext::set_header(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
}

const std::string& RequestContext::param(std::string_view name) const {
  static const std::string kEmpty;
  for (const auto& [k, v] : params_)
    if (k == name) return v;
  return kEmpty;
}

void RequestContext::set_params(std::vector<std::pair<std::string, std::string>> params) {
  params_ = std::move(params);
  for (auto& [k, v] : params_) v = percent_decode(v, false);
}

std::optional<std::string> RequestContext::query(std::string_view name) const {
  for (const auto& [k, v] : query_)
    if (k == name) return v;
  return std::nullopt;
}

std::vector<std::string> RequestContext::query_all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : query_)
    if (k == name) out.push_back(v);
  return out;
}

Result<const json::value*> RequestContext::json() {
  if (json_) return &*json_;
  if (body_.empty()) {
    json_.emplace(json::object());
    return &*json_;
  }
  std::string_view ct = header("Content-Type");
  const auto semi = ct.find(';');
  std::string_view mime = ct.substr(0, semi);
  while (!mime.empty() && mime.back() == ' ') mime.remove_suffix(1);
  if (strncasecmp(std::string(mime).c_str(), "application/json", 17) != 0 ||
      mime.size() != 16) {
    return fail(Error(ErrorCode::kUnsupportedMediaType, "请求体须为 JSON（Content-Type: application/json）",
                      "the request body must be JSON (Content-Type: application/json)",
                      "Content-Type"));
  }
  json::stream_parser parser;
  boost::system::error_code ec;
  const size_t consumed = parser.write_some(body_.data(), body_.size(), ec);
  if (!ec && consumed < body_.size()) {
    // Trailing bytes after a complete value: only whitespace is allowed.
    for (size_t i = consumed; i < body_.size() && !ec; ++i)
      if (body_[i] != ' ' && body_[i] != '\n' && body_[i] != '\r' && body_[i] != '\t')
        ec = json::error::extra_data;
  }
  if (!ec && !parser.done()) {
    parser.finish(ec);
  }
  if (ec) {
    const size_t pos = std::min(consumed, body_.size());
    size_t line = 1, col = 1;
    for (size_t i = 0; i < pos; ++i) {
      if (body_[i] == '\n') {
        ++line;
        col = 1;
      } else if ((static_cast<unsigned char>(body_[i]) & 0xC0) != 0x80) {
        ++col;
      }
    }
    const std::string where = std::to_string(line) + ":" + std::to_string(col);
    Error e = Error::bad_request("JSON 格式错误（第 " + std::to_string(line) + " 行第 " +
                                     std::to_string(col) + " 列）：" + ec.message(),
                                 "malformed JSON at line " + std::to_string(line) + ", column " +
                                     std::to_string(col) + ": " + ec.message(),
                                 "body");
    e.with_extra("position", static_cast<std::int64_t>(pos));
    e.with_extra("line", static_cast<std::int64_t>(line));
    e.with_extra("column", static_cast<std::int64_t>(col));
    return fail(std::move(e));
  }
  json_.emplace(parser.release());
  return &*json_;
}

Result<const json::object*> RequestContext::json_object() {
  auto v = json();
  if (!v) return fail(v.error());
  if (!(*v)->is_object())
    return fail(
        Error::bad_request("请求体应为 JSON 对象", "the request body must be a JSON object", "body"));
  return &(*v)->get_object();
}

std::string_view RequestContext::lang() const {
  if (auto q = query("lang"))
    return q->size() >= 2 && (((*q)[0] | 0x20) == 'e') && (((*q)[1] | 0x20) == 'n') ? "en" : "zh";
  const auto al = header("Accept-Language");
  if (al.size() >= 2 && (al[0] == 'e' || al[0] == 'E') && (al[1] == 'n' || al[1] == 'N')) return "en";
  return "zh";
}

}  // namespace civicgrid::http
