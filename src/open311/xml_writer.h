// A small XML 1.0 writer: the declaration, elements and escaped text, nothing else (no attributes,
// no namespaces: GeoReport v2 documents need neither).
//
// Whatever text it is given, the output stays well-formed: markup characters are escaped,
// characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) are dropped, and bytes that are not
// UTF-8 become U+FFFD. Element names are checked; a bad name is a programming error
// (std::invalid_argument).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace civicgrid::open311 {

class XmlWriter {
 public:
  // Starts the document with <?xml version="1.0" encoding="utf-8"?>.
  XmlWriter();

  void open(std::string_view name);
  // Closes the innermost open element. std::logic_error when none is open.
  void close();
  // <name/>
  void empty(std::string_view name);
  // <name>text</name>
  void element(std::string_view name, std::string_view text);
  // Escaped character data inside the innermost open element.
  void text(std::string_view text);

  // Closes every open element and returns the document.
  std::string finish();

 private:
  std::string out_;
  std::vector<std::string> open_;
};

// Escaped character data or attribute value (also escapes quotes), made well-formed as above.
std::string xml_escape(std::string_view text);
// Whether `name` is a valid element name in the ASCII subset this writer uses:
// [A-Za-z_][A-Za-z0-9_.-]*
bool valid_xml_name(std::string_view name);
// Appends `text` to `out` as valid UTF-8, replacing invalid sequences with U+FFFD; with xml_chars,
// also drops the characters XML 1.0 does not allow.
void append_clean_utf8(std::string& out, std::string_view text, bool xml_chars);

}  // namespace civicgrid::open311
