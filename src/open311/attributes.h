// Service attributes: the extra questions a service asks (GET services/{code}), their six
// datatypes, and the validation of a request's answers against them. Pure: no I/O.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace civicgrid::open311 {

enum class Datatype { kString, kNumber, kDatetime, kText, kSingleValueList, kMultiValueList };

std::string_view name(Datatype d);  // "string", "number", ..., "multivaluelist"
std::optional<Datatype> parse_datatype(std::string_view s);
bool is_list(Datatype d);

struct ListValue {
  std::string key;   // the value sent back as attribute[code]=key
  std::string name;  // the label shown
};

struct AttributeDef {
  std::string code;  // [A-Za-z0-9_.-], 1–64 characters: it becomes the POST key attribute[code]
  Datatype datatype = Datatype::kString;
  bool variable = true;              // false: informational text only, never answered
  bool required = false;             // only for variable attributes
  std::string description;           // the question
  std::string datatype_description;  // help text, may be empty
  int order = 0;                     // 1 first, unique within the service
  std::vector<ListValue> values;     // list datatypes only, at least one
};

// Limits on answers (code points).
inline constexpr size_t kMaxStringAnswer = 500;
inline constexpr size_t kMaxTextAnswer = 4000;

// Checks one service's definitions and numbers those without an order after the highest given one.
// kInvalidArgument naming the field ("attributes[2].values") on a bad code, datatype, duplicate
// code, order or key, a list without values, values on a non-list, or a required informational
// attribute.
Result<void> validate_definitions(std::vector<AttributeDef>& defs);

// The admin API's and the demo seed's JSON: [{code, datatype, variable?, required?, description,
// datatype_description?, order?, values?: [{key, name}]}]. Validated as above; sorted by order.
Result<std::vector<AttributeDef>> definitions_from_json(const boost::json::value& v);
boost::json::array definitions_to_json(const std::vector<AttributeDef>& defs);

struct AttributeAnswer {
  std::string code;
  std::vector<std::string> values;  // normalised; several only for multivaluelist
};

// Validates answers (by code, as Params::attributes() gives them) against a service's definitions:
// every required attribute answered, one value unless multivaluelist, list keys among the values,
// numbers decimal, datetimes readable (stored as W3C), strings single-line, lengths within limits.
// Answers to unknown or informational codes are ignored. kInvalidArgument with field
// "attribute[code]" and a message naming the code.
Result<std::vector<AttributeAnswer>> validate_answers(
    const std::vector<AttributeDef>& defs,
    const std::map<std::string, std::vector<std::string>>& given);

}  // namespace civicgrid::open311
