#include "open311/xml_writer.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace civicgrid::open311 {
namespace {

TEST(XmlEscape, EscapesMarkupCharacters) {
  EXPECT_EQ(xml_escape("a<b>&\"c\"'d'"), "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;");
  EXPECT_EQ(xml_escape("]]>"), "]]&gt;");
  EXPECT_EQ(xml_escape("&amp;"),
            "&amp;amp;");  // escaping is not idempotent on purpose: text is text
}

TEST(XmlEscape, KeepsUtf8AndWhitespace) {
  EXPECT_EQ(xml_escape("路灯不亮\t第2行\n"), "路灯不亮\t第2行\n");
  EXPECT_EQ(xml_escape("emoji 😀"), "emoji 😀");
  EXPECT_EQ(xml_escape("a\rb"), "a&#13;b");
}

TEST(XmlEscape, DropsCharactersXmlForbids) {
  EXPECT_EQ(xml_escape(std::string("a\x01"
                                   "b\x1f"
                                   "c\x7f",
                                   6)),
            "abc\x7f");
  EXPECT_EQ(xml_escape(std::string("nul\0end", 7)), "nulend");
  EXPECT_EQ(xml_escape("\xEF\xBF\xBE\xEF\xBF\xBF"), "");  // U+FFFE, U+FFFF
}

TEST(XmlEscape, ReplacesInvalidUtf8) {
  EXPECT_EQ(xml_escape("a\xff"
                       "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(xml_escape("\xe8\xb7"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated sequence
  EXPECT_EQ(xml_escape("\xc0\xaf"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(xml_escape("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
}

TEST(XmlName, ChecksNames) {
  EXPECT_TRUE(valid_xml_name("service_request_id"));
  EXPECT_TRUE(valid_xml_name("a-b.c1"));
  EXPECT_FALSE(valid_xml_name(""));
  EXPECT_FALSE(valid_xml_name("1abc"));
  EXPECT_FALSE(valid_xml_name("a b"));
  EXPECT_FALSE(valid_xml_name("a<b"));
  EXPECT_FALSE(valid_xml_name("xmlfoo"));
}

TEST(XmlWriter, WritesDeclarationElementsAndEmptyElements) {
  XmlWriter w;
  w.open("errors");
  w.open("error");
  w.element("code", "403");
  w.element("description", "Invalid api_key <x> & 'y'");
  w.close();
  w.empty("note");
  EXPECT_EQ(
      w.finish(),
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<errors><error><code>403</code><description>Invalid api_key &lt;x&gt; &amp; &apos;y&apos;"
      "</description></error><note/></errors>\n");
}

TEST(XmlWriter, RefusesBadNamesAndUnbalancedClose) {
  XmlWriter w;
  EXPECT_THROW(w.open("bad name"), std::invalid_argument);
  EXPECT_THROW(w.empty("<x>"), std::invalid_argument);
  EXPECT_THROW(w.close(), std::logic_error);
}

}  // namespace
}  // namespace civicgrid::open311
