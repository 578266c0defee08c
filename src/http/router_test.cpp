#include "http/router.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace civicgrid::http {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

struct RouteSpec {
  Method method;
  const char* pattern;
};

// The routes every case runs against; registered once in this order and once reversed, because
// precedence must not depend on registration order.
const RouteSpec kRoutes[] = {
    {Method::kGet, "/api/v1/cases/{id}"},
    {Method::kGet, "/api/v1/cases/track"},
    {Method::kGet, "/api/v1/cases"},
    {Method::kPost, "/api/v1/cases"},
    {Method::kPost, "/api/v1/cases/{id}/{action}"},
    {Method::kPost, "/api/v1/cases/{id}/dispatch"},
    {Method::kGet, "/api/v1/org/units/{code}/members"},
    {Method::kDelete, "/api/v1/org/units/{code}"},
    {Method::kPatch, "/api/v1/org/units/{code}"},
    {Method::kGet, "/api/v1/items/{x}/detail"},
    {Method::kGet, "/api/v1/items/special/{y}"},
    {Method::kGet, "/healthz"},
};

enum class Outcome { kMatch, kNotFound, kMethodNotAllowed };

struct Case {
  const char* name;
  Method method;
  const char* path;
  Outcome outcome;
  const char* pattern = "";        // for kMatch
  Params params = {};              // for kMatch
  std::vector<std::string> allow;  // for kMethodNotAllowed, in any order
};

const Case kCases[] = {
    {"LiteralBeatsParameter", Method::kGet, "/api/v1/cases/track", Outcome::kMatch,
     "/api/v1/cases/track"},
    {"ParameterMatchesOtherSegments",
     Method::kGet,
     "/api/v1/cases/C-2026-0001",
     Outcome::kMatch,
     "/api/v1/cases/{id}",
     {{"id", "C-2026-0001"}}},
    {"ParameterKeepsRawEncoding",
     Method::kGet,
     "/api/v1/cases/%E4%B8%AD",
     Outcome::kMatch,
     "/api/v1/cases/{id}",
     {{"id", "%E4%B8%AD"}}},
    {"LiteralActionBeatsParameterAction",
     Method::kPost,
     "/api/v1/cases/42/dispatch",
     Outcome::kMatch,
     "/api/v1/cases/{id}/dispatch",
     {{"id", "42"}}},
    {"TwoParameters",
     Method::kPost,
     "/api/v1/cases/42/close",
     Outcome::kMatch,
     "/api/v1/cases/{id}/{action}",
     {{"id", "42"}, {"action", "close"}}},
    {"NestedParameter",
     Method::kGet,
     "/api/v1/org/units/G-001/members",
     Outcome::kMatch,
     "/api/v1/org/units/{code}/members",
     {{"code", "G-001"}}},
    {"EarlierLiteralWins",
     Method::kGet,
     "/api/v1/items/special/detail",
     Outcome::kMatch,
     "/api/v1/items/special/{y}",
     {{"y", "detail"}}},
    {"OtherItemUsesFirstPattern",
     Method::kGet,
     "/api/v1/items/7/detail",
     Outcome::kMatch,
     "/api/v1/items/{x}/detail",
     {{"x", "7"}}},
    {"CollectionGet", Method::kGet, "/api/v1/cases", Outcome::kMatch, "/api/v1/cases"},
    {"CollectionPost", Method::kPost, "/api/v1/cases", Outcome::kMatch, "/api/v1/cases"},
    {"TrailingSlashIgnored", Method::kGet, "/api/v1/cases/", Outcome::kMatch, "/api/v1/cases"},
    {"TrailingSlashOnParameter",
     Method::kGet,
     "/api/v1/cases/42/",
     Outcome::kMatch,
     "/api/v1/cases/{id}",
     {{"id", "42"}}},
    {"TrailingSlashOnLiteral", Method::kGet, "/api/v1/cases/track/", Outcome::kMatch,
     "/api/v1/cases/track"},
    {"DoubleSlashIgnored", Method::kGet, "/api//v1/cases", Outcome::kMatch, "/api/v1/cases"},
    {"Healthz", Method::kGet, "/healthz", Outcome::kMatch, "/healthz"},
    {"UnknownPath", Method::kGet, "/api/v1/nothing", Outcome::kNotFound},
    {"TooManySegments", Method::kGet, "/api/v1/cases/42/close/extra", Outcome::kNotFound},
    {"Root", Method::kGet, "/", Outcome::kNotFound},
    {"Empty", Method::kGet, "", Outcome::kNotFound},
    {"PrefixOnly", Method::kGet, "/api/v1", Outcome::kNotFound},
    {"CaseSensitive", Method::kGet, "/API/v1/cases", Outcome::kNotFound},
    {"PutOnCase", Method::kPut, "/api/v1/cases/42", Outcome::kMethodNotAllowed, "", {}, {"GET"}},
    {"PatchOnCollection",
     Method::kPatch,
     "/api/v1/cases",
     Outcome::kMethodNotAllowed,
     "",
     {},
     {"GET", "POST"}},
    {"GetOnAction",
     Method::kGet,
     "/api/v1/cases/42/close",
     Outcome::kMethodNotAllowed,
     "",
     {},
     {"POST"}},
    {"GetOnDispatchListsPostOnce",
     Method::kGet,
     "/api/v1/cases/42/dispatch",
     Outcome::kMethodNotAllowed,
     "",
     {},
     {"POST"}},
    {"GetOnUnit",
     Method::kGet,
     "/api/v1/org/units/G-001",
     Outcome::kMethodNotAllowed,
     "",
     {},
     {"DELETE", "PATCH"}},
    {"PostOnTrackListsGet",
     Method::kPost,
     "/api/v1/cases/track",
     Outcome::kMethodNotAllowed,
     "",
     {},
     {"GET"}},
};

