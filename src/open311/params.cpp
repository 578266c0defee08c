#include "open311/params.h"

#include <strings.h>

#include "core/json_fields.h"
#include "http/request_context.h"

namespace civicgrid::open311 {

namespace {

std::string_view trim_view(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

Error bad(std::string zh, std::string en) {
  return Error::bad_request(std::move(zh), std::move(en), "body");
}

// The value of `key` in a header's parameters: `form-data; name="a"; filename="b"`.
std::optional<std::string> header_param(std::string_view header, std::string_view key) {
  size_t i = header.find(';');
  while (i != std::string_view::npos && i < header.size()) {
    ++i;
    while (i < header.size() && (header[i] == ' ' || header[i] == '\t')) ++i;
    size_t eq = header.find('=', i);
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string_view k = trim_view(header.substr(i, eq - i));
    size_t j = eq + 1;
    std::string value;
    if (j < header.size() && header[j] == '"') {
      ++j;
      while (j < header.size() && header[j] != '"') {
        if (header[j] == '\\' && j + 1 < header.size()) ++j;
        value.push_back(header[j++]);
      }
      ++j;  // closing quote
      i = header.find(';', j);
    } else {
      i = header.find(';', j);
      value = std::string(
          trim_view(header.substr(j, (i == std::string_view::npos ? header.size() : i) - j)));
    }
    if (k.size() == key.size() && strncasecmp(k.data(), key.data(), k.size()) == 0) return value;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> Params::get(std::string_view name) const {
  for (const auto& [k, v] : pairs_)
    if (k == name && !v.empty()) return v;
  return std::nullopt;
}

std::vector<std::string> Params::all(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : pairs_)
    if (k == name && !v.empty()) out.push_back(v);
  return out;
}

std::vector<std::string> Params::list(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& v : all(name)) {
    size_t i = 0;
    while (i <= v.size()) {
      size_t j = v.find(',', i);
      if (j == std::string::npos) j = v.size();
      const std::string_view item = trim_view(std::string_view(v).substr(i, j - i));
      if (!item.empty()) out.emplace_back(item);
      i = j + 1;
    }
  }
  return out;
}

std::map<std::string, std::vector<std::string>> Params::attributes() const {
  std::map<std::string, std::vector<std::string>> out;
  constexpr std::string_view kPrefix = "attribute[";
  for (const auto& [k, v] : pairs_) {
    if (!k.starts_with(kPrefix) || v.empty()) continue;
    const size_t close = k.find(']', kPrefix.size());
    if (close == std::string::npos || close == kPrefix.size()) continue;
    const std::string_view rest = std::string_view(k).substr(close + 1);
    // Nothing more, "[]", or an index "[0]" (PHP and Ruby encoders number array items).
    bool ok = rest.empty();
    if (!ok && rest.size() >= 2 && rest.front() == '[' && rest.back() == ']') {
      ok = true;
      for (char c : rest.substr(1, rest.size() - 2)) ok = ok && c >= '0' && c <= '9';
    }
    if (!ok) continue;
    out[k.substr(kPrefix.size(), close - kPrefix.size())].push_back(v);
  }
  return out;
}

std::string multipart_boundary(std::string_view content_type) {
  return header_param(content_type, "boundary").value_or("");
}

Result<Pairs> parse_multipart(std::string_view body, std::string_view boundary) {
  if (boundary.empty() || boundary.size() > 200)
    return fail(bad("multipart 请求缺少 boundary", "multipart body without a boundary"));
  const std::string delimiter = "--" + std::string(boundary);
  Pairs out;
  size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos)
    return fail(bad("multipart 请求体格式错误", "malformed multipart body: no boundary found"));
  pos += delimiter.size();
  while (true) {
    if (body.substr(pos, 2) == "--") return out;  // the closing delimiter
    // Transport padding, then CRLF (a bare LF is tolerated).
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) == "\r\n")
      pos += 2;
    else if (body.substr(pos, 1) == "\n")
      pos += 1;
    else
      return fail(bad("multipart 请求体格式错误", "malformed multipart body: bad delimiter line"));
    // Headers end at an empty line.
    size_t header_end = body.find("\r\n\r\n", pos);
    size_t content_start = header_end == std::string_view::npos ? header_end : header_end + 4;
    if (header_end == std::string_view::npos) {
      header_end = body.find("\n\n", pos);
      if (header_end == std::string_view::npos)
        return fail(
            bad("multipart 请求体格式错误", "malformed multipart body: part headers not ended"));
      content_start = header_end + 2;
    }
    std::optional<std::string> name;
    bool file = false;
    std::string_view headers = body.substr(pos, header_end - pos);
    while (!headers.empty()) {
      size_t eol = headers.find('\n');
      std::string_view line = headers.substr(0, eol);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (iequals_prefix(line, "content-disposition:")) {
        const std::string_view value = line.substr(20);
        name = header_param(value, "name");
        file = header_param(value, "filename").has_value() ||
               header_param(value, "filename*").has_value();
      }
      if (eol == std::string_view::npos) break;
      headers.remove_prefix(eol + 1);
    }
    const std::string next = "\r\n" + delimiter;
    size_t end = body.find(next, content_start);
    size_t after = end == std::string_view::npos ? end : end + next.size();
    if (end == std::string_view::npos) {
      end = body.find("\n" + delimiter, content_start);
      if (end == std::string_view::npos)
        return fail(
            bad("multipart 请求体格式错误", "malformed multipart body: part not terminated"));
      after = end + 1 + delimiter.size();
    }
    if (!name) return fail(bad("multipart 字段缺少名称", "multipart part without a name"));
    if (!file)
      out.emplace_back(std::move(*name),
                       std::string(body.substr(content_start, end - content_start)));
    pos = after;
  }
}

Result<Params> merge_params(const Pairs& query, std::string_view content_type,
                            std::string_view body) {
  Pairs pairs;
  const std::string_view mime = trim_view(content_type.substr(0, content_type.find(';')));
  if (!body.empty()) {
    if (mime.empty() ||
        strncasecmp(std::string(mime).c_str(), "application/x-www-form-urlencoded", 34) == 0) {
      pairs = http::parse_query_string(body);
    } else if (iequals_prefix(mime, "multipart/form-data")) {
      auto parts = parse_multipart(body, multipart_boundary(content_type));
      if (!parts) return fail(parts.error());
      pairs = std::move(*parts);
    } else {
      return fail(Error::bad_request(
          "请求体须为 application/x-www-form-urlencoded 或 multipart/form-data",
          "the body must be application/x-www-form-urlencoded or multipart/form-data",
          "Content-Type"));
    }
  }
  pairs.insert(pairs.end(), query.begin(), query.end());
  for (const auto& [k, v] : pairs)
    if (!json_fields::valid_utf8(k) || !json_fields::valid_utf8(v))
      return fail(
          Error::bad_request("参数须为 UTF-8 编码", "parameters must be UTF-8 encoded", "body"));
  return Params(std::move(pairs));
}

}  // namespace civicgrid::open311
