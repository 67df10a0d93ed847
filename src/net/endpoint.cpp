#include "net/endpoint.hpp"

#include <charconv>

namespace pairspace::net {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
Error bad(std::string_view text, std::string_view why) {
  return make_error(v1::CODE_USAGE, "\"" + std::string(text) + "\" is not a HOST:PORT address (" +
                                        std::string(why) + "); for example 0.0.0.0:47474.");
}
}  // namespace

Result<tcp::endpoint> parse_endpoint(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return bad(text, "the :PORT is missing");
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);

  unsigned port = 0;
  const auto* end = port_text.data() + port_text.size();
  const auto [ptr, ec] = std::from_chars(port_text.data(), end, port);
  if (port_text.empty() || ec != std::errc{} || ptr != end || port > 65535) {
    return bad(text, "the port must be a number from 0 to 65535");
  }

  asio::ip::address address;
  if (host.empty()) {
    address = asio::ip::address_v4::any();
  } else if (host == "localhost") {
    address = asio::ip::address_v4::loopback();
  } else {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
      return bad(text, "write IPv6 addresses in brackets, like [::1]:47474");
    }
    boost::system::error_code parse_error;
    address = asio::ip::make_address(std::string(host), parse_error);
    if (parse_error) return bad(text, "the host must be an IP address or localhost");
  }
  return tcp::endpoint(address, static_cast<std::uint16_t>(port));
}

std::string format_endpoint(const tcp::endpoint& endpoint) {
  const auto address = endpoint.address();
  const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
  return host + ":" + std::to_string(endpoint.port());
}

}  // namespace pairspace::net
