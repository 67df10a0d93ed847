#include "daemon/addresses.hpp"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "net/endpoint.hpp"

namespace pairspace::daemon {

namespace asio = boost::asio;
using asio::ip::tcp;

std::vector<std::string> reachable_addresses(const tcp::endpoint& listen) {
  const auto address = listen.address();
  if (!address.is_unspecified()) return {net::format_endpoint(listen)};
  const bool want_v6 = address.is_v6();
  std::vector<std::string> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return {net::format_endpoint(listen)};
  for (const ifaddrs* it = list; it != nullptr; it = it->ifa_next) {
    if (it->ifa_addr == nullptr || (it->ifa_flags & IFF_UP) == 0) continue;
    if (it->ifa_addr->sa_family == AF_INET) {
      sockaddr_in in4{};
      std::memcpy(&in4, it->ifa_addr, sizeof in4);
      const asio::ip::address_v4 v4(ntohl(in4.sin_addr.s_addr));
      out.push_back(net::format_endpoint(tcp::endpoint(v4, listen.port())));
    } else if (want_v6 && it->ifa_addr->sa_family == AF_INET6) {
      sockaddr_in6 in6{};
      std::memcpy(&in6, it->ifa_addr, sizeof in6);
      std::array<unsigned char, 16> bytes{};
      std::memcpy(bytes.data(), &in6.sin6_addr, bytes.size());
      const asio::ip::address_v6 v6(bytes);
      if (v6.is_link_local()) continue;  // unusable without a scope
      out.push_back(net::format_endpoint(tcp::endpoint(v6, listen.port())));
    }
  }
  ::freeifaddrs(list);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (out.empty()) out.push_back(net::format_endpoint(listen));
  return out;
}

Result<tcp::endpoint> parse_dial_address(std::string_view text) {
  auto endpoint = net::parse_endpoint(text);
  if (!endpoint) return endpoint.error();
  if (endpoint->address().is_unspecified()) {
    return make_error(v1::CODE_USAGE,
                      "\"" + std::string(text) +
                          "\" names no particular device; please give "
                          "its IP address and port, for example 192.168.1.20:47474.");
  }
  if (endpoint->port() == 0) {
    return make_error(v1::CODE_USAGE, "\"" + std::string(text) +
                                          "\" needs a port from 1 to 65535, for "
                                          "example 192.168.1.20:47474.");
  }
  return endpoint;
}

}  // namespace pairspace::daemon