void PrintTo(const Case& c, std::ostream* os) {
  *os << method_name(c.method) << " " << c.path;
}

Route make_route(const RouteSpec& spec) {
  return Route{spec.method, spec.pattern, Access::public_access(),
               [](RequestContext&) -> Result<Response> { return Response{}; }};
}

Router make_router(bool reversed) {
  std::vector<RouteSpec> specs(std::begin(kRoutes), std::end(kRoutes));
  if (reversed) std::reverse(specs.begin(), specs.end());
  Router router;
  for (const auto& s : specs) router.add(make_route(s));
  return router;
}

class RouterTable : public ::testing::TestWithParam<std::tuple<bool, Case>> {};

TEST_P(RouterTable, Matches) {
  const auto& [reversed, c] = GetParam();
  const Router router = make_router(reversed);
  const auto m = router.match(c.method, c.path);
  switch (c.outcome) {
    case Outcome::kMatch: {
      ASSERT_TRUE(m.has_value()) << error_code_name(m.error().code());
      ASSERT_NE(m->route, nullptr);
      EXPECT_EQ(m->route->pattern, c.pattern);
      EXPECT_EQ(m->route->method, c.method);
      EXPECT_EQ(m->params, c.params);
      break;
    }
    case Outcome::kNotFound:
      ASSERT_FALSE(m.has_value()) << m->route->pattern;
      EXPECT_EQ(m.error().code(), ErrorCode::kNotFound);
      break;
    case Outcome::kMethodNotAllowed: {
      ASSERT_FALSE(m.has_value()) << m->route->pattern;
      EXPECT_EQ(m.error().code(), ErrorCode::kMethodNotAllowed);
      const auto* allow = m.error().extra().if_contains("allow");
      ASSERT_NE(allow, nullptr);
      ASSERT_TRUE(allow->is_array());
      std::vector<std::string> got;
      for (const auto& v : allow->get_array()) got.emplace_back(v.as_string());
      std::sort(got.begin(), got.end());
      std::vector<std::string> want = c.allow;
      std::sort(want.begin(), want.end());
      EXPECT_EQ(got, want);
      break;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, RouterTable,
                         ::testing::Combine(::testing::Bool(), ::testing::ValuesIn(kCases)),
                         [](const ::testing::TestParamInfo<RouterTable::ParamType>& info) {
                           return std::string(std::get<1>(info.param).name) +
                                  (std::get<0>(info.param) ? "_Reversed" : "_Forward");
                         });

// --- add(): programming errors found at start-up

struct BadPattern {
  const char* name;
  const char* pattern;
};

const BadPattern kBadPatterns[] = {
    {"Empty", ""},
    {"NoLeadingSlash", "api/v1/cases"},
    {"UnclosedBrace", "/api/v1/cases/{id"},
    {"UnopenedBrace", "/api/v1/cases/id}"},
    {"EmptyParameter", "/api/v1/cases/{}"},
    {"BraceInsideLiteral", "/api/v1/cases/x{id}"},
    {"BraceAfterParameter", "/api/v1/{id}x"},
};

void PrintTo(const BadPattern& p, std::ostream* os) {
  *os << '"' << p.pattern << '"';
}

class RouterBadPattern : public ::testing::TestWithParam<BadPattern> {};

TEST_P(RouterBadPattern, Throws) {
  Router router;
  EXPECT_THROW(router.add(make_route({Method::kGet, GetParam().pattern})), std::invalid_argument);
  EXPECT_TRUE(router.routes().empty());
}

INSTANTIATE_TEST_SUITE_P(Patterns, RouterBadPattern, ::testing::ValuesIn(kBadPatterns),
                         [](const ::testing::TestParamInfo<BadPattern>& info) {
                           return std::string(info.param.name);
                         });

TEST(Router, DuplicateMethodAndPatternThrows) {
  Router router;
  router.add(make_route({Method::kGet, "/api/v1/cases/{id}"}));
  EXPECT_THROW(router.add(make_route({Method::kGet, "/api/v1/cases/{id}"})), std::invalid_argument);
  // The same pattern with another method is a different route.
  EXPECT_NO_THROW(router.add(make_route({Method::kPut, "/api/v1/cases/{id}"})));
  EXPECT_EQ(router.routes().size(), 2u);
}

TEST(Router, GetRoutesAreNotAuditedAndWritesAre) {
  struct Row {
    Method method;
    bool audited;
  };
  const Row rows[] = {{Method::kGet, false},
                      {Method::kPost, true},
                      {Method::kPut, true},
                      {Method::kPatch, true},
                      {Method::kDelete, true}};
  Router router;
  for (const auto& r : rows) router.add(make_route({r.method, "/api/v1/thing"}));
  for (const auto& r : rows) {
    auto m = router.match(r.method, "/api/v1/thing");
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->route->audited, r.audited) << method_name(r.method);
  }
  // A write route may opt out explicitly.
  Route quiet = make_route({Method::kPost, "/api/v1/auth/logout"});
  quiet.audited = false;
  router.add(std::move(quiet));
  auto m = router.match(Method::kPost, "/api/v1/auth/logout");
  ASSERT_TRUE(m.has_value());
  EXPECT_FALSE(m->route->audited);
}

TEST(Router, MethodNames) {
  EXPECT_EQ(method_name(Method::kGet), "GET");
  EXPECT_EQ(method_name(Method::kPost), "POST");
  EXPECT_EQ(method_name(Method::kPut), "PUT");
  EXPECT_EQ(method_name(Method::kPatch), "PATCH");
  EXPECT_EQ(method_name(Method::kDelete), "DELETE");
}

TEST(SplitPath, DropsEmptySegments) {
  using V = std::vector<std::string_view>;
  EXPECT_EQ(split_path("/a/b/c"), (V{"a", "b", "c"}));
  EXPECT_EQ(split_path("/a//b/"), (V{"a", "b"}));
  EXPECT_EQ(split_path("a"), (V{"a"}));
  EXPECT_EQ(split_path("/"), V{});
  EXPECT_EQ(split_path(""), V{});
}

}  // namespace
}  // namespace civicgrid::http
