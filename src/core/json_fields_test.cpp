#include "core/json_fields.h"

#include <gtest/gtest.h>

#include <string>

namespace civicgrid::json_fields {
namespace {

namespace json = boost::json;

const std::string kIdeographicSpace = "\xE3\x80\x80";  // U+3000

json::object obj(std::string_view text) {
  return json::parse(text).as_object();
}

std::string repeat(std::string_view s, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

// The error is kInvalidArgument and names `field` both in field() and in its messages.
void expect_names_field(const Error& e, std::string_view field) {
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(e.field(), field);
  EXPECT_NE(e.message_en().find(field), std::string::npos) << e.message_en();
  EXPECT_NE(e.message_zh().find(field), std::string::npos) << e.message_zh();
}

TEST(Trim, StripsAsciiAndIdeographicSpaces) {
  EXPECT_EQ(trim("  abc \t\r\n"), "abc");
  EXPECT_EQ(trim(kIdeographicSpace + "张三" + kIdeographicSpace), "张三");
  EXPECT_EQ(trim(" " + kIdeographicSpace + " \t" + kIdeographicSpace + "张 三" + kIdeographicSpace +
                 " " + kIdeographicSpace),
            "张 三");
  EXPECT_EQ(trim(kIdeographicSpace + kIdeographicSpace), "");
  EXPECT_EQ(trim(""), "");
  // Inner spaces stay.
  EXPECT_EQ(trim("a" + kIdeographicSpace + "b"), "a" + kIdeographicSpace + "b");
}

TEST(RequiredString, TrimsFullWidthSpaces) {
  json::object o;
  o["name"] = kIdeographicSpace + " 张三 " + kIdeographicSpace;
  auto r = required_string(o, "name");
  ASSERT_TRUE(r.has_value()) << r.error().message_en();
  EXPECT_EQ(*r, "张三");
}

TEST(RequiredString, KeepsSpacesWhenTrimIsOff) {
  json::object o;
  o["name"] = " x ";
  auto r = required_string(o, "name", {.trim = false});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, " x ");
}

TEST(RequiredString, MissingNullAndBlankAreMissing) {
  for (const char* text : {R"({})", R"({"name": null})", R"({"name": ""})", R"({"name": "   "})"}) {
    auto r = required_string(obj(text), "name");
    ASSERT_FALSE(r.has_value()) << text;
    expect_names_field(r.error(), "name");
  }
  json::object o;
  o["name"] = kIdeographicSpace + kIdeographicSpace;
  auto r = required_string(o, "name");
  ASSERT_FALSE(r.has_value());
  expect_names_field(r.error(), "name");
}

TEST(RequiredString, WrongTypeNamesTheField) {
  for (const char* text : {R"({"title": 5})", R"({"title": true})", R"({"title": ["a"]})",
                           R"({"title": {"a": 1}})", R"({"title": 1.5})"}) {
    auto r = required_string(obj(text), "title");
    ASSERT_FALSE(r.has_value()) << text;
    expect_names_field(r.error(), "title");
  }
}

TEST(RequiredString, LengthLimitCountsCodePointsNotBytes) {
  const StringLimits limits{.max_chars = 4000};
  json::object o;
  o["description"] = repeat("中", 4000);  // 12000 bytes
  auto ok = required_string(o, "description", limits);
  ASSERT_TRUE(ok.has_value()) << ok.error().message_en();
  EXPECT_EQ(ok->size(), 12000u);

  o["description"] = repeat("中", 4001);
  auto too_long = required_string(o, "description", limits);
  ASSERT_FALSE(too_long.has_value());
  expect_names_field(too_long.error(), "description");
  EXPECT_NE(too_long.error().message_en().find("4000"), std::string::npos);

  // Spaces trimmed before counting: 4000 characters plus padding pass.
  o["description"] = kIdeographicSpace + repeat("中", 4000) + "  ";
  EXPECT_TRUE(required_string(o, "description", limits).has_value());

  // Latin text with the same limit.
  o["description"] = std::string(4001, 'a');
  EXPECT_FALSE(required_string(o, "description", limits).has_value());
  o["description"] = std::string(4000, 'a');
  EXPECT_TRUE(required_string(o, "description", limits).has_value());
}

TEST(RequiredString, MinimumLength) {
  const StringLimits limits{.min_chars = 3, .max_chars = 10};
  json::object o;
  o["code"] = "张三";
  auto r = required_string(o, "code", limits);
  ASSERT_FALSE(r.has_value());
  expect_names_field(r.error(), "code");
  EXPECT_NE(r.error().message_en().find("3"), std::string::npos);
  o["code"] = "张三丰";
  EXPECT_EQ(required_string(o, "code", limits).value_or(""), "张三丰");
}

TEST(OptionalString, AbsentNullPresentAndInvalid) {
  auto absent = optional_string(obj("{}"), "note");
  ASSERT_TRUE(absent.has_value());
  EXPECT_FALSE(absent->has_value());
  auto null = optional_string(obj(R"({"note": null})"), "note");
  ASSERT_TRUE(null.has_value());
  EXPECT_FALSE(null->has_value());

  json::object o;
  o["note"] = kIdeographicSpace + "备注" + kIdeographicSpace;
  auto present = optional_string(o, "note");
  ASSERT_TRUE(present.has_value());
  EXPECT_EQ(present->value_or(""), "备注");

  // An empty optional string is allowed (min_chars defaults to 0 here).
  auto empty = optional_string(obj(R"({"note": "  "})"), "note");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(empty->value_or("unset"), "");

  auto wrong = optional_string(obj(R"({"note": 12})"), "note");
  ASSERT_FALSE(wrong.has_value());
  expect_names_field(wrong.error(), "note");

  o["note"] = repeat("字", 11);
  auto too_long = optional_string(o, "note", {.max_chars = 10});
  ASSERT_FALSE(too_long.has_value());
  expect_names_field(too_long.error(), "note");
}

TEST(Ints, RangesAndTypes) {
  EXPECT_EQ(required_int(obj(R"({"n": 5})"), "n", 1, 10).value_or(-1), 5);
  EXPECT_EQ(required_int(obj(R"({"n": 1})"), "n", 1, 10).value_or(-1), 1);
  EXPECT_EQ(required_int(obj(R"({"n": 10})"), "n", 1, 10).value_or(-1), 10);
  EXPECT_EQ(required_int(obj(R"({"n": -3})"), "n", -5, 0).value_or(1), -3);
  EXPECT_EQ(required_int(obj(R"({"n": 4.0})"), "n", 1, 10).value_or(-1), 4);  // integral double
  for (const char* text : {R"({"n": 0})", R"({"n": 11})", R"({"n": 2.5})", R"({"n": "5"})",
                           R"({"n": true})", R"({"n": 18446744073709551615})", R"({"n": [1]})"}) {
    auto r = required_int(obj(text), "n", 1, 10);
    ASSERT_FALSE(r.has_value()) << text;
    expect_names_field(r.error(), "n");
  }
  auto missing = required_int(obj("{}"), "count", 0, 5);
  ASSERT_FALSE(missing.has_value());
  expect_names_field(missing.error(), "count");

  auto range = required_int(obj(R"({"n": 11})"), "n", 1, 10);
  ASSERT_FALSE(range.has_value());
  EXPECT_NE(range.error().message_en().find("10"), std::string::npos);

  auto opt_absent = optional_int(obj("{}"), "n", 0, 1);
  ASSERT_TRUE(opt_absent.has_value());
  EXPECT_FALSE(opt_absent->has_value());
  auto opt_present = optional_int(obj(R"({"n": 9007199254740993})"), "n", 0, INT64_MAX);
  ASSERT_TRUE(opt_present.has_value());
  EXPECT_EQ(opt_present->value_or(0), 9007199254740993LL);
}

TEST(Numbers, RangeAndType) {
  auto d = optional_number(obj(R"({"lat": 31.5})"), "lat", -90, 90);
  ASSERT_TRUE(d.has_value());
  EXPECT_DOUBLE_EQ(d->value_or(0), 31.5);
  EXPECT_DOUBLE_EQ(optional_number(obj(R"({"lat": 12})"), "lat", -90, 90)->value_or(0), 12.0);
  for (const char* text : {R"({"lat": 90.5})", R"({"lat": -91})", R"({"lat": "31"})"}) {
    auto r = optional_number(obj(text), "lat", -90, 90);
    ASSERT_FALSE(r.has_value()) << text;
    expect_names_field(r.error(), "lat");
  }
  EXPECT_FALSE(optional_number(obj("{}"), "lat", -90, 90)->has_value());
}

TEST(Bools, TypeAndPresence) {
  EXPECT_EQ(required_bool(obj(R"({"ok": false})"), "ok").value_or(true), false);
  EXPECT_EQ(required_bool(obj(R"({"ok": true})"), "ok").value_or(false), true);
  auto wrong = required_bool(obj(R"({"ok": 1})"), "ok");
  ASSERT_FALSE(wrong.has_value());
  expect_names_field(wrong.error(), "ok");
  auto missing = required_bool(obj("{}"), "ok");
  ASSERT_FALSE(missing.has_value());
  expect_names_field(missing.error(), "ok");
  EXPECT_FALSE(optional_bool(obj(R"({"ok": null})"), "ok")->has_value());
}

TEST(StringList, ItemsAreCheckedAndNamedByIndex) {
  json::object o;
  o["roles"] = json::array{" admin ", kIdeographicSpace + "leader"};
  auto ok = optional_string_list(o, "roles", 5);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, (std::vector<std::string>{"admin", "leader"}));

