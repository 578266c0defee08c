#include "http/client_address.h"

#include <gtest/gtest.h>

namespace civicgrid::http {
namespace {

TrustedProxies trust(std::vector<std::string> entries) {
  auto p = TrustedProxies::parse(entries);
  EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().message_en());
  return p ? *p : TrustedProxies();
}

TEST(ClientAddress, WithoutTrustedProxiesThePeerIsTheClientAndTheHeaderIsIgnored) {
  TrustedProxies none;
  EXPECT_EQ(none.client_address("10.0.0.5", "203.0.113.7"), "10.0.0.5");
  EXPECT_EQ(none.client_address("127.0.0.1", ""), "127.0.0.1");
}

TEST(ClientAddress, AnUntrustedPeerCannotClaimAnotherAddress) {
  auto p = trust({"10.0.0.5"});
  EXPECT_EQ(p.client_address("198.51.100.9", "203.0.113.7"), "198.51.100.9");
}

TEST(ClientAddress, ATrustedProxyNamesTheClient) {
  auto p = trust({"10.0.0.5"});
  EXPECT_EQ(p.client_address("10.0.0.5", "203.0.113.7"), "203.0.113.7");
  EXPECT_EQ(p.client_address("10.0.0.5", " 203.0.113.7 "), "203.0.113.7");
}

TEST(ClientAddress, TheRightmostUntrustedEntryWinsOverWhatTheClientClaimed) {
  // The client sent "X-Forwarded-For: 1.2.3.4" itself; nginx appended the address it saw.
  auto p = trust({"10.0.0.0/8"});
  EXPECT_EQ(p.client_address("10.0.0.5", "1.2.3.4, 203.0.113.7"), "203.0.113.7");
  // Two proxies in a row, both trusted: the walk passes both.
  EXPECT_EQ(p.client_address("10.0.0.5", "1.2.3.4, 203.0.113.7, 10.9.9.9"), "203.0.113.7");
}

TEST(ClientAddress, OnlyTrustedHopsAllTheWayFallsBackToTheLeftmost) {
  auto p = trust({"10.0.0.0/8"});
  EXPECT_EQ(p.client_address("10.0.0.5", "10.1.1.1"), "10.1.1.1");
  EXPECT_EQ(p.client_address("10.0.0.5", ""), "10.0.0.5");
}

TEST(ClientAddress, AMalformedEntryStopsAtTheLastTrustedHop) {
  auto p = trust({"10.0.0.0/8"});
  EXPECT_EQ(p.client_address("10.0.0.5", "unknown"), "10.0.0.5");
  EXPECT_EQ(p.client_address("10.0.0.5", "203.0.113.7, not-an-ip, 10.2.2.2"), "10.2.2.2");
}

TEST(ClientAddress, NetworksMatchByPrefix) {
  auto p = trust({"192.168.4.0/22", "fd00::/8"});
  EXPECT_TRUE(p.contains(boost::asio::ip::make_address("192.168.7.255")));
  EXPECT_FALSE(p.contains(boost::asio::ip::make_address("192.168.8.0")));
  EXPECT_TRUE(p.contains(boost::asio::ip::make_address("fd12:3456::1")));
  EXPECT_FALSE(p.contains(boost::asio::ip::make_address("fe80::1")));
  // A dual-stack socket reports IPv4 peers as IPv4-mapped IPv6 addresses.
  EXPECT_TRUE(p.contains(boost::asio::ip::make_address("::ffff:192.168.5.1")));
  EXPECT_EQ(p.client_address("::ffff:192.168.5.1", "203.0.113.7"), "203.0.113.7");
}

TEST(ClientAddress, IPv6ClientsAreReportedAsTheyAre) {
  auto p = trust({"::1"});
  EXPECT_EQ(p.client_address("::1", "2001:db8::7"), "2001:db8::7");
}

TEST(ClientAddress, BadEntriesAreRefusedByName) {
  for (const char* bad : {"", "10.0.0", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "::1/129", "host.example"}) {
    auto p = TrustedProxies::parse({bad});
    ASSERT_FALSE(p.has_value()) << bad;
    EXPECT_EQ(p.error().field(), "trusted-proxy") << bad;
    EXPECT_NE(p.error().message_en().find(bad), std::string::npos) << bad;
  }
  EXPECT_TRUE(TrustedProxies::parse({"0.0.0.0/0"}).has_value());
}

}  // namespace
}  // namespace civicgrid::http
