#include "core/error.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <set>
#include <string>

namespace civicgrid {
namespace {

TEST(ErrorFactories, SetCodeFieldAndMessages) {
  const Error bad = Error::bad_request("格式错误", "malformed", "body");
  EXPECT_EQ(bad.code(), ErrorCode::kBadRequest);
  EXPECT_EQ(bad.field(), "body");
  EXPECT_EQ(bad.message_zh(), "格式错误");
  EXPECT_EQ(bad.message_en(), "malformed");

  const Error inv = Error::invalid("phone", "电话无效", "bad phone");
  EXPECT_EQ(inv.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(inv.field(), "phone");
  EXPECT_EQ(inv.message_zh(), "电话无效");
  EXPECT_EQ(inv.message_en(), "bad phone");

  const Error conflict = Error::conflict("已存在", "exists", "code");
  EXPECT_EQ(conflict.code(), ErrorCode::kConflict);
  EXPECT_EQ(conflict.field(), "code");
  EXPECT_EQ(conflict.message_en(), "exists");

  const Error nf = Error::not_found("不存在", "no such case");
  EXPECT_EQ(nf.code(), ErrorCode::kNotFound);
  EXPECT_TRUE(nf.field().empty());
  EXPECT_EQ(nf.message_zh(), "不存在");
  EXPECT_EQ(nf.message_en(), "no such case");

  EXPECT_EQ(Error::too_many_requests("慢点", "slow down").code(), ErrorCode::kTooManyRequests);
  EXPECT_EQ(Error::too_many_requests("慢点", "slow down").message_en(), "slow down");
  EXPECT_EQ(Error::unavailable("忙", "busy").code(), ErrorCode::kUnavailable);
  EXPECT_EQ(Error::unavailable("忙", "busy").message_zh(), "忙");
}

TEST(ErrorFactories, MissingNamesTheFieldInBothLanguages) {
  const Error e = Error::missing("title");
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field(), "title");
  EXPECT_NE(e.message_en().find("title"), std::string::npos);
  EXPECT_NE(e.message_zh().find("title"), std::string::npos);
  EXPECT_NE(e.message_en(), e.message_zh());
}

TEST(ErrorFactories, AuthErrorsHaveDefaultsAndAcceptOwnMessages) {
  const Error unauth = Error::unauthenticated();
  EXPECT_EQ(unauth.code(), ErrorCode::kUnauthenticated);
  EXPECT_FALSE(unauth.message_en().empty());
  EXPECT_FALSE(unauth.message_zh().empty());
  EXPECT_TRUE(unauth.field().empty());
  const Error custom = Error::unauthenticated("过期", "expired");
  EXPECT_EQ(custom.message_zh(), "过期");
  EXPECT_EQ(custom.message_en(), "expired");

  const Error forbidden = Error::forbidden();
  EXPECT_EQ(forbidden.code(), ErrorCode::kForbidden);
  EXPECT_FALSE(forbidden.message_en().empty());
  EXPECT_EQ(Error::forbidden("不行", "no").message_en(), "no");
}

TEST(ErrorFactories, InternalKeepsDetailButShowsAnOpaqueMessage) {
  const Error e = Error::internal("sqlite: no such table: cases (SELECT * FROM cases)");
  EXPECT_EQ(e.code(), ErrorCode::kInternal);
  EXPECT_EQ(e.detail(), "sqlite: no such table: cases (SELECT * FROM cases)");
  EXPECT_EQ(e.message_en().find("sqlite"), std::string::npos);
  EXPECT_EQ(e.message_zh().find("sqlite"), std::string::npos);
  EXPECT_FALSE(e.message_en().empty());
  // Other factories leave the detail empty.
  EXPECT_TRUE(Error::invalid("a", "b", "c").detail().empty());
}

TEST(Error, MessagePicksTheLanguage) {
  const Error e = Error::not_found("找不到", "not found here");
  EXPECT_EQ(e.message("en"), "not found here");
  EXPECT_EQ(e.message("zh"), "找不到");
  EXPECT_EQ(e.message("fr"), "找不到");
  EXPECT_EQ(e.message(""), "找不到");
}

TEST(Error, WithExtraAndWithFieldChain) {
  Error e = Error::conflict("状态冲突", "state conflict");
  e.with_extra("state", "closed").with_extra("version", 3).with_field("version");
  EXPECT_EQ(e.field(), "version");
  ASSERT_EQ(e.extra().size(), 2u);
  EXPECT_EQ(e.extra().at("state").as_string(), "closed");
  EXPECT_EQ(e.extra().at("version").as_int64(), 3);
  // The same key again replaces the value.
  e.with_extra("state", boost::json::array{"a", "b"});
  EXPECT_EQ(e.extra().size(), 2u);
  EXPECT_TRUE(e.extra().at("state").is_array());
}

TEST(Error, FailWrapsIntoAnUnexpectedResult) {
  auto f = []() -> Result<int> { return fail(Error::missing("x")); };
  const Result<int> r = f();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().field(), "x");
}

TEST(ErrorCodeName, EveryCodeHasADistinctSnakeCaseName) {
  const ErrorCode all[] = {
      ErrorCode::kBadRequest,      ErrorCode::kInvalidArgument, ErrorCode::kUnauthenticated,
      ErrorCode::kForbidden,       ErrorCode::kNotFound,        ErrorCode::kMethodNotAllowed,
      ErrorCode::kConflict,        ErrorCode::kPayloadTooLarge, ErrorCode::kUnsupportedMediaType,
      ErrorCode::kHeadersTooLarge, ErrorCode::kTooManyRequests, ErrorCode::kRequestTimeout,
      ErrorCode::kUnavailable,     ErrorCode::kInternal};
  std::set<std::string_view> names;
  for (ErrorCode c : all) {
    const auto name = error_code_name(c);
    EXPECT_FALSE(name.empty());
    for (char ch : name) EXPECT_TRUE((ch >= 'a' && ch <= 'z') || ch == '_') << name;
    names.insert(name);
  }
  EXPECT_EQ(names.size(), std::size(all));
  EXPECT_EQ(error_code_name(ErrorCode::kInvalidArgument), "invalid_argument");
  EXPECT_EQ(error_code_name(ErrorCode::kNotFound), "not_found");
  EXPECT_EQ(error_code_name(ErrorCode::kInternal), "internal");
}

}  // namespace
}  // namespace civicgrid
