// Who a request really comes from when civicgrid runs behind reverse proxies (nginx in front of N
// servers, docs/deploy.md). Every connection then comes from a proxy, so login throttling by
// address would lump all residents together and the audit log would record the proxy. A proxy
// appends the address it saw to `X-Forwarded-For`; that header is believed only on connections
// from a configured proxy, and read from the right: the rightmost entry that is not itself a
// trusted proxy is the client. Entries further left are whatever the client chose to send.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "core/error.h"

namespace civicgrid::http {

class TrustedProxies {
 public:
  // No proxy trusted: the connection's peer is the client and X-Forwarded-For is ignored.
  TrustedProxies() = default;

  // Each entry is an address ("10.0.0.5", "::1") or a network in CIDR form ("10.0.0.0/8").
  // Fails with kInvalidArgument naming the entry that is neither.
  static Result<TrustedProxies> parse(const std::vector<std::string>& entries);

  bool empty() const { return networks_.empty(); }
  bool contains(const boost::asio::ip::address& address) const;

  // The client's address given the connection's peer and the X-Forwarded-For header (empty when
  // absent). A malformed entry stops the walk at the last trusted hop, which is then reported.
  std::string client_address(std::string_view peer, std::string_view forwarded_for) const;

 private:
  struct Network {
    boost::asio::ip::address base;
    int prefix = 0;  // leading bits that must match
  };
  std::vector<Network> networks_;
};

}  // namespace civicgrid::http