  auto wrong_item = optional_string_list(obj(R"({"roles": ["admin", 5]})"), "roles", 5);
  ASSERT_FALSE(wrong_item.has_value());
  expect_names_field(wrong_item.error(), "roles[1]");

  auto blank_item = optional_string_list(obj(R"({"roles": ["admin", "x", "  "]})"), "roles", 5);
  ASSERT_FALSE(blank_item.has_value());
  expect_names_field(blank_item.error(), "roles[2]");

  auto long_item =
      optional_string_list(obj(R"({"roles": ["abcdef"]})"), "roles", 5, {.max_chars = 5});
  ASSERT_FALSE(long_item.has_value());
  expect_names_field(long_item.error(), "roles[0]");

  auto too_many = optional_string_list(obj(R"({"roles": ["a", "b", "c"]})"), "roles", 2);
  ASSERT_FALSE(too_many.has_value());
  expect_names_field(too_many.error(), "roles");

  auto not_array = optional_string_list(obj(R"({"roles": "admin"})"), "roles", 2);
  ASSERT_FALSE(not_array.has_value());
  expect_names_field(not_array.error(), "roles");

  auto absent = optional_string_list(obj("{}"), "roles", 2);
  ASSERT_TRUE(absent.has_value());
  EXPECT_TRUE(absent->empty());
}

TEST(Objects, OptionalObjectAndAsObject) {
  auto o = obj(R"({"location": {"lat": 1}, "bad": [1]})");
  auto loc = optional_object(o, "location");
  ASSERT_TRUE(loc.has_value());
  ASSERT_NE(*loc, nullptr);
  EXPECT_TRUE((*loc)->contains("lat"));
  auto absent = optional_object(o, "nothing");
  ASSERT_TRUE(absent.has_value());
  EXPECT_EQ(*absent, nullptr);
  auto bad = optional_object(o, "bad");
  ASSERT_FALSE(bad.has_value());
  expect_names_field(bad.error(), "bad");

  const json::value arr = json::parse("[1, 2]");
  auto not_obj = as_object(arr);
  ASSERT_FALSE(not_obj.has_value());
  EXPECT_EQ(not_obj.error().code(), ErrorCode::kBadRequest);
  const json::value v = json::parse(R"({"a": 1})");
  auto is_obj = as_object(v);
  ASSERT_TRUE(is_obj.has_value());
  EXPECT_EQ(*is_obj, &v.get_object());
}

TEST(Utf8, LengthCountsCodePoints) {
  EXPECT_EQ(utf8_length(""), 0u);
  EXPECT_EQ(utf8_length("abc"), 3u);
  EXPECT_EQ(utf8_length("张三"), 2u);
  EXPECT_EQ(utf8_length("a中\xF0\x9F\x98\x80"), 3u);  // 1 + 3 + 4 bytes
  EXPECT_EQ(utf8_length(kIdeographicSpace), 1u);
}

TEST(Utf8, ValidSequences) {
  for (std::string_view s : {std::string_view(""), std::string_view("plain ascii"),
                             std::string_view("中文，标点。"), std::string_view("\xC2\xA9"),
                             std::string_view("\xEF\xBF\xBF"), std::string_view("\xF0\x9F\x98\x80"),
                             std::string_view("\xF4\x8F\xBF\xBF"),  // U+10FFFF
                             std::string_view("\xED\x9F\xBF"),      // U+D7FF
                             std::string_view("\xEE\x80\x80")}) {   // U+E000
    EXPECT_TRUE(valid_utf8(s)) << testing::PrintToString(std::string(s));
  }
}

TEST(Utf8, InvalidSequences) {
  struct Case {
    const char* what;
    std::string bytes;
  };
  const Case cases[] = {
      {"overlong 2-byte '/'", "\xC0\xAF"},
      {"overlong 2-byte NUL", "\xC0\x80"},
      {"overlong 2-byte 0x7F", "\xC1\xBF"},
      {"overlong 3-byte", "\xE0\x80\xAF"},
      {"overlong 3-byte 0x7FF", "\xE0\x9F\xBF"},
      {"overlong 4-byte", "\xF0\x80\x80\xAF"},
      {"overlong 4-byte 0xFFFF", "\xF0\x8F\xBF\xBF"},
      {"high surrogate", "\xED\xA0\x80"},
      {"low surrogate", "\xED\xBF\xBF"},
      {"above U+10FFFF", "\xF4\x90\x80\x80"},
      {"5-byte lead", "\xF8\x88\x80\x80\x80"},
      {"0xFF", "\xFF"},
      {"0xFE", "a\xFE"},
      {"lone continuation", "\x80"},
      {"continuation after ascii", "ab\xBF"},
      {"truncated 2-byte", "\xC3"},
      {"truncated 3-byte", "\xE4\xB8"},
      {"truncated 4-byte", "\xF0\x9F\x98"},
      {"truncated at end of text", "中文\xE6\x96"},
      {"bad continuation", "\xE4\x41\xAD"},
      {"ascii in place of continuation", "\xC3("},
  };
  for (const auto& c : cases) EXPECT_FALSE(valid_utf8(c.bytes)) << c.what;
}

}  // namespace
}  // namespace civicgrid::json_fields
