#pragma once
// Where this device can be reached, for `pair invite` to print.
#include <boost/asio/ip/tcp.hpp>
#include <string>
#include <vector>

#include "util/result.hpp"

namespace pairspace::daemon {

// The listen address itself, or, when it is bound to every interface (0.0.0.0 / ::), this
// machine's interface addresses (loopback included, IPv6 link-local left out) with its port.
std::vector<std::string> reachable_addresses(const boost::asio::ip::tcp::endpoint& listen);

// A HOST:PORT to dial (`pair join --peer`, `peer address`): as net::parse_endpoint, but the
// host must be a real address and the port 1..65535. CODE_USAGE with a sentence otherwise.
Result<boost::asio::ip::tcp::endpoint> parse_dial_address(std::string_view text);

}  // namespace pairspace::daemon
