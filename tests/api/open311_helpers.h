// Helpers shared by the Open311 API tests: form encoding, an API key from the CLI, XML parsed with
// libxml2 (a standard parser: well-formedness is checked by it, not by us), and a comparison of an
// XML document with its Spark JSON twin.
#pragma once

#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <boost/json.hpp>
#include <cmath>
#include <memory>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support/http_client.h"
#include "support/test_server.h"

namespace civicgrid::api_test::open311 {

namespace json = boost::json;
using Form = std::vector<std::pair<std::string, std::string>>;

inline std::string url_encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

inline std::string form_encode(const Form& form) {
  std::string out;
  for (const auto& [k, v] : form)
    out += (out.empty() ? "" : "&") + url_encode(k) + "=" + url_encode(v);
  return out;
}

inline HttpResponse post_form(HttpClient& c, const std::string& target, const Form& form) {
  return c.post(target, form_encode(form), "application/x-www-form-urlencoded; charset=utf-8");
}

// `civicgrid apikey create`: the key is the last line printed.
inline std::string create_api_key(const TestServer& server, const std::string& name,
                                  const std::string& scope = "open311") {
  CommandResult r = server.cli({"apikey", "create", "--name", name, "--scope", scope});
  if (r.exit_code != 0) throw HarnessError("apikey create failed: " + r.err);
  std::string out = r.out;
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
}

// A parsed XML element: name, text (for leaves) and child elements.
struct XNode {
  std::string name;
  std::string text;
  std::vector<XNode> children;
  const XNode* child(std::string_view n) const {
    for (const auto& c : children)
      if (c.name == n) return &c;
    return nullptr;
  }
  std::string text_of(std::string_view n) const {
    const XNode* c = child(n);
    return c ? c->text : std::string("<absent>");
  }
};

inline XNode to_xnode(xmlNodePtr n) {
  XNode x;
  x.name = reinterpret_cast<const char*>(n->name);
  for (xmlNodePtr c = n->children; c; c = c->next) {
    if (c->type == XML_ELEMENT_NODE)
      x.children.push_back(to_xnode(c));
    else if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE)
      x.text += reinterpret_cast<const char*>(c->content);
  }
  return x;
}

// Parses with libxml2; nullopt (and the parser's complaint in `error`) when not well-formed.
inline std::optional<XNode> parse_xml(const std::string& body, std::string* error = nullptr) {
  std::unique_ptr<xmlDoc, void (*)(xmlDocPtr)> doc(
      xmlReadMemory(body.data(), static_cast<int>(body.size()), "response.xml", nullptr,
                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING),
      xmlFreeDoc);
  if (!doc) {
    if (error) {
      const xmlError* e = xmlGetLastError();
      *error = e && e->message ? e->message : "not well-formed";
    }
    return std::nullopt;
  }
  return to_xnode(xmlDocGetRootElement(doc.get()));
}

// Elements whose children are list items under the Spark convention.
inline bool is_list_element(std::string_view name) {
  static const std::set<std::string, std::less<>> kLists{
      "services",  "service_requests", "errors", "attributes", "values",
      "endpoints", "formats",          "notes",  "photos",     "service_request_updates"};
  return kLists.contains(name);
}

// Whether the XML element carries the same data as its JSON twin (Spark: list elements are arrays,
// leaves are typed values, an empty element is null or an empty string).
inline ::testing::AssertionResult same_data(const XNode& x, const json::value& j,
                                            const std::string& path = "") {
  const std::string where = path + "/" + x.name;
  if (is_list_element(x.name)) {
    if (!j.is_array()) return ::testing::AssertionFailure() << where << ": JSON is not an array";
    if (j.as_array().size() != x.children.size())
      return ::testing::AssertionFailure() << where << ": " << x.children.size() << " XML items, "
                                           << j.as_array().size() << " JSON items";
    for (size_t i = 0; i < x.children.size(); ++i)
      if (auto r = same_data(x.children[i], j.as_array()[i], where); !r) return r;
    return ::testing::AssertionSuccess();
  }
  if (!x.children.empty()) {
    if (!j.is_object()) return ::testing::AssertionFailure() << where << ": JSON is not an object";
    if (j.as_object().size() != x.children.size())
      return ::testing::AssertionFailure() << where << ": " << x.children.size() << " XML fields, "
                                           << j.as_object().size() << " JSON fields";
    for (const auto& c : x.children) {
      const json::value* v = j.as_object().if_contains(c.name);
      if (!v) return ::testing::AssertionFailure() << where << ": JSON lacks " << c.name;
      if (auto r = same_data(c, *v, where); !r) return r;
    }
    return ::testing::AssertionSuccess();
  }
  bool same = false;
  if (j.is_null())
    same = x.text.empty();
  else if (j.is_string())
    same = x.text == j.as_string();
  else if (j.is_bool())
    same = x.text == (j.as_bool() ? "true" : "false");
  else if (j.is_number())
    same = !x.text.empty() && std::abs(std::stod(x.text) - j.to_number<double>()) < 1e-9;
  else if (j.is_array())
    same = j.as_array().empty() && x.text.empty();
  if (!same)
    return ::testing::AssertionFailure()
           << where << ": XML '" << x.text << "' vs JSON " << json::serialize(j);
  return ::testing::AssertionSuccess();
}

// W3C datetime as open311-adapter validates it: whole seconds and an explicit zone.
inline bool is_w3c(std::string_view s) {
  static const std::regex kW3c(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$)");
  return std::regex_match(std::string(s), kW3c);
}

// A GeoReport error document: status, and [{code, description}] with code = status.
inline ::testing::AssertionResult IsGeoReportError(const HttpResponse& r, unsigned status,
                                                   bool xml = false) {
  if (r.status != status)
    return ::testing::AssertionFailure()
           << "status " << r.status << ", want " << status << ": " << r.body;
  if (r.header("Access-Control-Allow-Origin") != "*")
    return ::testing::AssertionFailure() << "no CORS header";
  if (xml) {
    if (r.header("Content-Type") != "text/xml; charset=utf-8")
      return ::testing::AssertionFailure() << "Content-Type " << r.header("Content-Type");
    auto doc = parse_xml(r.body);
    if (!doc || doc->name != "errors" || doc->children.empty() ||
        doc->children[0].name != "error" ||
        doc->children[0].text_of("code") != std::to_string(status) ||
        doc->children[0].text_of("description").empty())
      return ::testing::AssertionFailure() << "not an XML error document: " << r.body;
    return ::testing::AssertionSuccess();
  }
  if (r.header("Content-Type") != "application/json; charset=utf-8")
    return ::testing::AssertionFailure() << "Content-Type " << r.header("Content-Type");
  const json::value& v = r.json();
  if (!v.is_array() || v.as_array().empty() || !v.at(0).is_object() ||
      v.at(0).at("code") != status || !v.at(0).at("description").is_string() ||
      v.at(0).at("description").as_string().empty())
    return ::testing::AssertionFailure() << "not a JSON error document: " << r.body;
  return ::testing::AssertionSuccess();
}

}  // namespace civicgrid::api_test::open311
