#include "http/client_address.h"

#include <charconv>

namespace civicgrid::http {

namespace ip = boost::asio::ip;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// IPv4-mapped IPv6 addresses ("::ffff:10.0.0.5", as a dual-stack socket reports IPv4 peers) are
// compared as the IPv4 address they carry.
ip::address canonical(const ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return ip::make_address_v4(ip::v4_mapped, a.to_v6());
  return a;
}

bool parse_address(std::string_view text, ip::address& out) {
  boost::system::error_code ec;
  auto a = ip::make_address(std::string(text), ec);
  if (ec) return false;
  out = canonical(a);
  return true;
}

template <typename Bytes>
bool prefix_matches(const Bytes& a, const Bytes& b, int prefix) {
  for (size_t i = 0; i < a.size() && prefix > 0; ++i, prefix -= 8) {
    const unsigned mask = prefix >= 8 ? 0xFFu : (0xFFu << (8 - prefix)) & 0xFFu;
    if ((a[i] & mask) != (b[i] & mask)) return false;
  }
  return true;
}

}  // namespace

Result<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& entries) {
  TrustedProxies out;
  for (const std::string& entry : entries) {
    const auto bad = [&entry] {
      return Error(ErrorCode::kInvalidArgument, "受信代理地址无效：" + entry,
                   "not an address or a CIDR network: " + entry, "trusted-proxy");
    };
    std::string_view text = trim(entry);
    Network n;
    const auto slash = text.find('/');
    if (!parse_address(text.substr(0, slash), n.base)) return fail(bad());
    const int max_prefix = n.base.is_v4() ? 32 : 128;
    n.prefix = max_prefix;
    if (slash != std::string_view::npos) {
      std::string_view bits = text.substr(slash + 1);
      auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), n.prefix);
      if (ec != std::errc() || end != bits.data() + bits.size() || bits.empty() || n.prefix < 0 ||
          n.prefix > max_prefix)
        return fail(bad());
    }
    out.networks_.push_back(n);
  }
  return out;
}

bool TrustedProxies::contains(const ip::address& address) const {
  const ip::address a = canonical(address);
  for (const Network& n : networks_) {
    if (a.is_v4() != n.base.is_v4()) continue;
    const bool match =
        a.is_v4() ? prefix_matches(a.to_v4().to_bytes(), n.base.to_v4().to_bytes(), n.prefix)
                  : prefix_matches(a.to_v6().to_bytes(), n.base.to_v6().to_bytes(), n.prefix);
    if (match) return true;
  }
  return false;
}

std::string TrustedProxies::client_address(std::string_view peer,
                                           std::string_view forwarded_for) const {
  ip::address hop;
  if (networks_.empty() || !parse_address(peer, hop) || !contains(hop)) return std::string(peer);
  std::string client = hop.to_string();
  // Walk the header from the right: each entry was appended by the hop after it.
  std::string_view rest = forwarded_for;
  while (!trim(rest).empty()) {
    const auto comma = rest.rfind(',');
    const std::string_view entry =
        trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (!parse_address(entry, hop)) break;
    client = hop.to_string();
    if (!contains(hop)) break;
  }
  return client;
}

}  // namespace civicgrid::http
