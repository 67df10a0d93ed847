#include "daemon/addresses.hpp"

#include <gtest/gtest.h>

namespace pairspace::daemon {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

TEST(Addresses, ASpecificListenAddressIsItself) {
  const tcp::endpoint listen(asio::ip::make_address("127.0.0.1"), 4242);
  EXPECT_EQ(reachable_addresses(listen), std::vector<std::string>{"127.0.0.1:4242"});
}

TEST(Addresses, AnyAddressListsTheInterfacesWithThePort) {
  const tcp::endpoint listen(asio::ip::address_v4::any(), 4242);
  const auto addresses = reachable_addresses(listen);
  ASSERT_FALSE(addresses.empty());
  bool loopback = false;
  for (const auto& address : addresses) {
    EXPECT_TRUE(address.ends_with(":4242")) << address;
    EXPECT_FALSE(address.starts_with("0.0.0.0")) << address;
    loopback = loopback || address == "127.0.0.1:4242";
  }
  EXPECT_TRUE(loopback);
}

TEST(Addresses, DialAddressNeedsAHostAndAPort) {
  auto good = parse_dial_address("localhost:47474");
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->address().to_string(), "127.0.0.1");
  EXPECT_EQ(good->port(), 47474);
  for (const char* bad :
       {"0.0.0.0:47474", ":47474", "127.0.0.1:0", "nowhere", "example.org:47474", ""}) {
    auto result = parse_dial_address(bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.error().code, v1::CODE_USAGE) << bad;
    EXPECT_FALSE(result.error().message.empty());
  }
}

}  // namespace
}  // namespace pairspace::daemon
