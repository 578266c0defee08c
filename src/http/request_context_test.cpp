#include "http/request_context.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

namespace civicgrid::http {
namespace {

RequestContext make(std::string target, std::string body = {}, Method method = Method::kGet) {
  return RequestContext(method, std::move(target), std::move(body), "127.0.0.1", "req-1");
}

RequestContext json_request(std::string body, std::string content_type = "application/json") {
  RequestContext ctx = make("/api/v1/cases", std::move(body), Method::kPost);
  if (!content_type.empty()) ctx.set_header("Content-Type", std::move(content_type));
  return ctx;
}

std::int64_t extra_int(const Error& e, const char* key) {
  const auto* v = e.extra().if_contains(key);
  return v && v->is_int64() ? v->get_int64() : -1;
}

TEST(RequestContext, KeepsBasicFields) {
  RequestContext ctx(Method::kPost, "/api/v1/cases?x=1", "{}", "10.1.2.3", "abc-123");
  EXPECT_EQ(ctx.method(), Method::kPost);
  EXPECT_EQ(ctx.target(), "/api/v1/cases?x=1");
  EXPECT_EQ(ctx.path(), "/api/v1/cases");
  EXPECT_EQ(ctx.body(), "{}");
  EXPECT_EQ(ctx.remote_address(), "10.1.2.3");
  EXPECT_EQ(ctx.request_id(), "abc-123");
  EXPECT_FALSE(ctx.principal().authenticated());
  EXPECT_EQ(ctx.route(), nullptr);
}

TEST(Query, RepeatedKeysPlusAndPercentDecoding) {
  const auto ctx = make(
      "/api/v1/cases?status=new&status=closed&q=%E4%B8%AD%E6%96%87+road&flag&empty=&"
      "a%2Bb=1%2B1&name=%E5%BC%A0%E4%B8%89");
  EXPECT_EQ(ctx.path(), "/api/v1/cases");
  EXPECT_EQ(ctx.query_all("status"), (std::vector<std::string>{"new", "closed"}));
  EXPECT_EQ(ctx.query("status"), "new");  // the first of repeated values
  EXPECT_EQ(ctx.query("q"), "中文 road");
  EXPECT_EQ(ctx.query("name"), "张三");
  EXPECT_EQ(ctx.query("flag"), "");
  EXPECT_EQ(ctx.query("empty"), "");
  EXPECT_EQ(ctx.query("a+b"), "1+1");  // an encoded plus stays a plus
  EXPECT_EQ(ctx.query("missing"), std::nullopt);
  EXPECT_TRUE(ctx.query_all("missing").empty());
  EXPECT_EQ(ctx.query_params().size(), 7u);
}

TEST(Query, NoQueryStringAndEmptyParts) {
  EXPECT_TRUE(make("/api/v1/cases").query_params().empty());
  EXPECT_TRUE(make("/api/v1/cases?").query_params().empty());
  const auto ctx = make("/x?&&a=1&&");
  EXPECT_EQ(ctx.query_params().size(), 1u);
  EXPECT_EQ(ctx.query("a"), "1");
  // Only the first '=' splits key from value.
  EXPECT_EQ(make("/x?expr=a=b").query("expr"), "a=b");
}

TEST(PercentDecode, InvalidEscapesAreKept) {
  EXPECT_EQ(percent_decode("100%", false), "100%");
  EXPECT_EQ(percent_decode("%zz", false), "%zz");
  EXPECT_EQ(percent_decode("%4", false), "%4");
  EXPECT_EQ(percent_decode("a%41", false), "aA");
  EXPECT_EQ(percent_decode("%e4%b8%ad", false), "中");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
}

TEST(ParseQueryString, Pairs) {
  const auto q = parse_query_string("a=1&b=x+y&a=3");
  using P = std::pair<std::string, std::string>;
  EXPECT_EQ(q, (std::vector<P>{{"a", "1"}, {"b", "x y"}, {"a", "3"}}));
}

TEST(PathParams, AreDecodedWithoutPlusAsSpace) {
  auto ctx = make("/api/v1/users/x");
  ctx.set_params({{"name", "%E5%BC%A0+%E4%B8%89"}, {"id", "C%2F1"}});
  EXPECT_EQ(ctx.param("name"), "张+三");
  EXPECT_EQ(ctx.param("id"), "C/1");
  EXPECT_EQ(ctx.param("missing"), "");
}

TEST(Headers, LookupIsCaseInsensitive) {
  auto ctx = make("/");
  ctx.set_header("X-Custom-Header", "v1");
  EXPECT_EQ(ctx.header("x-custom-header"), "v1");
  EXPECT_EQ(ctx.header("X-CUSTOM-HEADER"), "v1");
  EXPECT_EQ(ctx.header("X-Custom"), "");
  EXPECT_EQ(ctx.header("Authorization"), "");
}

TEST(Json, EmptyBodyIsAnEmptyObject) {
  auto ctx = make("/", "", Method::kPost);  // no Content-Type needed
  auto v = ctx.json();
  ASSERT_TRUE(v.has_value());
  ASSERT_TRUE((*v)->is_object());
  EXPECT_TRUE((*v)->get_object().empty());
  auto o = ctx.json_object();
  ASSERT_TRUE(o.has_value());
  EXPECT_TRUE((*o)->empty());
}

TEST(Json, WrongOrMissingContentTypeIsUnsupportedMediaType) {
  for (const char* ct : {"text/plain", "application/x-www-form-urlencoded", "application/jsonp",
                         "application/json-seq", "json", ""}) {
    auto ctx = json_request(R"({"a":1})", ct);
    auto v = ctx.json();
    ASSERT_FALSE(v.has_value()) << ct;
    EXPECT_EQ(v.error().code(), ErrorCode::kUnsupportedMediaType) << ct;
    EXPECT_EQ(v.error().field(), "Content-Type");
  }
}

TEST(Json, AcceptsJsonWithParameters) {
  for (const char* ct : {"application/json", "application/json; charset=utf-8",
                         "application/json;charset=UTF-8", "Application/JSON"}) {
    auto ctx = json_request(R"({"title":"路灯不亮"})", ct);
    auto v = ctx.json();
    ASSERT_TRUE(v.has_value()) << ct << ": " << v.error().message_en();
    EXPECT_EQ((*v)->at("title").as_string(), "路灯不亮");
  }
}

TEST(Json, ParsesOnceAndCaches) {
  auto ctx = json_request(R"({"a":[1,2,3]})");
  auto first = ctx.json();
  auto second = ctx.json();
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(*first, *second);
}

TEST(Json, MalformedMultiLineBodyReportsLineColumnAndPosition) {
  const std::string body = "{\n  \"title\": \"ok\",\n  \"count\": @\n}";
  const size_t at = body.find('@');
  auto ctx = json_request(body);
  auto v = ctx.json();
  ASSERT_FALSE(v.has_value());
  const Error& e = v.error();
  EXPECT_EQ(e.code(), ErrorCode::kBadRequest);
  EXPECT_EQ(e.field(), "body");
  EXPECT_EQ(extra_int(e, "line"), 3);
  EXPECT_EQ(extra_int(e, "column"), 12);  // `  "count": @` — '@' is the 12th character
  EXPECT_EQ(extra_int(e, "position"), static_cast<std::int64_t>(at));
  EXPECT_NE(e.message_en().find("line 3"), std::string::npos) << e.message_en();
  EXPECT_NE(e.message_en().find("column 12"), std::string::npos) << e.message_en();
}

TEST(Json, ColumnCountsCharactersNotBytes) {
  const std::string body = "{\"标题\": \"路灯\", x}";
  const size_t at = body.find('x');
  auto ctx = json_request(body);
  auto v = ctx.json();
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(extra_int(v.error(), "line"), 1);
  EXPECT_EQ(extra_int(v.error(), "column"), 14);  // {"标题": "路灯", x
  EXPECT_EQ(extra_int(v.error(), "position"), static_cast<std::int64_t>(at));
}

TEST(Json, TrailingGarbageAfterAValueIsRejected) {
  for (const char* body : {R"({"a":1} x)", R"({"a":1}{})", R"({"a":1},)", "[1] [2]", "1 2"}) {
    auto ctx = json_request(body);
    auto v = ctx.json();
    ASSERT_FALSE(v.has_value()) << body;
    EXPECT_EQ(v.error().code(), ErrorCode::kBadRequest) << body;
  }
}

TEST(Json, TrailingGarbageIsLocatedWhereItStarts) {
  const std::string body = "{\"a\":1}\n  zz";
  auto ctx = json_request(body);
  auto v = ctx.json();
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(extra_int(v.error(), "line"), 2);
  EXPECT_EQ(extra_int(v.error(), "column"), 3);
  EXPECT_EQ(extra_int(v.error(), "position"), static_cast<std::int64_t>(body.find('z')));
}

TEST(Json, TrailingWhitespaceIsAccepted) {
  auto ctx = json_request("{\"a\":1}\r\n \t\n");
  auto v = ctx.json();
  ASSERT_TRUE(v.has_value()) << v.error().message_en();
  EXPECT_EQ((*v)->at("a").as_int64(), 1);
}

TEST(Json, IncompleteBodyIsRejected) {
  for (const char* body : {R"({"a":)", R"({"a":1)", "[", R"("unterminated)", "tru"}) {
    auto ctx = json_request(body);
    auto v = ctx.json();
    ASSERT_FALSE(v.has_value()) << body;
    EXPECT_EQ(v.error().code(), ErrorCode::kBadRequest) << body;
  }
}

TEST(Json, ScalarsParseAndJsonObjectRequiresAnObject) {
  auto ctx = json_request("[1, 2]");
  auto v = ctx.json();
  ASSERT_TRUE(v.has_value());
  EXPECT_TRUE((*v)->is_array());
  auto o = ctx.json_object();
  ASSERT_FALSE(o.has_value());
  EXPECT_EQ(o.error().code(), ErrorCode::kBadRequest);
  EXPECT_EQ(o.error().field(), "body");

  auto number = json_request("42");
  ASSERT_TRUE(number.json().has_value());
  EXPECT_EQ((*number.json())->as_int64(), 42);
}

TEST(Lang, FromQueryThenAcceptLanguage) {
  struct Row {
    const char* target;
    const char* accept_language;  // nullptr: no header
    const char* expected;
  };
  const Row rows[] = {
      {"/x", nullptr, "zh"},
      {"/x", "en", "en"},
      {"/x", "en-US,en;q=0.9", "en"},
      {"/x", "EN-gb", "en"},
      {"/x", "zh-CN,zh;q=0.9,en;q=0.8", "zh"},
      {"/x", "fr", "zh"},
      {"/x", "e", "zh"},
      {"/x?lang=en", nullptr, "en"},
      {"/x?lang=en", "zh-CN", "en"},
      {"/x?lang=zh", "en-US", "zh"},
      {"/x?lang=fr", "en-US", "zh"},
      {"/x?page=2&lang=en", nullptr, "en"},
  };
  for (const auto& r : rows) {
    auto ctx = make(r.target);
    if (r.accept_language) ctx.set_header("Accept-Language", r.accept_language);
    EXPECT_EQ(ctx.lang(), r.expected)
        << r.target << " Accept-Language: " << (r.accept_language ? r.accept_language : "(none)");
  }
}

TEST(Audit, NoteDefaultsAndIsWritable) {
  auto ctx = make("/x", "", Method::kPost);
  EXPECT_TRUE(ctx.audit().action.empty());
  EXPECT_FALSE(ctx.audit().personal_data_read);
  ctx.audit().target_type = "case";
  ctx.audit().target_id = "C-1";
  ctx.audit().personal_data_read = true;
  const RequestContext& cref = ctx;
  EXPECT_EQ(cref.audit().target_id, "C-1");
  EXPECT_TRUE(cref.audit().personal_data_read);
}

}  // namespace
}  // namespace civicgrid::http
