#include "open311/attributes.h"

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "core/json_fields.h"
#include "open311/w3c_time.h"

namespace civicgrid::open311 {

namespace json = boost::json;
namespace jf = civicgrid::json_fields;

namespace {

constexpr std::pair<Datatype, std::string_view> kDatatypes[] = {
    {Datatype::kString, "string"},
    {Datatype::kNumber, "number"},
    {Datatype::kDatetime, "datetime"},
    {Datatype::kText, "text"},
    {Datatype::kSingleValueList, "singlevaluelist"},
    {Datatype::kMultiValueList, "multivaluelist"},
};

bool valid_code(std::string_view code) {
  if (code.empty() || code.size() > 64) return false;
  for (char c : code)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
      return false;
  return true;
}

// An optional sign, digits, an optional fraction: what a numeric <input> submits.
bool decimal(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++frac_digits;
  }
  return i == s.size() && int_digits + frac_digits > 0 && int_digits + frac_digits <= 30;
}

Error answer_error(const std::string& code, const std::string& zh, const std::string& en) {
  return Error::invalid("attribute[" + code + "]", "attribute[" + code + "]：" + zh,
                        "attribute[" + code + "]: " + en);
}

}  // namespace

std::string_view name(Datatype d) {
  for (const auto& [k, v] : kDatatypes)
    if (k == d) return v;
  return "string";
}

std::optional<Datatype> parse_datatype(std::string_view s) {
  for (const auto& [k, v] : kDatatypes)
    if (v == s) return k;
  return std::nullopt;
}

bool is_list(Datatype d) {
  return d == Datatype::kSingleValueList || d == Datatype::kMultiValueList;
}

Result<void> validate_definitions(std::vector<AttributeDef>& defs) {
  if (defs.size() > 50)
    return fail(Error::invalid("attributes", "一个服务最多 50 个属性",
                               "a service has at most 50 attributes"));
  std::set<std::string> codes;
  std::set<int> orders;
  int highest = 0;
  for (size_t i = 0; i < defs.size(); ++i) {
    const auto& d = defs[i];
    const std::string f = "attributes[" + std::to_string(i) + "]";
    if (!valid_code(d.code))
      return fail(Error::invalid(f + ".code", "属性代码须为 1–64 个字母、数字、_、-、.",
                                 "code must be 1–64 letters, digits, '_', '-' or '.'"));
    if (!codes.insert(d.code).second)
      return fail(
          Error::invalid(f + ".code", "属性代码重复：" + d.code, "duplicate code: " + d.code));
    if (d.order < 0)
      return fail(Error::invalid(f + ".order", "order 须为正整数", "order must be positive"));
    if (d.order > 0 && !orders.insert(d.order).second)
      return fail(Error::invalid(f + ".order", "order 重复", "duplicate order"));
    highest = std::max(highest, d.order);
    if (!d.variable && d.required)
      return fail(Error::invalid(f + ".required", "说明性属性（variable=false）不能必填",
                                 "an informational attribute (variable=false) cannot be required"));
    if (is_list(d.datatype) && d.values.empty())
      return fail(
          Error::invalid(f + ".values", "列表类型须有可选值", "a list datatype needs values"));
    if (!is_list(d.datatype) && !d.values.empty())
      return fail(Error::invalid(f + ".values", "只有列表类型可有可选值",
                                 "only list datatypes have values"));
    std::set<std::string> keys;
    for (const auto& v : d.values) {
      if (v.key.empty() || v.key.size() > 100 || v.name.empty())
        return fail(Error::invalid(f + ".values", "可选值须有 key 和 name",
                                   "each value needs a key and a name"));
      if (!keys.insert(v.key).second)
        return fail(
            Error::invalid(f + ".values", "可选值 key 重复：" + v.key, "duplicate key: " + v.key));
    }
  }
  for (auto& d : defs)
    if (d.order == 0) d.order = ++highest;
  std::stable_sort(defs.begin(), defs.end(),
                   [](const auto& a, const auto& b) { return a.order < b.order; });
  return {};
}

