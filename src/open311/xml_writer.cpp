#include "open311/xml_writer.h"

#include <stdexcept>

namespace civicgrid::open311 {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at s[i] and its code point; 0 when invalid (overlong forms,
// surrogates and values past U+10FFFF are invalid too).
size_t utf8_sequence(std::string_view s, size_t i, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  size_t len;
  if (b0 < 0x80) {
    cp = b0;
    return 1;
  } else if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool xml_allowed(char32_t cp) {
  if (cp < 0x20) return cp == 0x09 || cp == 0x0A || cp == 0x0D;
  return cp != 0xFFFE && cp != 0xFFFF;
}

}  // namespace

void append_clean_utf8(std::string& out, std::string_view text, bool xml_chars) {
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    const size_t len = utf8_sequence(text, i, cp);
    if (len == 0) {
      out += kReplacement;
      ++i;
      continue;
    }
    if (!xml_chars || xml_allowed(cp)) out.append(text.substr(i, len));
    i += len;
  }
}

std::string xml_escape(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  append_clean_utf8(clean, text, true);
  std::string out;
  out.reserve(clean.size() + 16);
  for (char c : clean) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;  // "]]>" must not appear in character data
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\r':
        out += "&#13;";
        break;  // a literal CR would be normalised away by parsers
      default:
        out.push_back(c);
    }
  }
  return out;
}

bool valid_xml_name(std::string_view name) {
  if (name.empty()) return false;
  // "xml" in any case is reserved as a prefix.
  if (name.size() >= 3 && (name[0] | 0x20) == 'x' && (name[1] | 0x20) == 'm' &&
      (name[2] | 0x20) == 'l')
    return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    const bool more = (c >= '0' && c <= '9') || c == '-' || c == '.';
    if (!(alpha || (i > 0 && more))) return false;
  }
  return true;
}

XmlWriter::XmlWriter() {
  out_ = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n";
}

void XmlWriter::open(std::string_view name) {
  if (!valid_xml_name(name))
    throw std::invalid_argument("bad XML element name: " + std::string(name));
  out_ += '<';
  out_ += name;
  out_ += '>';
  open_.emplace_back(name);
}

void XmlWriter::close() {
  if (open_.empty()) throw std::logic_error("XmlWriter::close without an open element");
  out_ += "</";
  out_ += open_.back();
  out_ += '>';
  open_.pop_back();
}

void XmlWriter::empty(std::string_view name) {
  if (!valid_xml_name(name))
    throw std::invalid_argument("bad XML element name: " + std::string(name));
  out_ += '<';
  out_ += name;
  out_ += "/>";
}

void XmlWriter::element(std::string_view name, std::string_view text) {
  open(name);
  this->text(text);
  close();
}

void XmlWriter::text(std::string_view text) {
  out_ += xml_escape(text);
}

std::string XmlWriter::finish() {
  while (!open_.empty()) close();
  out_ += '\n';
  return std::move(out_);
}

}  // namespace civicgrid::open311
