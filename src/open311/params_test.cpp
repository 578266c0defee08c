#include "open311/params.h"

#include <gtest/gtest.h>

#include "http/request_context.h"

namespace civicgrid::open311 {
namespace {

using Values = std::vector<std::string>;

TEST(Params, EmptyValuesAreAbsent) {
  Params p({{"description", ""}, {"service_code", "C1"}, {"description", "路灯坏了"}});
  EXPECT_EQ(p.get("description"), "路灯坏了");
  EXPECT_EQ(p.get("service_code"), "C1");
  EXPECT_FALSE(p.get("lat"));
  EXPECT_EQ(p.all("description"), Values{"路灯坏了"});
}

TEST(Params, ListsSplitOnCommasAndRepeats) {
  Params p({{"service_code", "a, b,,c"}, {"service_code", "d"}, {"status", ""}});
  EXPECT_EQ(p.list("service_code"), (Values{"a", "b", "c", "d"}));
  EXPECT_TRUE(p.list("status").empty());
}

TEST(Params, AttributeForms) {
  Params p({{"attribute[kind]", "residence"},
            {"attribute[hazards][]", "water"},
            {"attribute[hazards][]", "debris"},
            {"attribute[multi]", "a"},
            {"attribute[multi]", "b"},
            {"attribute[idx][0]", "x"},
            {"attribute[idx][1]", "y"},
            {"attribute[empty]", ""},
            {"attribute[]", "no code"},
            {"attribute[bad][x]", "no"},
            {"attributes", "ignored"}});
  auto a = p.attributes();
  EXPECT_EQ(a["kind"], Values{"residence"});
  EXPECT_EQ(a["hazards"], (Values{"water", "debris"}));
  EXPECT_EQ(a["multi"], (Values{"a", "b"}));
  EXPECT_EQ(a["idx"], (Values{"x", "y"}));
  EXPECT_FALSE(a.contains("empty"));
  EXPECT_FALSE(a.contains("bad"));
  EXPECT_EQ(a.size(), 4u);
}

TEST(MergeParams, BodyAndQueryStringAreMerged) {
  // node-open311 sends jurisdiction_id in the query string and the rest in the form body, with the
  // attribute keys percent-encoded by Node's querystring.
  auto query = http::parse_query_string("jurisdiction_id=minghu.gov.cn&api_key=from-query");
  auto p = merge_params(query, "application/x-www-form-urlencoded; charset=utf-8",
                        "service_code=C01&description=%E8%B7%AF%E7%81%AF+out&attribute%5Bkind%5D=a"
                        "&attribute%5Bkind%5D=b&api_key=from-body");
  ASSERT_TRUE(p) << p.error().message_en();
  EXPECT_EQ(p->get("jurisdiction_id"), "minghu.gov.cn");
  EXPECT_EQ(p->get("description"), "路灯 out");
  EXPECT_EQ(p->get("api_key"), "from-body");  // the body wins
  EXPECT_EQ(p->attributes()["kind"], (Values{"a", "b"}));
}

TEST(MergeParams, NoContentTypeIsReadAsForm) {
  auto p = merge_params({}, "", "a=1");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->get("a"), "1");
}

TEST(MergeParams, OtherBodiesAreRefused) {
  auto p = merge_params({}, "application/json", R"({"a":1})");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code(), ErrorCode::kBadRequest);
}

TEST(MergeParams, InvalidUtf8IsRefused) {
  auto p = merge_params({}, "application/x-www-form-urlencoded", "description=%FF%FE");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code(), ErrorCode::kBadRequest);
}

TEST(Multipart, FieldsAreReadAndFilesSkipped) {
  const std::string body =
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"service_code\"\r\n\r\n"
      "C01-02-04\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"description\"\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n\r\n"
      "第一行\r\n第二行\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"media\"; filename=\"photo.jpg\"\r\n"
      "Content-Type: image/jpeg\r\n\r\n"
      "\xff\xd8\xff\xe0 binary --XyZ-not-a-boundary\r\n"
      "--XyZ\r\n"
      "Content-Disposition: form-data; name=\"attribute[hazards][]\"\r\n\r\n"
      "water\r\n"
      "--XyZ--\r\n";
  auto p = merge_params({{"api_key", "k"}}, "multipart/form-data; boundary=XyZ", body);
  ASSERT_TRUE(p) << p.error().message_en();
  EXPECT_EQ(p->get("service_code"), "C01-02-04");
  EXPECT_EQ(p->get("description"), "第一行\r\n第二行");
  EXPECT_FALSE(p->get("media"));
  EXPECT_EQ(p->get("api_key"), "k");
  EXPECT_EQ(p->attributes()["hazards"], Values{"water"});
}

TEST(Multipart, QuotedBoundaryAndEmptyField) {
  auto p = merge_params({}, "multipart/form-data; boundary=\"a b\"",
                        "--a b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n\r\n--a b--");
  ASSERT_TRUE(p) << p.error().message_en();
  EXPECT_FALSE(p->get("x"));
  EXPECT_EQ(p->pairs().size(), 1u);
}

TEST(Multipart, MalformedBodiesAreRefused) {
  EXPECT_FALSE(parse_multipart("no boundary here", "XyZ"));
  EXPECT_FALSE(parse_multipart(
      "--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated", "XyZ"));
  EXPECT_FALSE(
      parse_multipart("--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--", "XyZ"));
  EXPECT_FALSE(merge_params({}, "multipart/form-data", "--x\r\n"));  // no boundary parameter
}

TEST(Multipart, Boundary) {
  EXPECT_EQ(multipart_boundary("multipart/form-data; boundary=----WebKitFormBoundary7MA4"),
            "----WebKitFormBoundary7MA4");
  EXPECT_EQ(multipart_boundary("multipart/form-data; charset=utf-8; boundary=\"q\\\"x\""), "q\"x");
  EXPECT_EQ(multipart_boundary("multipart/form-data"), "");
}

}  // namespace
}  // namespace civicgrid::open311
