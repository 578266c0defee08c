#include "core/json_fields.h"

#include <cmath>

namespace civicgrid::json_fields {

namespace json = boost::json;

size_t utf8_length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len;
    std::uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

std::string trim(std::string_view s) {
  static constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  bool changed = true;
  while (changed && !s.empty()) {
    changed = false;
    if (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r') {
      s.remove_prefix(1);
      changed = true;
    } else if (s.starts_with(kIdeographicSpace)) {
      s.remove_prefix(3);
      changed = true;
    }
    if (s.empty()) break;
    if (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r') {
      s.remove_suffix(1);
      changed = true;
    } else if (s.ends_with(kIdeographicSpace)) {
      s.remove_suffix(3);
      changed = true;
    }
  }
  return std::string(s);
}

namespace {

std::string fname(std::string_view f) { return std::string(f); }

Result<std::string> check_string(const json::value& v, std::string_view field,
                                 const StringLimits& limits) {
  if (!v.is_string())
    return fail(Error::invalid(fname(field), "字段 " + fname(field) + " 应为字符串",
                               "field " + fname(field) + " must be a string"));
  std::string s = limits.trim ? trim(v.get_string()) : std::string(v.get_string());
  const size_t n = utf8_length(s);
  if (n < limits.min_chars) {
    if (limits.min_chars == 1) return fail(Error::missing(fname(field)));
    return fail(Error::invalid(
        fname(field), "字段 " + fname(field) + " 至少 " + std::to_string(limits.min_chars) + " 个字",
        "field " + fname(field) + " needs at least " + std::to_string(limits.min_chars) +
            " characters"));
  }
  if (n > limits.max_chars)
    return fail(Error::invalid(
        fname(field), "字段 " + fname(field) + " 不能超过 " + std::to_string(limits.max_chars) + " 个字",
        "field " + fname(field) + " must be at most " + std::to_string(limits.max_chars) +
            " characters"));
  return s;
}

}  // namespace

Result<std::string> required_string(const json::object& obj, std::string_view field,
                                    StringLimits limits) {
  const json::value* v = obj.if_contains(field);
  if (!v || v->is_null()) return fail(Error::missing(fname(field)));
  if (limits.min_chars == 0) limits.min_chars = 1;
  return check_string(*v, field, limits);
}

Result<std::optional<std::string>> optional_string(const json::object& obj, std::string_view field,
                                                   StringLimits limits) {
  const json::value* v = obj.if_contains(field);
  if (!v || v->is_null()) return std::optional<std::string>();
  auto s = check_string(*v, field, limits);
  if (!s) return fail(s.error());
  return std::optional<std::string>(std::move(*s));
}

Result<std::optional<std::int64_t>> optional_int(const json::object& obj, std::string_view field,
                                                 std::int64_t min, std::int64_t max) {
  const json::value* v = obj.if_contains(field);
  if (!v || v->is_null()) return std::optional<std::int64_t>();
  std::int64_t n;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    n = static_cast<std::int64_t>(v->get_uint64());
  } else if (v->is_double() && std::floor(v->get_double()) == v->get_double() &&
             std::abs(v->get_double()) < 9e15) {
    n = static_cast<std::int64_t>(v->get_double());
  } else {
    return fail(Error::invalid(fname(field), "字段 " + fname(field) + " 应为整数",
                               "field " + fname(field) + " must be an integer"));
  }
  if (n < min || n > max)
    return fail(Error::invalid(fname(field),
                               "字段 " + fname(field) + " 应在 " + std::to_string(min) + " 到 " +
                                   std::to_string(max) + " 之间",
                               "field " + fname(field) + " must be between " + std::to_string(min) +
                                   " and " + std::to_string(max)));
  return std::optional<std::int64_t>(n);
}

Result<std::int64_t> required_int(const json::object& obj, std::string_view field, std::int64_t min,
                                  std::int64_t max) {
  auto v = optional_int(obj, field, min, max);
  if (!v) return fail(v.error());
  if (!*v) return fail(Error::missing(fname(field)));
  return **v;
}

Result<std::optional<double>> optional_number(const json::object& obj, std::string_view field,
                                              double min, double max) {
  const json::value* v = obj.if_contains(field);
  if (!v || v->is_null()) return std::optional<double>();
  if (!v->is_number())
    return fail(Error::invalid(fname(field), "字段 " + fname(field) + " 应为数字",
                               "field " + fname(field) + " must be a number"));
  const double d = v->to_number<double>();
  if (!(d >= min && d <= max))
    return fail(Error::invalid(fname(field), "字段 " + fname(field) + " 超出范围",
                               "field " + fname(field) + " is out of range"));
  return std::optional<double>(d);
}

Result<std::optional<bool>> optional_bool(const json::object& obj, std::string_view field) {
  const json::value* v = obj.if_contains(field);
  if (!v || v->is_null()) return std::optional<bool>();
  if (!v->is_bool())
    return fail(Error::invalid(fname(field), "字段 " + fname(field) + " 应为 true 或 false",
                               "field " + fname(field) + " must be true or false"));
  return std::optional<bool>(v->get_bool());
}

Result<bool> required_bool(const json::object& obj, std::string_view field) {
  auto v = optional_bool(obj, field);
  if (!v) return fail(v.error());
  if (!*v) return fail(Error::missing(fname(field)));
  return **v;
}

Result<std::vector<std::string>> optional_string_list(const json::object& obj,
                                                      std::string_view field, size_t max_items,
                                                      StringLimits limits) {
  std::vector<std::string> out;
  const json::value* v = obj.if_contains(field);
  if (!v || v->is_null()) return out;
  if (!v->is_array())
    return fail(Error::invalid(fname(field), "字段 " + fname(field) + " 应为字符串数组",
                               "field " + fname(field) + " must be an array of strings"));
  const auto& arr = v->get_array();
  if (arr.size() > max_items)
    return fail(Error::invalid(fname(field),
                               "字段 " + fname(field) + " 最多 " + std::to_string(max_items) + " 项",
                               "field " + fname(field) + " takes at most " +
                                   std::to_string(max_items) + " items"));
  if (limits.min_chars == 0) limits.min_chars = 1;
  for (size_t i = 0; i < arr.size(); ++i) {
    auto s = check_string(arr[i], fname(field) + "[" + std::to_string(i) + "]", limits);
    if (!s) return fail(s.error());
    out.push_back(std::move(*s));
  }
  return out;
}

Result<const json::object*> optional_object(const json::object& obj, std::string_view field) {
  const json::value* v = obj.if_contains(field);
  if (!v || v->is_null()) return static_cast<const json::object*>(nullptr);
  if (!v->is_object())
    return fail(Error::invalid(fname(field), "字段 " + fname(field) + " 应为对象",
                               "field " + fname(field) + " must be an object"));
  return &v->get_object();
}

Result<const json::object*> as_object(const json::value& v) {
  if (!v.is_object())
    return fail(Error::bad_request("请求体应为 JSON 对象", "request body must be a JSON object"));
  return &v.get_object();
}

}  // namespace civicgrid::json_fields
