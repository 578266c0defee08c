#include "open311/format.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace civicgrid::open311 {
namespace {

namespace json = boost::json;

Node sample_services() {
  Node list = Node::list("services");
  list.add(Node::object("service")
               .add(Node::string("service_code", "C01-02-04"))
               .add(Node::string("service_name", "城市公共设施"))
               .add(Node::boolean("metadata", true))
               .add(Node::null("group")));
  list.add(Node::object("service")
               .add(Node::string("service_code", "001"))
               .add(Node::boolean("metadata", false)));
  return list;
}

TEST(SparkJson, ListRootBecomesBareArrayOfItems) {
  EXPECT_EQ(
      json::parse(render_json(sample_services())),
      json::parse(
          R"([{"service_code":"C01-02-04","service_name":"城市公共设施","metadata":true,"group":null},
                            {"service_code":"001","metadata":false}])"));
}

TEST(SparkJson, ObjectRootKeepsItsFieldsAndNestedListsBecomeArrays) {
  Node formats = Node::list("formats");
  formats.add(Node::string("format", "text/xml")).add(Node::string("format", "application/json"));
  Node root = Node::object("discovery");
  root.add(Node::string("changeset", "2024-01-01T00:00:00Z")).add(std::move(formats));
  EXPECT_EQ(render_json(root),
            R"({"changeset":"2024-01-01T00:00:00Z","formats":["text/xml","application/json"]})");
}

TEST(SparkJson, EmptyListIsEmptyArray) {
  EXPECT_EQ(render_json(Node::list("service_requests")), "[]");
  EXPECT_EQ(render_xml(Node::list("service_requests")),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<service_requests></service_requests>\n");
}

TEST(SparkJson, ValuesAreTyped) {
  Node o = Node::object("request");
  o.add(Node::string("service_request_id", "12"))
      .add(Node::integer("order", 3))
      .add(Node::real("lat", 28.22))
      .add(Node::real("long", -122.4212043))
      .add(Node::boolean("required", false))
      .add(Node::optional_string("address", ""));
  EXPECT_EQ(
      render_json(o),
      R"({"service_request_id":"12","order":3,"lat":28.22,"long":-122.4212043,"required":false,"address":null})");
}

TEST(SparkJson, StringsAreEscapedAndValid) {
  Node o = Node::object("x");
  o.add(Node::string("d", "引号\"\\ 换行\n\x01 bad\xff"));
  const std::string out = render_json(o);
  EXPECT_EQ(json::parse(out).at("d").as_string(), "引号\"\\ 换行\n\x01 bad\xEF\xBF\xBD");
}

TEST(Xml, SameModelRendersAsXml) {
  EXPECT_EQ(
      render_xml(sample_services()),
      "<?xml version=\"1.0\" "
      "encoding=\"utf-8\"?>\n<services><service><service_code>C01-02-04</service_code>"
      "<service_name>城市公共设施</service_name><metadata>true</metadata><group/></service>"
      "<service><service_code>001</service_code><metadata>false</metadata></service></services>\n");
}

TEST(Errors, ErrorDocumentInBothFormats) {
  Node e = errors_node({{403, "Invalid api_key received -- can't proceed with create_request."}});
  EXPECT_EQ(
      render_json(e),
      R"([{"code":403,"description":"Invalid api_key received -- can't proceed with create_request."}])");
  EXPECT_EQ(render_xml(e),
            "<?xml version=\"1.0\" "
            "encoding=\"utf-8\"?>\n<errors><error><code>403</code><description>Invalid "
            "api_key received -- can&apos;t proceed with "
            "create_request.</description></error></errors>\n");
}

TEST(Resource, SplitsSuffixAndParsesFormats) {
  EXPECT_EQ(split_resource("services.json").name, "services");
  EXPECT_EQ(split_resource("services.json").suffix, "json");
  EXPECT_EQ(split_resource("C01-02-04.xml").name, "C01-02-04");
  EXPECT_EQ(split_resource("a.b.xml").name, "a.b");
  EXPECT_EQ(split_resource("services").suffix, "");
  EXPECT_EQ(parse_format("xml"), Format::kXml);
  EXPECT_EQ(parse_format("json"), Format::kJson);
  EXPECT_FALSE(parse_format("csv"));
  EXPECT_FALSE(parse_format("JSON"));
  EXPECT_EQ(content_type(Format::kXml), "text/xml; charset=utf-8");
  EXPECT_EQ(content_type(Format::kJson), "application/json; charset=utf-8");
}

TEST(FormatReal, ShortestRoundTrip) {
  EXPECT_EQ(format_real(28.22), "28.22");
  EXPECT_EQ(format_real(112.915), "112.915");
  EXPECT_EQ(format_real(-0.5), "-0.5");
  EXPECT_EQ(format_real(3), "3");
}

}  // namespace
}  // namespace civicgrid::open311
