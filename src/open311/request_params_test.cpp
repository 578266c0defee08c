#include "open311/request_params.h"

#include <gtest/gtest.h>

namespace civicgrid::open311 {
namespace {

constexpr Timestamp kNow = 1'700'000'000'000;  // 2023-11-14T22:13:20Z

Result<RequestQuery> query(Pairs pairs) {
  return parse_request_query(Params(std::move(pairs)), kNow);
}

TEST(RequestQuery, DefaultsToTheLast90DaysAndAThousand) {
  auto q = query({});
  ASSERT_TRUE(q);
  EXPECT_EQ(q->start, kNow - 90 * kMillisPerDay);
  EXPECT_FALSE(q->end);
  EXPECT_EQ(q->limit, 1000);
  EXPECT_EQ(q->offset, 0);
  EXPECT_FALSE(q->open);
  EXPECT_FALSE(q->ids);
  EXPECT_FALSE(q->extensions);
}

TEST(RequestQuery, IdsOverrideEverythingElse) {
  auto q = query(
      {{"service_request_id", "3, 12,abc,-4"}, {"status", "bogus"}, {"start_date", "nonsense"}});
  ASSERT_TRUE(q);
  ASSERT_TRUE(q->ids);
  EXPECT_EQ(*q->ids, (std::vector<std::int64_t>{3, 12}));
  EXPECT_FALSE(q->start);
  auto none = query({{"service_request_id", "abc"}});
  ASSERT_TRUE(none && none->ids);
  EXPECT_TRUE(none->ids->empty());
}

TEST(RequestQuery, CodesAndStatuses) {
  auto q = query({{"service_code", "C1,C2"}, {"service_code", "C3"}, {"status", "OPEN"}});
  ASSERT_TRUE(q);
  EXPECT_EQ(q->service_codes, (std::vector<std::string>{"C1", "C2", "C3"}));
  EXPECT_EQ(q->open, true);
  EXPECT_EQ(query({{"status", "closed"}})->open, false);
  EXPECT_FALSE(query({{"status", "open,closed"}})->open);
  auto bad = query({{"status", "pending"}});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field(), "status");
}

TEST(RequestQuery, DateWindow) {
  // Both given: as given, a date-only end including its day.
  auto q = query({{"start_date", "2011-03-01"}, {"end_date", "2011-03-10"}});
  ASSERT_TRUE(q);
  EXPECT_EQ(*q->end - *q->start, 10 * kMillisPerDay);
  // One end alone: 90 days from it.
  auto s = query({{"start_date", "2011-03-01T00:00:00Z"}});
  ASSERT_TRUE(s);
  EXPECT_EQ(*s->end - *s->start, 90 * kMillisPerDay);
  auto e = query({{"end_date", "2011-03-01T00:00:00Z"}});
  ASSERT_TRUE(e);
  EXPECT_EQ(*e->end - *e->start, 90 * kMillisPerDay);
  // Over 90 days, reversed, or unreadable: 400 naming the parameter.
  EXPECT_EQ(query({{"start_date", "2011-01-01"}, {"end_date", "2011-06-01"}}).error().field(),
            "end_date");
  EXPECT_EQ(query({{"start_date", "2011-03-10"}, {"end_date", "2011-03-01"}}).error().field(),
            "end_date");
  EXPECT_EQ(query({{"start_date", "March 1"}}).error().field(), "start_date");
}

TEST(RequestQuery, UpdatedRangeDropsTheDefaultWindow) {
  auto q = query(
      {{"updated_after", "2011-03-01T00:00:00Z"}, {"updated_before", "2011-03-02T00:00:00Z"}});
  ASSERT_TRUE(q);
  EXPECT_FALSE(q->start);
  EXPECT_TRUE(q->updated_after && q->updated_before);
}

TEST(RequestQuery, Paging) {
  auto q = query({{"page", "3"}, {"page_size", "25"}});
  ASSERT_TRUE(q);
  EXPECT_EQ(q->limit, 25);
  EXPECT_EQ(q->offset, 50);
  auto d = query({{"page", "2"}});
  EXPECT_EQ(d->limit, 100);
  EXPECT_EQ(d->offset, 100);
  auto big = query({{"page_size", "5000"}});
  EXPECT_EQ(big->limit, 1000);
  EXPECT_EQ(big->offset, 0);
  EXPECT_EQ(query({{"page", "0"}}).error().field(), "page");
  EXPECT_EQ(query({{"page_size", "-1"}}).error().field(), "page_size");
  EXPECT_EQ(query({{"page", "two"}}).error().field(), "page");
  EXPECT_TRUE(query({{"page", ""}, {"extensions", "true"}})->extensions);  // empty = absent
}

TEST(NewRequest, BuildsAnAppeal) {
  auto r = parse_new_request(
      Params({{"service_code", "C01-02-04"},
              {"lat", "28.22"},
              {"long", "112.915"},
              {"address_string", "湖滨路 1 号"},
              {"description",
               "路灯不亮，晚上很黑，请尽快修理。已经持续一周了，附近老人孩子出行不便。"},
              {"first_name", "三"},
              {"last_name", "张"},
              {"phone", "(0731) 8888-1234"},
              {"email", "zhang@example.com"},
              {"deviceid", "dev-1"},
              {"media_url", "https://example.com/a.jpg"},
              {"media_url", "https://example.com/b.jpg"},
              {"attribute[blocks]", "no"}}),
      "城市公共设施");
  ASSERT_TRUE(r) << r.error().message_en();
  EXPECT_EQ(r->appeal.category, "C01-02-04");
  EXPECT_EQ(r->appeal.channel, cases::Channel::kOpen311);
  EXPECT_EQ(r->appeal.type, cases::AppealType::kRequest);
  ASSERT_TRUE(r->appeal.location);
  EXPECT_DOUBLE_EQ(r->appeal.location->lon, 112.915);
  EXPECT_EQ(r->appeal.address, "湖滨路 1 号");
  EXPECT_EQ(r->appeal.contact_name, "张三");
  EXPECT_EQ(r->appeal.contact_phone, "0731 8888-1234");
  EXPECT_EQ(r->appeal.title, "路灯不亮，晚上很黑，请尽快修理。已经持续一周了，附近老人孩子…");
  EXPECT_EQ(r->device_id, "dev-1");
  EXPECT_EQ(r->media_urls.size(), 2u);
  EXPECT_EQ(r->attributes["blocks"], std::vector<std::string>{"no"});
}

TEST(NewRequest, LocationRules) {
  auto base = [](Pairs extra) {
    Pairs p{{"service_code", "C1"}, {"description", "d"}};
    p.insert(p.end(), extra.begin(), extra.end());
    return parse_new_request(Params(p), "S");
  };
  EXPECT_EQ(base({}).error().field(), "lat");
  EXPECT_EQ(base({{"lat", "28.2"}}).error().field(), "long");
  EXPECT_EQ(base({{"lat", "91"}, {"long", "1"}}).error().field(), "lat");
  EXPECT_EQ(base({{"lat", "1"}, {"long", "east"}}).error().field(), "long");
  EXPECT_TRUE(base({{"address_string", "湖滨路"}}));
  auto by_id = base({{"address_id", "A-17"}});
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->address_id, "A-17");
  EXPECT_FALSE(by_id->appeal.address.empty());
}

