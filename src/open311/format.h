// One document model for every GeoReport v2 response, rendered either as XML or as JSON after the
// Spark convention, so that the two formats cannot drift apart:
//
//   Node kind   XML                                 JSON (Spark)
//   object      <name>children…</name>              {"child": …, …}
//   list        <name><item>…</item>…</name>        [item, …]   (the item element name disappears)
//   string      <name>text</name>                   "text"
//   int/real    <name>12</name>                     12
//   bool        <name>true</name>                   true
//   null        <name/>                             null
//
// The root element is dropped in JSON: a list root renders as a bare array, an object root as an
// object. Output is always well-formed (see xml_writer.h; JSON strings are escaped the same way).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"

namespace civicgrid::open311 {

enum class Format { kXml, kJson };

// "xml" / "json" → Format; nullopt for anything else.
std::optional<Format> parse_format(std::string_view suffix);
// "text/xml; charset=utf-8" or "application/json; charset=utf-8".
std::string_view content_type(Format f);

// "services.json" → {"services", "json"}; a name without a dot gives an empty suffix.
struct Resource {
  std::string name;
  std::string suffix;
};
Resource split_resource(std::string_view segment);

class Node {
 public:
  enum class Kind { kNull, kString, kInt, kReal, kBool, kObject, kList };

  static Node object(std::string name);
  static Node list(std::string name);
  static Node string(std::string name, std::string value);
  static Node integer(std::string name, std::int64_t value);
  static Node real(std::string name, double value);
  static Node boolean(std::string name, bool value);
  static Node null(std::string name);
  // A string node, or a null one when the value is empty ("absent optional values").
  static Node optional_string(std::string name, std::string value);

  // Appends a field (object) or an item (list); returns *this for chaining.
  Node& add(Node child);

  Kind kind() const { return kind_; }
  const std::string& name() const { return name_; }
  const std::string& text() const { return text_; }
  std::int64_t int_value() const { return int_; }
  double real_value() const { return real_; }
  bool bool_value() const { return bool_; }
  const std::vector<Node>& children() const { return children_; }
  // The first child with this name, or nullptr.
  const Node* find(std::string_view name) const;

 private:
  Node(Kind kind, std::string name) : kind_(kind), name_(std::move(name)) {}

  Kind kind_;
  std::string name_;
  std::string text_;
  std::int64_t int_ = 0;
  double real_ = 0;
  bool bool_ = false;
  std::vector<Node> children_;
};

std::string render_xml(const Node& root);
std::string render_json(const Node& root);
std::string render(const Node& root, Format f);

// The error document: errors › error {code, description}.
struct ErrorItem {
  unsigned code;
  std::string description;
};
Node errors_node(const std::vector<ErrorItem>& errors);

// A JSON string literal for `s` (quotes included), valid UTF-8 whatever the input.
std::string json_quote(std::string_view s);
// Shortest decimal text that reads back as the same double ("28.22", "-0.5", "1e+21").
std::string format_real(double v);

}  // namespace civicgrid::open311
