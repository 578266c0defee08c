// Redaction as data: each case is a text and what it must become. Negative cases (dates, amounts,
// years, bus lines, counts) must come back unchanged.
#include <gtest/gtest.h>

#include "text/text.h"

namespace civicgrid::text {
namespace {

struct Case {
  const char* in;
  const char* out;
};

void expect_all(std::initializer_list<Case> cases) {
  for (const auto& c : cases) EXPECT_EQ(redact(c.in), c.out) << "input: " << c.in;
}

TEST(Redact, MobileNumbers) {
  expect_all({
      {"电话13812345678", "电话〔电话〕"},
      {"手机：138 1234 5678。", "手机：〔电话〕。"},
      {"138-1234-5678", "〔电话〕"},
      {"+86 13912345678", "〔电话〕"},
      {"8613912345678", "〔电话〕"},
      {"全角１３８１２３４５６７８号码", "全角〔电话〕号码"},
      {"2020-01-06 13812345678", "2020-01-06 〔电话〕"},
  });
}

TEST(Redact, Landlines) {
  expect_all({
      {"0731-84512345", "〔电话〕"},
      {"座机（0731）88886666", "座机〔电话〕"},
      {"(010)62345678转8001", "〔电话〕转8001"},
      {"联系电话：84567890", "联系电话：〔电话〕"},
      {"电话是 8456789", "电话是 〔电话〕"},
      {"01062345678", "〔电话〕"},
  });
}

TEST(Redact, IdNumbersNeedAValidCheckDigit) {
  expect_all({
      {"身份证11010519491231002X", "身份证〔身份证号〕"},
      {"身份证号：11010519491231002x。", "身份证号：〔身份证号〕。"},
      {"ID 440524199001010018", "ID 〔身份证号〕"},
  });
  // A wrong check digit is not an ID number (and not Luhn-valid either, so it stays).
  EXPECT_EQ(redact("编号110105194912310021"), "编号110105194912310021");
}

TEST(Redact, BankCardsNeedLuhn) {
  expect_all({
      {"卡号6222021234567890128", "卡号〔银行卡号〕"},
      {"卡号 6222 0212 3456 7890 128", "卡号 〔银行卡号〕"},
      {"4111111111111111", "〔银行卡号〕"},
  });
  EXPECT_EQ(redact("订单4111111111111112"), "订单4111111111111112");
}

TEST(Redact, Emails) {
  expect_all({
      {"邮箱zhang.san@example.com。", "邮箱〔邮箱〕。"},
      {"写信至 li_si+gov@mail.hunan.gov.cn 谢谢", "写信至 〔邮箱〕 谢谢"},
      {"全角ｚｓ＠ｅｘａｍｐｌｅ．ｃｏｍ", "全角〔邮箱〕"},
  });
  EXPECT_EQ(redact("@某某 请关注"), "@某某 请关注");
  EXPECT_EQ(redact("a@b"), "a@b");
}

TEST(Redact, LicencePlates) {
  expect_all({
      {"车牌湘A·12345违停", "车牌〔车牌〕违停"},
      {"粤B3K5Z9", "〔车牌〕"},
      {"京AD12345新能源", "〔车牌〕新能源"},
      {"湘A 12345", "〔车牌〕"},
  });
  EXPECT_EQ(redact("湘AB项目"), "湘AB项目");
}

TEST(Redact, HouseNumbersKeepTheEstate) {
  expect_all({
      {"幸福小区3栋2单元501室", "幸福小区〔门牌〕"},
      {"住在5号楼1单元302", "住在〔门牌〕"},
      {"12幢301室漏水", "〔门牌〕漏水"},
      {"A座1203室", "〔门牌〕"},
      {"三栋二单元", "〔门牌〕"},
      {"锦绣小区3-2-501", "锦绣小区〔门牌〕"},
      {"3栋2-501", "〔门牌〕"},
      {"501室", "〔门牌〕"},
  });
}

TEST(Redact, NamesAfterIntroductions) {
  expect_all({
      {"我叫张三，家住", "我叫〔姓名〕，家住"},
      {"本人王小明，电话", "本人〔姓名〕，电话"},
      {"联系人：李四 手机", "联系人：〔姓名〕 手机"},
      {"姓名：欧阳娜娜。", "姓名：〔姓名〕。"},
      {"本人叫刘洋", "本人叫〔姓名〕"},
  });
}

TEST(Redact, LeavesOrdinaryTextAlone) {
  for (const char* text : {
           "2020年1月6日",
           "2020-01-06",
           "2020/1/6 12:09:38",
           "3000元",
           "1,200.50元",
           "补贴12,000元",
           "2019年",
           "一楼二楼都漏水",
           "第3单元考试",
           "908路公交",
           "18路车",
           "拨打12345热线",
           "有3户人家",
           "3室2厅出租",
           "商场3楼",
           "5号楼",
           "人民路123号",
           "本人系春华镇金鼎村村民",
           "本人于2019年反映",
           "面积89.5平方米",
           "A3区K9县",
           "增长了1234567",
           "会议室",
           "400-123-4567",
           "1楼2020年装修",
       })
    EXPECT_EQ(redact(text), text);
}

TEST(Redact, SpansAreTypedAndOrdered) {
  const std::string text = "我叫张三，电话13812345678";
  const auto spans = find_personal_data(text);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].kind, PiiKind::kName);
  EXPECT_EQ(text.substr(spans[0].begin, spans[0].end - spans[0].begin), "张三");
  EXPECT_EQ(spans[1].kind, PiiKind::kPhone);
  EXPECT_EQ(text.substr(spans[1].begin), "13812345678");
}

TEST(Redact, InvalidUtf8DoesNotBreakIt) {
  const std::string text =
      "电话\xff"
      "13812345678\xfe";
  EXPECT_EQ(redact(text),
            "电话\xff"
            "〔电话〕\xfe");
}

}  // namespace
}  // namespace civicgrid::text
