#pragma once
// HOST:PORT as people type it for --listen and --peer: "0.0.0.0:47474", "127.0.0.1:0",
// ":0" (all IPv4 interfaces), "localhost:47474", "[::1]:47474". Hosts are IP literals
// (or "localhost"); no name lookups happen here.
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace pairspace::net {

constexpr std::uint16_t default_port = 47474;

// CODE_USAGE with a clear sentence when the text is not a HOST:PORT this accepts.
Result<boost::asio::ip::tcp::endpoint> parse_endpoint(std::string_view text);

// "1.2.3.4:5" or "[::1]:5".
std::string format_endpoint(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace pairspace::net
