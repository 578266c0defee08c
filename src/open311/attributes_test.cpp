#include "open311/attributes.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace civicgrid::open311 {
namespace {

namespace json = boost::json;
using Given = std::map<std::string, std::vector<std::string>>;

std::vector<AttributeDef> sample() {
  auto defs = definitions_from_json(json::parse(R"([
    {"code": "info", "datatype": "text", "variable": false, "description": "说明文字"},
    {"code": "blocks", "datatype": "singlevaluelist", "required": true, "description": "是否影响通行",
     "values": [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]},
    {"code": "hazards", "datatype": "multivaluelist", "description": "隐患",
     "values": [{"key": "water", "name": "积水"}, {"key": "debris", "name": "散落物"}]},
    {"code": "quantity", "datatype": "number", "description": "数量"},
    {"code": "found_at", "datatype": "datetime", "description": "发现时间"},
    {"code": "landmark", "datatype": "string", "description": "附近标志物"},
    {"code": "details", "datatype": "text", "description": "补充说明"}
  ])"));
  EXPECT_TRUE(defs) << defs.error().message_en();
  return defs.value_or(std::vector<AttributeDef>{});
}

std::string field_of(const Result<std::vector<AttributeAnswer>>& r) {
  return r ? "" : std::string(r.error().field());
}

const AttributeAnswer* answer(const std::vector<AttributeAnswer>& a, std::string_view code) {
  for (const auto& x : a)
    if (x.code == code) return &x;
  return nullptr;
}

TEST(Definitions, ParsedValidatedAndOrdered) {
  auto defs = sample();
  ASSERT_EQ(defs.size(), 7u);
  EXPECT_EQ(defs[0].code, "info");
  EXPECT_EQ(defs[0].order, 1);
  EXPECT_EQ(defs[6].order, 7);
  EXPECT_EQ(defs[1].datatype, Datatype::kSingleValueList);
  EXPECT_TRUE(defs[1].required);
  EXPECT_FALSE(defs[0].variable);
  // Round trip through the admin API's JSON.
  auto again = definitions_from_json(definitions_to_json(defs));
  ASSERT_TRUE(again);
  EXPECT_EQ(definitions_to_json(*again), definitions_to_json(defs));
}

TEST(Definitions, ExplicitOrdersSortAndGapsAreFilledAfterTheHighest) {
  auto defs = definitions_from_json(json::parse(R"([
    {"code": "b", "datatype": "string", "description": "B", "order": 5},
    {"code": "c", "datatype": "string", "description": "C"},
    {"code": "a", "datatype": "string", "description": "A", "order": 2}])"));
  ASSERT_TRUE(defs);
  EXPECT_EQ((*defs)[0].code, "a");
  EXPECT_EQ((*defs)[1].code, "b");
  EXPECT_EQ((*defs)[2].code, "c");
  EXPECT_EQ((*defs)[2].order, 6);
}

TEST(Definitions, RefusesBadDefinitions) {
  const char* bad[] = {
      R"([{"code": "a b", "datatype": "string", "description": "x"}])",
      R"([{"code": "attr[x]", "datatype": "string", "description": "x"}])",
      R"([{"code": "a", "datatype": "date", "description": "x"}])",
      R"([{"code": "a", "datatype": "string", "description": ""}])",
      R"([{"code": "a", "datatype": "singlevaluelist", "description": "x"}])",
      R"([{"code": "a", "datatype": "string", "description": "x", "values": [{"key": "k", "name": "n"}]}])",
      R"([{"code": "a", "datatype": "singlevaluelist", "description": "x", "values": [{"key": "k", "name": "n"}, {"key": "k", "name": "m"}]}])",
      R"([{"code": "a", "datatype": "string", "description": "x"}, {"code": "a", "datatype": "string", "description": "y"}])",
      R"([{"code": "a", "datatype": "string", "description": "x", "order": 1}, {"code": "b", "datatype": "string", "description": "y", "order": 1}])",
      R"([{"code": "a", "datatype": "text", "description": "x", "variable": false, "required": true}])",
      R"({"code": "a"})",
  };
  for (const char* b : bad) {
    auto r = definitions_from_json(json::parse(b));
    EXPECT_FALSE(r) << b;
    if (!r) {
      EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument) << b;
    }
  }
}

