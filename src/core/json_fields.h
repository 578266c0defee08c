// Reading fields out of a JSON request body with errors that name the field.
//
// Every helper returns an Error of kind kInvalidArgument naming the (dotted) field path when the value
// is missing (for required fields), of the wrong type, or out of its bounds. Length limits count Unicode
// code points, not bytes, so "4000 characters" means the same for Chinese and Latin text.
#pragma once

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"

namespace civicgrid::json_fields {

// Number of Unicode code points in valid UTF-8 (invalid bytes count one each).
size_t utf8_length(std::string_view s);
// True when the bytes are valid UTF-8.
bool valid_utf8(std::string_view s);

struct StringLimits {
  size_t min_chars = 0;
  size_t max_chars = 10000;
  bool trim = true;  // strip ASCII and full-width (U+3000) spaces at both ends before checking
};

Result<std::string> required_string(const boost::json::object& obj, std::string_view field,
                                    StringLimits limits = {});
Result<std::optional<std::string>> optional_string(const boost::json::object& obj,
                                                   std::string_view field, StringLimits limits = {});
Result<std::optional<std::int64_t>> optional_int(const boost::json::object& obj,
                                                 std::string_view field, std::int64_t min,
                                                 std::int64_t max);
Result<std::int64_t> required_int(const boost::json::object& obj, std::string_view field,
                                  std::int64_t min, std::int64_t max);
Result<std::optional<double>> optional_number(const boost::json::object& obj,
                                              std::string_view field, double min, double max);
Result<std::optional<bool>> optional_bool(const boost::json::object& obj, std::string_view field);
Result<bool> required_bool(const boost::json::object& obj, std::string_view field);
Result<std::vector<std::string>> optional_string_list(const boost::json::object& obj,
                                                      std::string_view field, size_t max_items,
                                                      StringLimits limits = {});
// The value at `field` must be an object if present.
Result<const boost::json::object*> optional_object(const boost::json::object& obj,
                                                   std::string_view field);
// The body itself must be a JSON object.
Result<const boost::json::object*> as_object(const boost::json::value& v);

// Strip ASCII whitespace and U+3000 IDEOGRAPHIC SPACE from both ends.
std::string trim(std::string_view s);

}  // namespace civicgrid::json_fields
