#include "open311/format.h"

#include <charconv>
#include <cmath>

#include "open311/xml_writer.h"

namespace civicgrid::open311 {

std::optional<Format> parse_format(std::string_view suffix) {
  if (suffix == "xml") return Format::kXml;
  if (suffix == "json") return Format::kJson;
  return std::nullopt;
}

std::string_view content_type(Format f) {
  return f == Format::kXml ? "text/xml; charset=utf-8" : "application/json; charset=utf-8";
}

Resource split_resource(std::string_view segment) {
  const size_t dot = segment.rfind('.');
  if (dot == std::string_view::npos) return {std::string(segment), {}};
  return {std::string(segment.substr(0, dot)), std::string(segment.substr(dot + 1))};
}

Node Node::object(std::string name) {
  return Node(Kind::kObject, std::move(name));
}
Node Node::list(std::string name) {
  return Node(Kind::kList, std::move(name));
}
Node Node::null(std::string name) {
  return Node(Kind::kNull, std::move(name));
}

Node Node::string(std::string name, std::string value) {
  Node n(Kind::kString, std::move(name));
  n.text_ = std::move(value);
  return n;
}

Node Node::optional_string(std::string name, std::string value) {
  if (value.empty()) return null(std::move(name));
  return string(std::move(name), std::move(value));
}

Node Node::integer(std::string name, std::int64_t value) {
  Node n(Kind::kInt, std::move(name));
  n.int_ = value;
  return n;
}

Node Node::real(std::string name, double value) {
  Node n(Kind::kReal, std::move(name));
  n.real_ = value;
  return n;
}

Node Node::boolean(std::string name, bool value) {
  Node n(Kind::kBool, std::move(name));
  n.bool_ = value;
  return n;
}

Node& Node::add(Node child) {
  children_.push_back(std::move(child));
  return *this;
}

const Node* Node::find(std::string_view name) const {
  for (const auto& c : children_)
    if (c.name_ == name) return &c;
  return nullptr;
}

std::string format_real(double v) {
  if (!std::isfinite(v)) return "0";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string json_quote(std::string_view s) {
  std::string clean;
  clean.reserve(s.size());
  append_clean_utf8(clean, s, false);
  std::string out;
  out.reserve(clean.size() + 2);
  out += '"';
  for (char c : clean) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x",
                        static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out.push_back(c);
        }
    }
  }
  out += '"';
  return out;
}

namespace {

void scalar_text(const Node& n, std::string& out) {
  switch (n.kind()) {
    case Node::Kind::kString:
      out += n.text();
      break;
    case Node::Kind::kInt:
      out += std::to_string(n.int_value());
      break;
    case Node::Kind::kReal:
      out += format_real(n.real_value());
      break;
    case Node::Kind::kBool:
      out += n.bool_value() ? "true" : "false";
      break;
    default:
      break;
  }
}

void write_xml(const Node& n, XmlWriter& w) {
  switch (n.kind()) {
    case Node::Kind::kNull:
      w.empty(n.name());
      return;
    case Node::Kind::kObject:
    case Node::Kind::kList:
      w.open(n.name());
      for (const auto& c : n.children()) write_xml(c, w);
      w.close();
      return;
    default: {
      std::string text;
      scalar_text(n, text);
      w.element(n.name(), text);
    }
  }
}

void write_json(const Node& n, std::string& out) {
  switch (n.kind()) {
    case Node::Kind::kNull:
      out += "null";
      return;
    case Node::Kind::kString:
      out += json_quote(n.text());
      return;
    case Node::Kind::kReal:
      if (!std::isfinite(n.real_value())) {
        out += "null";
        return;
      }
      [[fallthrough]];
    case Node::Kind::kInt:
    case Node::Kind::kBool:
      scalar_text(n, out);
      return;
    case Node::Kind::kObject: {
      out += '{';
      bool first = true;
      for (const auto& c : n.children()) {
        if (!first) out += ',';
        first = false;
        out += json_quote(c.name());
        out += ':';
        write_json(c, out);
      }
      out += '}';
      return;
    }
    case Node::Kind::kList: {
      out += '[';
      bool first = true;
      for (const auto& c : n.children()) {
        if (!first) out += ',';
        first = false;
        write_json(c, out);
      }
      out += ']';
      return;
    }
  }
}

}  // namespace

std::string render_xml(const Node& root) {
  XmlWriter w;
  write_xml(root, w);
  return w.finish();
}

std::string render_json(const Node& root) {
  std::string out;
  write_json(root, out);
  return out;
}

std::string render(const Node& root, Format f) {
  return f == Format::kXml ? render_xml(root) : render_json(root);
}

Node errors_node(const std::vector<ErrorItem>& errors) {
  Node list = Node::list("errors");
  for (const auto& e : errors)
    list.add(Node::object("error")
                 .add(Node::integer("code", e.code))
                 .add(Node::string("description", e.description)));
  return list;
}

}  // namespace civicgrid::open311