Result<std::vector<AttributeDef>> definitions_from_json(const json::value& v) {
  if (!v.is_array())
    return fail(Error::invalid("attributes", "attributes 应为数组", "attributes must be an array"));
  std::vector<AttributeDef> defs;
  const auto& arr = v.get_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string f = "attributes[" + std::to_string(i) + "]";
    if (!arr[i].is_object())
      return fail(Error::invalid(f, "属性应为对象", "an attribute must be an object"));
    const auto& o = arr[i].get_object();
    AttributeDef d;
    auto code = jf::required_string(o, "code", {.max_chars = 64});
    if (!code) return fail(code.error().with_field(f + ".code"));
    d.code = *code;
    auto datatype = jf::required_string(o, "datatype", {.max_chars = 20});
    if (!datatype) return fail(datatype.error().with_field(f + ".datatype"));
    auto dt = parse_datatype(*datatype);
    if (!dt)
      return fail(Error::invalid(
          f + ".datatype",
          "datatype 应为 string、number、datetime、text、singlevaluelist 或 multivaluelist",
          "datatype must be string, number, datetime, text, singlevaluelist or multivaluelist"));
    d.datatype = *dt;
    auto variable = jf::optional_bool(o, "variable");
    if (!variable) return fail(variable.error().with_field(f + ".variable"));
    d.variable = variable->value_or(true);
    auto required = jf::optional_bool(o, "required");
    if (!required) return fail(required.error().with_field(f + ".required"));
    d.required = required->value_or(false);
    auto description = jf::required_string(o, "description", {.min_chars = 1, .max_chars = 500});
    if (!description) return fail(description.error().with_field(f + ".description"));
    d.description = *description;
    auto help = jf::optional_string(o, "datatype_description", {.max_chars = 500});
    if (!help) return fail(help.error().with_field(f + ".datatype_description"));
    d.datatype_description = help->value_or("");
    auto order = jf::optional_int(o, "order", 1, 1000);
    if (!order) return fail(order.error().with_field(f + ".order"));
    d.order = static_cast<int>(order->value_or(0));
    if (const auto* values = o.if_contains("values"); values && !values->is_null()) {
      if (!values->is_array())
        return fail(Error::invalid(f + ".values", "values 应为数组", "values must be an array"));
      if (values->get_array().size() > 200)
        return fail(Error::invalid(f + ".values", "可选值最多 200 个", "at most 200 values"));
      for (const auto& item : values->get_array()) {
        if (!item.is_object())
          return fail(Error::invalid(f + ".values", "可选值应为 {key, name}",
                                     "a value must be {key, name}"));
        auto key = jf::required_string(item.get_object(), "key", {.max_chars = 100});
        if (!key) return fail(key.error().with_field(f + ".values.key"));
        auto label = jf::required_string(item.get_object(), "name", {.max_chars = 200});
        if (!label) return fail(label.error().with_field(f + ".values.name"));
        d.values.push_back({*key, *label});
      }
    }
    defs.push_back(std::move(d));
  }
  if (auto ok = validate_definitions(defs); !ok) return fail(ok.error());
  return defs;
}

json::array definitions_to_json(const std::vector<AttributeDef>& defs) {
  json::array out;
  for (const auto& d : defs) {
    json::array values;
    for (const auto& v : d.values) values.push_back(json::object{{"key", v.key}, {"name", v.name}});
    out.push_back(json::object{{"code", d.code},
                               {"datatype", name(d.datatype)},
                               {"variable", d.variable},
                               {"required", d.required},
                               {"description", d.description},
                               {"datatype_description", d.datatype_description},
                               {"order", d.order},
                               {"values", std::move(values)}});
  }
  return out;
}

Result<std::vector<AttributeAnswer>> validate_answers(
    const std::vector<AttributeDef>& defs,
    const std::map<std::string, std::vector<std::string>>& given) {
  std::vector<AttributeAnswer> out;
  for (const auto& d : defs) {
    if (!d.variable) continue;
    auto it = given.find(d.code);
    std::vector<std::string> values;
    if (it != given.end())
      for (const auto& v : it->second) {
        std::string t = jf::trim(v);
        if (!t.empty()) values.push_back(std::move(t));
      }
    if (values.empty()) {
      if (d.required)
        return fail(answer_error(d.code, "必填：" + d.description, "required: " + d.description));
      continue;
    }
    if (d.datatype != Datatype::kMultiValueList && values.size() > 1)
      return fail(answer_error(d.code, "只能有一个值", "takes a single value"));
    AttributeAnswer a{d.code, {}};
    for (auto& v : values) {
      switch (d.datatype) {
        case Datatype::kString:
          if (v.find('\n') != std::string::npos || v.find('\r') != std::string::npos)
            return fail(answer_error(d.code, "须为单行文字", "must be a single line"));
          if (jf::utf8_length(v) > kMaxStringAnswer)
            return fail(answer_error(d.code, "不能超过 500 个字符", "at most 500 characters"));
          break;
        case Datatype::kText:
          if (jf::utf8_length(v) > kMaxTextAnswer)
            return fail(answer_error(d.code, "不能超过 4000 个字符", "at most 4000 characters"));
          break;
        case Datatype::kNumber:
          if (!decimal(v)) return fail(answer_error(d.code, "须为数字", "must be a number"));
          break;
        case Datatype::kDatetime: {
          auto t = parse_w3c(v);
          if (!t)
            return fail(answer_error(d.code, "须为 ISO 8601 日期或时间",
                                     "must be an ISO 8601 date or date-time"));
          v = format_w3c(t->at);
          break;
        }
        case Datatype::kSingleValueList:
        case Datatype::kMultiValueList: {
          const bool known = std::any_of(d.values.begin(), d.values.end(),
                                         [&](const auto& lv) { return lv.key == v; });
          if (!known)
            return fail(answer_error(d.code, "不是可选值：" + v, "not one of the values: " + v));
          break;
        }
      }
      if (std::find(a.values.begin(), a.values.end(), v) == a.values.end())
        a.values.push_back(std::move(v));
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace civicgrid::open311