TEST(Answers, AllSixDatatypesAccepted) {
  auto r = validate_answers(sample(), Given{{"blocks", {"yes"}},
                                            {"hazards", {"water", "debris", "water"}},
                                            {"quantity", {" 3.5 "}},
                                            {"found_at", {"2024-05-01"}},
                                            {"landmark", {"公交站旁"}},
                                            {"details", {"第一行\n第二行"}},
                                            {"info", {"ignored"}},
                                            {"unknown", {"ignored too"}}});
  ASSERT_TRUE(r) << r.error().message_en();
  EXPECT_EQ(r->size(), 6u);
  EXPECT_EQ(answer(*r, "hazards")->values, (std::vector<std::string>{"water", "debris"}));
  EXPECT_EQ(answer(*r, "quantity")->values[0], "3.5");
  EXPECT_EQ(answer(*r, "found_at")->values[0], "2024-05-01T00:00:00+08:00");
  EXPECT_EQ(answer(*r, "details")->values[0], "第一行\n第二行");
  EXPECT_EQ(answer(*r, "info"), nullptr);
}

TEST(Answers, RequiredAttributeMissing) {
  auto r = validate_answers(sample(), Given{{"blocks", {"  "}}});
  EXPECT_EQ(field_of(r), "attribute[blocks]");
  EXPECT_NE(r.error().message_en().find("blocks"), std::string::npos);
}

TEST(Answers, EachDatatypeRefusesWrongValues) {
  const std::pair<Given, const char*> cases[] = {
      {{{"blocks", {"maybe"}}}, "attribute[blocks]"},      // singlevaluelist: unknown key
      {{{"blocks", {"yes", "no"}}}, "attribute[blocks]"},  // singlevaluelist: two keys
      {{{"blocks", {"yes"}}, {"hazards", {"water", "fire"}}},
       "attribute[hazards]"},                                                   // multivaluelist
      {{{"blocks", {"yes"}}, {"quantity", {"three"}}}, "attribute[quantity]"},  // number
      {{{"blocks", {"yes"}}, {"quantity", {"1e3"}}}, "attribute[quantity]"},
      {{{"blocks", {"yes"}}, {"quantity", {"1", "2"}}}, "attribute[quantity]"},
      {{{"blocks", {"yes"}}, {"found_at", {"last tuesday"}}}, "attribute[found_at]"},  // datetime
      {{{"blocks", {"yes"}}, {"landmark", {"two\nlines"}}}, "attribute[landmark]"},    // string
      {{{"blocks", {"yes"}}, {"landmark", {std::string(501, 'a')}}}, "attribute[landmark]"},
      {{{"blocks", {"yes"}}, {"details", {std::string(4001, 'a')}}}, "attribute[details]"},  // text
  };
  for (const auto& [given, field] : cases) {
    auto r = validate_answers(sample(), given);
    EXPECT_EQ(field_of(r), field);
    if (!r) {
      EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST(Answers, NumbersAcceptDecimalForms) {
  for (const char* ok : {"0", "-2", "+7", "3.25", ".5", "12."}) {
    auto r = validate_answers(sample(), Given{{"blocks", {"no"}}, {"quantity", {ok}}});
    EXPECT_TRUE(r) << ok;
  }
  for (const char* bad : {"-", ".", "1,5", "0x10", "1 2", "NaN", "inf"}) {
    auto r = validate_answers(sample(), Given{{"blocks", {"no"}}, {"quantity", {bad}}});
    EXPECT_FALSE(r) << bad;
  }
}

TEST(Datatype, Names) {
  for (auto d : {Datatype::kString, Datatype::kNumber, Datatype::kDatetime, Datatype::kText,
                 Datatype::kSingleValueList, Datatype::kMultiValueList})
    EXPECT_EQ(parse_datatype(name(d)), d);
  EXPECT_TRUE(is_list(Datatype::kMultiValueList));
  EXPECT_FALSE(is_list(Datatype::kText));
}

}  // namespace
}  // namespace civicgrid::open311
