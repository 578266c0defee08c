#include "open311/views.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace civicgrid::open311 {
namespace {

namespace json = boost::json;
using cases::Status;

TEST(StatusMapping, EveryInternalStateMapsToOpenOrClosed) {
  for (Status s : cases::kAllStatuses) {
    EXPECT_EQ(status_mapping(s).status, s) << cases::name(s);
    EXPECT_EQ(georeport_status(s), cases::is_open(s) ? "open" : "closed") << cases::name(s);
    EXPECT_FALSE(status_mapping(s).extended.empty());
  }
  EXPECT_EQ(georeport_status(Status::kClosed), "closed");
  EXPECT_EQ(georeport_status(Status::kRejected), "closed");
  EXPECT_EQ(georeport_status(Status::kMerged), "closed");
  EXPECT_EQ(georeport_status(Status::kHandled), "open");
  EXPECT_EQ(status_mapping(Status::kMerged).extended, "duplicate");
  EXPECT_EQ(status_mapping(Status::kAccepted).extended, "in_progress");
}

struct Fixture {
  cases::Catalog catalog{
      {{"C1", "城乡建设", "Construction", "", 1, true}, {"C1-1", "路灯", "", "C1", 2, true}},
      {},
      {}};
  identity::OrgTree tree{{{"D", "区", "District", "district", "", ""},
                          {"DA", "城管局", "City management", "department", "D", ""}}};
};

RequestRecord sample_record() {
  RequestRecord r;
  r.c.id = 42;
  r.c.category = "C1-1";
  r.c.description = "我是张三，灯坏了，联系 13800000000 或 me@example.com，或 13912345678";
  r.c.contact_name = "张三";
  r.c.contact_phone = "13912345678";
  r.c.address = "湖滨路 1 号";
  r.c.status = Status::kDispatched;
  r.c.lead = "DA";
  r.c.location = cases::Location{28.22, 112.915};
  r.c.created_at = 1'700'000'000'000;
  r.c.updated_at = 1'700'000'100'500;
  r.c.deadline_at = 1'700'600'000'000;
  r.address_id = "A-1";
  r.media_urls = {"https://example.com/a.jpg"};
  cases::CaseEvent e;
  e.id = 7;
  e.case_id = 42;
  e.at = r.c.created_at;
  e.action = cases::Action::kDispatch;
  e.actor = "user:dispatcher";
  e.to = Status::kDispatched;
  r.events.push_back(e);
  return r;
}

TEST(RequestView, FieldsTypesAndNoPersonalData) {
  Fixture f;
  ViewContext ctx{f.catalog, f.tree, "en", 1'700'000'200'000, nullptr};
  const std::string out = render_json(requests_node({sample_record()}, ctx, true));
  const json::value v = json::parse(out);
  ASSERT_TRUE(v.is_array());
  const auto& r = v.at(0).as_object();
  EXPECT_EQ(r.at("service_request_id"), "42");
  EXPECT_EQ(r.at("status"), "open");
  EXPECT_EQ(r.at("service_code"), "C1-1");
  EXPECT_EQ(r.at("service_name"), "路灯");
  EXPECT_EQ(r.at("agency_responsible"), "City management");
  EXPECT_EQ(r.at("requested_datetime"), "2023-11-15T06:13:20+08:00");
  EXPECT_EQ(r.at("updated_datetime"), "2023-11-15T06:15:00+08:00");
  EXPECT_TRUE(r.at("lat").is_double());
  EXPECT_EQ(r.at("address_id"), "A-1");
  EXPECT_EQ(r.at("media_url"), "https://example.com/a.jpg");
  EXPECT_TRUE(r.at("zipcode").is_null());
  EXPECT_EQ(r.at("notes").at(0).at("type"), "activity");
  EXPECT_NE(r.at("notes").at(0).at("description").as_string().find("City management"),
            std::string::npos);
  for (const char* secret :
       {"13800000000", "me@example.com", "张三", "13912345678", "user:dispatcher"})
    EXPECT_EQ(out.find(secret), std::string::npos) << secret;
}

TEST(RequestView, XmlHasTheSameFields) {
  Fixture f;
  ViewContext ctx{f.catalog, f.tree, "zh", 0, nullptr};
  const std::string xml = render_xml(requests_node({sample_record()}, ctx, false));
  EXPECT_NE(xml.find("<service_requests><request><service_request_id>42</"
                     "service_request_id><status>open</status>"),
            std::string::npos);
  EXPECT_NE(xml.find("<lat>28.22</lat><long>112.915</long>"), std::string::npos);
  EXPECT_NE(xml.find("<agency_responsible>城管局</agency_responsible>"), std::string::npos);
  EXPECT_EQ(xml.find("<notes>"), std::string::npos);
}

TEST(Created, RequestHasAtLeastTwoChildren) {
  const Node n = created_node({5, "ABCD-EFGH-JKLM", 1'700'000'000'000}, "", "en");
  EXPECT_EQ(render_json(n).find(R"([{"service_request_id":"5","service_notice":")"), 0u);
  EXPECT_GE(n.children().at(0).children().size(), 2u);
  EXPECT_GE(token_node(5, "T").children().at(0).children().size(), 2u);
}

TEST(Redaction, MasksNumbersAndEmails) {
  EXPECT_EQ(redact_public_text("电话 13800000000，邮箱 zhang.san@example.com。"),
            "电话 〔电话〕，邮箱 〔邮箱〕。");
  EXPECT_EQ(redact_public_text("a@b is no address; xi@yy.cn is"), "a@b is no address; 〔邮箱〕 is");
  EXPECT_EQ(redact_public_text("3 个井盖"), "3 个井盖");
}

}  // namespace
}  // namespace civicgrid::open311
