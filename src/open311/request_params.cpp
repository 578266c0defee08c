#include "open311/request_params.h"

#include <boost/json.hpp>
#include <charconv>

#include "core/json_fields.h"
#include "open311/w3c_time.h"

namespace civicgrid::open311 {

namespace json = boost::json;
namespace jf = civicgrid::json_fields;

namespace {

Error invalid(const std::string& param, const std::string& zh, const std::string& en) {
  return Error::invalid(param, param + "：" + zh, param + ": " + en);
}

Result<std::optional<ParsedTime>> time_param(const Params& p, const char* name) {
  auto v = p.get(name);
  if (!v) return std::optional<ParsedTime>();
  auto t = parse_w3c(*v);
  if (!t)
    return fail(invalid(name, "应为 ISO 8601 日期或时间，如 2024-05-01T08:00:00+08:00",
                        "must be an ISO 8601 date or date-time such as 2024-05-01T08:00:00Z"));
  return std::optional<ParsedTime>(*t);
}

Result<std::optional<std::int64_t>> int_param(const Params& p, const char* name, std::int64_t min,
                                              std::int64_t max) {
  auto v = p.get(name);
  if (!v) return std::optional<std::int64_t>();
  std::int64_t n = 0;
  auto r = std::from_chars(v->data(), v->data() + v->size(), n);
  if (r.ec != std::errc() || r.ptr != v->data() + v->size() || n < min || n > max)
    return fail(
        invalid(name, "应为 " + std::to_string(min) + " 到 " + std::to_string(max) + " 之间的整数",
                "must be an integer from " + std::to_string(min) + " to " + std::to_string(max)));
  return std::optional<std::int64_t>(n);
}

Result<std::optional<double>> coordinate(const Params& p, const char* name, int limit) {
  auto v = p.get(name);
  if (!v) return std::optional<double>();
  const std::string s = jf::trim(*v);
  double d = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), d);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !(d >= -limit && d <= limit)) {
    const std::string range = std::to_string(-limit) + " .. " + std::to_string(limit);
    return fail(invalid(name, "应为 WGS84 坐标（" + range + "）",
                        "must be a WGS84 coordinate (" + range + ")"));
  }
  return std::optional<double>(d);
}

// Limits a free-text parameter (code points), trimmed.
Result<std::string> text_param(const Params& p, const char* name, size_t max_chars) {
  std::string v = jf::trim(p.get(name).value_or(""));
  if (jf::utf8_length(v) > max_chars)
    return fail(invalid(name, "不能超过 " + std::to_string(max_chars) + " 个字符",
                        "at most " + std::to_string(max_chars) + " characters"));
  return v;
}

bool has_cjk(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0xE3) return true;  // lead bytes of U+3000 and above
  return false;
}

// The Open311 parameter that a field of parse_appeal's body came from.
std::string open311_param(std::string_view field) {
  if (field == "location.lat" || field == "location") return "lat";
  if (field == "location.lon") return "long";
  if (field == "address") return "address_string";
  if (field == "contact.name") return "first_name";
  if (field == "contact.phone") return "phone";
  return std::string(field);
}

}  // namespace

std::string title_from(std::string_view description) {
  std::string_view line = description.substr(0, description.find_first_of("\r\n"));
  std::string out;
  size_t chars = 0, i = 0;
  while (i < line.size() && chars < 30) {
    size_t len = 1;
    const auto b = static_cast<unsigned char>(line[i]);
    if (b >= 0xF0)
      len = 4;
    else if (b >= 0xE0)
      len = 3;
    else if (b >= 0xC0)
      len = 2;
    out.append(line.substr(i, len));
    i += len;
    ++chars;
  }
  out = jf::trim(out);
  if (i < line.size() || line.size() < description.size()) out += "…";
  return out;
}

Result<RequestQuery> parse_request_query(const Params& p, Timestamp now) {
  RequestQuery q;
  const std::vector<std::string> ids = p.list("service_request_id");
  if (p.get("service_request_id")) {
    q.ids.emplace();
    for (const auto& s : ids) {
      std::int64_t id = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), id);
      // An id that cannot exist matches nothing rather than failing the whole list.
      if (r.ec == std::errc() && r.ptr == s.data() + s.size() && id > 0 &&
          q.ids->size() < static_cast<size_t>(kMaxRequests))
        q.ids->push_back(id);
    }
    q.extensions = p.get("extensions").value_or("") == "true";
    return q;
  }
  q.service_codes = p.list("service_code");
  bool want_open = false, want_closed = false;
  for (const auto& s : p.list("status")) {
    std::string lower;
    for (char c : s)
      lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (lower == "open")
      want_open = true;
    else if (lower == "closed")
      want_closed = true;
    else
      return fail(invalid("status", "应为 open 或 closed", "must be open or closed"));
  }
  if (want_open != want_closed) q.open = want_open;

  auto start = time_param(p, "start_date");
  if (!start) return fail(start.error());
  auto end = time_param(p, "end_date");
  if (!end) return fail(end.error());
  auto after = time_param(p, "updated_after");
  if (!after) return fail(after.error());
  auto before = time_param(p, "updated_before");
  if (!before) return fail(before.error());
  if (*after) q.updated_after = (*after)->at;
  if (*before) q.updated_before = (*before)->at;
  // A date-only end includes that whole day.
  std::optional<Timestamp> end_at;
  if (*end) end_at = (*end)->at + ((*end)->date_only ? kMillisPerDay : 1);
  if (*start && end_at) {
    if (*end_at <= (*start)->at)
      return fail(invalid("end_date", "应晚于 start_date", "must be after start_date"));
    if (*end_at - (*start)->at > kDefaultWindowMillis + kMillisPerDay)
      return fail(invalid("end_date", "与 start_date 相距不能超过 90 天",
                          "may not be more than 90 days after start_date"));
    q.start = (*start)->at;
    q.end = end_at;
  } else if (*start) {
    q.start = (*start)->at;
    q.end = (*start)->at + kDefaultWindowMillis;
  } else if (end_at) {
    q.start = *end_at - kDefaultWindowMillis;
    q.end = end_at;
  } else if (!q.updated_after && !q.updated_before) {
    q.start = now - kDefaultWindowMillis;
  }

  auto page = int_param(p, "page", 1, 1'000'000);
  if (!page) return fail(page.error());
  auto page_size = int_param(p, "page_size", 1, 1'000'000);
  if (!page_size) return fail(page_size.error());
  if (*page || *page_size) {
    q.limit = static_cast<int>(
        std::min<std::int64_t>(page_size->value_or(kDefaultPageSize), kMaxRequests));
    q.offset = (page->value_or(1) - 1) * q.limit;
  } else {
    q.limit = kMaxRequests;
  }
  q.extensions = p.get("extensions").value_or("") == "true";
  return q;
}

