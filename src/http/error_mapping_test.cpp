#include "http/error_mapping.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <optional>
#include <string>

namespace civicgrid::http {
namespace {

namespace json = boost::json;

struct StatusCase {
  ErrorCode code;
  unsigned status;
  const char* name;
};

// The documented mapping (src/http/error_mapping.h, src/core/error.h).
const StatusCase kStatusCases[] = {
    {ErrorCode::kBadRequest, 400, "bad_request"},
    {ErrorCode::kInvalidArgument, 422, "invalid_argument"},
    {ErrorCode::kUnauthenticated, 401, "unauthenticated"},
    {ErrorCode::kForbidden, 403, "forbidden"},
    {ErrorCode::kNotFound, 404, "not_found"},
    {ErrorCode::kMethodNotAllowed, 405, "method_not_allowed"},
    {ErrorCode::kConflict, 409, "conflict"},
    {ErrorCode::kPayloadTooLarge, 413, "payload_too_large"},
    {ErrorCode::kUnsupportedMediaType, 415, "unsupported_media_type"},
    {ErrorCode::kHeadersTooLarge, 431, "headers_too_large"},
    {ErrorCode::kTooManyRequests, 429, "too_many_requests"},
    {ErrorCode::kRequestTimeout, 408, "request_timeout"},
    {ErrorCode::kUnavailable, 503, "unavailable"},
    {ErrorCode::kInternal, 500, "internal"},
};

static_assert(std::size(kStatusCases) == static_cast<size_t>(ErrorCode::kInternal) + 1,
              "every ErrorCode has a row");

std::optional<std::string> header(const Response& r, std::string_view name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return std::nullopt;
}

json::object error_object(const Response& r) {
  const json::value root = json::parse(r.body);
  EXPECT_TRUE(root.is_object());
  EXPECT_EQ(root.as_object().size(), 1u) << r.body;
  return root.at("error").as_object();
}

void PrintTo(const StatusCase& c, std::ostream* os) {
  *os << c.name;
}

class ErrorStatus : public ::testing::TestWithParam<StatusCase> {};

TEST_P(ErrorStatus, MapsCodeToStatusAndBody) {
  const auto& c = GetParam();
  EXPECT_EQ(http_status(c.code), c.status);
  // Internal errors are made by their factory only; the others by the constructor.
  Error e = c.code == ErrorCode::kInternal ? Error::internal("hidden detail")
                                           : Error(c.code, "中文消息", "english message");
  e.with_field("some_field");
  const Response r = error_response(e, "req-42", "zh");
  EXPECT_EQ(r.body.find("hidden detail"), std::string::npos);
  EXPECT_EQ(r.status, c.status);
  EXPECT_EQ(r.content_type, "application/json; charset=utf-8");
  const json::object err = error_object(r);
  EXPECT_EQ(err.at("code").as_string(), c.name);
  EXPECT_EQ(err.at("field").as_string(), "some_field");
  EXPECT_EQ(err.at("request_id").as_string(), "req-42");
  if (c.code == ErrorCode::kInternal) {
    EXPECT_EQ(err.at("message").as_string(), Error::internal("").message_zh());
  } else {
    EXPECT_EQ(err.at("message").as_string(), "中文消息");
  }
}

INSTANTIATE_TEST_SUITE_P(AllCodes, ErrorStatus, ::testing::ValuesIn(kStatusCases),
                         [](const ::testing::TestParamInfo<StatusCase>& info) {
                           return std::string(info.param.name);
                         });

TEST(ErrorResponse, BodyShape) {
  const Error e = Error::invalid("title", "标题不能为空", "title must not be empty");
  const Response r = error_response(e, "abc-1", "zh");
  const json::object err = error_object(r);
  EXPECT_EQ(err.size(), 4u) << r.body;
  EXPECT_EQ(err.at("code").as_string(), "invalid_argument");
  EXPECT_EQ(err.at("message").as_string(), "标题不能为空");
  EXPECT_EQ(err.at("field").as_string(), "title");
  EXPECT_EQ(err.at("request_id").as_string(), "abc-1");
}

TEST(ErrorResponse, NoFieldMeansNoFieldKey) {
  const Response r = error_response(Error::not_found("没有", "none"), "r", "zh");
  const json::object err = error_object(r);
  EXPECT_FALSE(err.contains("field"));
  EXPECT_EQ(err.at("request_id").as_string(), "r");
}

TEST(ErrorResponse, EnglishWhenAsked) {
  const Error e = Error::conflict("状态冲突", "state conflict");
  EXPECT_EQ(error_object(error_response(e, "r", "en")).at("message").as_string(), "state conflict");
  EXPECT_EQ(error_object(error_response(e, "r", "zh")).at("message").as_string(), "状态冲突");
  EXPECT_EQ(error_object(error_response(Error::internal("x"), "r", "en")).at("message").as_string(),
            "internal server error");
}

TEST(ErrorResponse, ExtrasGoInsideTheErrorObject) {
  Error e = Error::conflict("状态冲突", "state conflict");
  e.with_extra("state", "closed").with_extra("version", 7);
  const json::object err = error_object(error_response(e, "r", "en"));
  EXPECT_EQ(err.at("state").as_string(), "closed");
  EXPECT_EQ(err.at("version").as_int64(), 7);
}

TEST(ErrorResponse, InternalErrorsNeverLeakTheirDetail) {
  Error e = Error::internal("sqlite3_step: no such column password_hash in SELECT * FROM users");
  e.with_extra("statement", "SELECT * FROM users");
  for (const char* lang : {"zh", "en"}) {
    const Response r = error_response(e, "r", lang);
    EXPECT_EQ(r.status, 500u);
    EXPECT_EQ(r.body.find("sqlite3_step"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("password_hash"), std::string::npos) << r.body;
    EXPECT_EQ(r.body.find("SELECT"), std::string::npos) << r.body;
    const json::object err = error_object(r);
    EXPECT_EQ(err.at("code").as_string(), "internal");
    EXPECT_FALSE(err.contains("statement"));
  }
}

TEST(ErrorResponse, MethodNotAllowedSetsAllow) {
  Error e(ErrorCode::kMethodNotAllowed, "不支持", "not allowed");
  e.with_extra("allow", json::array{"GET", "POST"});
  const Response r = error_response(e, "r", "en");
  EXPECT_EQ(r.status, 405u);
  EXPECT_EQ(header(r, "Allow"), "GET, POST");
  EXPECT_EQ(header(r, "WWW-Authenticate"), std::nullopt);
}

TEST(ErrorResponse, UnauthenticatedSetsWwwAuthenticate) {
  const Response r = error_response(Error::unauthenticated(), "r", "zh");
  EXPECT_EQ(r.status, 401u);
  EXPECT_EQ(header(r, "WWW-Authenticate"), "Bearer");
  EXPECT_EQ(header(r, "Allow"), std::nullopt);
  // Forbidden is not an authentication challenge.
  EXPECT_EQ(header(error_response(Error::forbidden(), "r", "zh"), "WWW-Authenticate"),
            std::nullopt);
}

TEST(Response, Helpers) {
  const Response j = Response::json(json::object{{"a", 1}}, 201);
  EXPECT_EQ(j.status, 201u);
  EXPECT_EQ(json::parse(j.body).at("a").as_int64(), 1);
  EXPECT_EQ(j.content_type, "application/json; charset=utf-8");
  const Response t = Response::text("hello", "text/plain", 202);
  EXPECT_EQ(t.status, 202u);
  EXPECT_EQ(t.body, "hello");
  EXPECT_EQ(t.content_type, "text/plain");
  const Response n = Response::no_content();
  EXPECT_EQ(n.status, 204u);
  EXPECT_TRUE(n.body.empty());
  EXPECT_TRUE(n.content_type.empty());
}

}  // namespace
}  // namespace civicgrid::http