TEST(NewRequest, WesternNamesAndDefaults) {
  auto r = parse_new_request(Params({{"service_code", "C1"},
                                     {"address_string", "x"},
                                     {"first_name", "John"},
                                     {"last_name", "Smith"}}),
                             "城市公共设施");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->appeal.contact_name, "John Smith");
  EXPECT_EQ(r->appeal.description, "城市公共设施");  // no description: the service name
  EXPECT_EQ(r->appeal.title, "城市公共设施");
}

TEST(NewRequest, CasesModuleRulesApplyWithOpen311Names) {
  auto r = parse_new_request(Params({{"service_code", "C1"},
                                     {"address_string", "x"},
                                     {"description", "d"},
                                     {"phone", "call me maybe"}}),
                             "S");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field(), "phone");
  auto long_text = parse_new_request(Params({{"service_code", "C1"},
                                             {"address_string", "x"},
                                             {"description", std::string(4001, 'a')}}),
                                     "S");
  EXPECT_EQ(long_text.error().field(), "description");
  auto media = parse_new_request(
      Params(
          {{"service_code", "C1"}, {"address_string", "x"}, {"media_url", "javascript:alert(1)"}}),
      "S");
  EXPECT_EQ(media.error().field(), "media_url");
}

TEST(Title, FromDescription) {
  EXPECT_EQ(title_from("短描述"), "短描述");
  EXPECT_EQ(title_from("first line\nsecond"), "first line…");
  EXPECT_EQ(title_from(std::string(40, 'a')), std::string(30, 'a') + "…");
}

}  // namespace
}  // namespace civicgrid::open311