Result<NewRequest> parse_new_request(const Params& p, std::string_view service_name) {
  NewRequest r;
  auto lat = coordinate(p, "lat", 90);
  if (!lat) return fail(lat.error());
  auto lon = coordinate(p, "long", 180);
  if (!lon) return fail(lon.error());
  if (lat->has_value() != lon->has_value())
    return fail(invalid(*lat ? "long" : "lat", "lat 和 long 须同时提供",
                        "lat and long must be sent together"));
  auto address = text_param(p, "address_string", 300);
  if (!address) return fail(address.error());
  auto address_id = text_param(p, "address_id", 100);
  if (!address_id) return fail(address_id.error());
  r.address_id = *address_id;
  if (!*lat && address->empty() && r.address_id.empty())
    return fail(invalid("lat", "须提供位置：lat 和 long、address_string 或 address_id",
                        "a location is required: lat and long, address_string or address_id"));
  auto description = text_param(p, "description", 4000);
  if (!description) return fail(description.error());
  auto title = text_param(p, "title", 200);
  if (!title) return fail(title.error());
  auto first = text_param(p, "first_name", 50);
  if (!first) return fail(first.error());
  auto last = text_param(p, "last_name", 50);
  if (!last) return fail(last.error());
  // FixMyStreet may send the non-standard "deviceid".
  auto device = text_param(p, p.get("device_id") ? "device_id" : "deviceid", 100);
  if (!device) return fail(device.error());
  r.device_id = *device;
  auto account = text_param(p, "account_id", 100);
  if (!account) return fail(account.error());
  r.account_id = *account;
  for (const auto& url : p.all("media_url")) {
    const std::string u = jf::trim(url);
    if (!(u.starts_with("http://") || u.starts_with("https://")) || u.size() > 2000 ||
        u.find_first_of(" \t\r\n<>\"") != std::string::npos)
      return fail(invalid("media_url", "应为 http(s) 地址", "must be an http(s) URL"));
    if (r.media_urls.size() < 10) r.media_urls.push_back(u);
  }
  r.attributes = p.attributes();

  // The appeal as POST /api/v1/appeals would receive it, so parse_appeal applies the same rules.
  json::object body;
  body["type"] = "request";
  body["channel"] = "open311";
  body["category"] = p.get("service_code").value_or("");
  const std::string text = description->empty() ? std::string(service_name) : *description;
  body["description"] = text;
  body["title"] = title->empty() ? title_from(text) : *title;
  if (*lat) body["location"] = json::object{{"lat", **lat}, {"lon", **lon}};
  std::string addr = *address;
  if (addr.empty() && !r.address_id.empty()) addr = "地址编号 " + r.address_id;
  if (!addr.empty()) body["address"] = addr;
  json::object contact;
  std::string name;
  if (!first->empty() || !last->empty()) {
    // 张 + 三 → "张三"; John + Smith → "John Smith". FixMyStreet sends "-" for an unknown part.
    const std::string f = *first == "-" ? "" : *first, l = *last == "-" ? "" : *last;
    name = has_cjk(f + l) ? l + f : jf::trim(f + " " + l);
  }
  if (!name.empty()) contact["name"] = name;
  std::string phone;
  for (char c : p.get("phone").value_or(""))
    if (c != '(' && c != ')' && c != '.')
      phone.push_back(c);  // "(0731) 8888.1234" → digits and dashes
  phone = jf::trim(phone);
  if (!phone.empty()) contact["phone"] = phone;
  if (!contact.empty()) body["contact"] = std::move(contact);
  auto in = cases::parse_appeal(body);
  if (!in) {
    Error e = in.error();
    const std::string param = open311_param(e.field());
    return fail(
        Error::invalid(param, param + "：" + e.message_zh(), param + ": " + e.message_en()));
  }
  r.appeal = std::move(*in);
  return r;
}

}  // namespace civicgrid::open311
