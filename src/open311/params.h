// The parameters of a GeoReport request: the query string merged with a POST body that is
// application/x-www-form-urlencoded or multipart/form-data (file parts such as `media` or `photo1`
// are accepted and ignored). Real clients split one request across both: node-open311 sends
// jurisdiction_id in the query string of a POST, open311_python sends api_key there.
//
// "Optional" arguments that are passed but empty behave as if they were not passed: get() and all()
// skip empty values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace civicgrid::open311 {

using Pairs = std::vector<std::pair<std::string, std::string>>;

class Params {
 public:
  Params() = default;
  // Earlier pairs win in get(): pass the body's pairs before the query string's.
  explicit Params(Pairs pairs) : pairs_(std::move(pairs)) {}

  // The first non-empty value of `name`.
  std::optional<std::string> get(std::string_view name) const;
  // Every non-empty value of `name` (a repeated key), in order.
  std::vector<std::string> all(std::string_view name) const;
  // Every value of `name` split on commas, trimmed, empty items dropped ("a,b&name=c" → a, b, c).
  std::vector<std::string> list(std::string_view name) const;
  // Answers to attributes, by code, in order: attribute[c]=v, attribute[c][]=v, attribute[c][0]=v,
  // and a repeated attribute[c]. Empty values are dropped; codes with no value are absent.
  std::map<std::string, std::vector<std::string>> attributes() const;

  const Pairs& pairs() const { return pairs_; }

 private:
  Pairs pairs_;
};

// Merges the decoded query string with the body. kBadRequest for a malformed multipart body, a
// body of another type (JSON, XML…), or parameters that are not valid UTF-8.
Result<Params> merge_params(const Pairs& query, std::string_view content_type,
                            std::string_view body);

// The fields of a multipart/form-data body; parts with a filename are skipped. kBadRequest when the
// body does not follow RFC 7578 framing.
Result<Pairs> parse_multipart(std::string_view body, std::string_view boundary);

// The boundary parameter of a multipart Content-Type, unquoted; empty when absent.
std::string multipart_boundary(std::string_view content_type);

}  // namespace civicgrid::open311
