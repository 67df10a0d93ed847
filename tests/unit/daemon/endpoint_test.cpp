// net/endpoint (tests live with the daemon, which is the only user of --listen for now).
#include "net/endpoint.hpp"

#include <gtest/gtest.h>

namespace pairspace::net {
namespace {

std::string round_trip(std::string_view text) {
  auto endpoint = parse_endpoint(text);
  if (!endpoint) return "error: " + endpoint.error().message;
  return format_endpoint(*endpoint);
}

TEST(Endpoint, ParsesTheSpellingsPeopleUse) {
  EXPECT_EQ(round_trip("0.0.0.0:47474"), "0.0.0.0:47474");
  EXPECT_EQ(round_trip("127.0.0.1:0"), "127.0.0.1:0");
  EXPECT_EQ(round_trip(":0"), "0.0.0.0:0");
  EXPECT_EQ(round_trip("localhost:5"), "127.0.0.1:5");
  EXPECT_EQ(round_trip("[::1]:47474"), "[::1]:47474");
  EXPECT_EQ(round_trip("192.168.1.20:65535"), "192.168.1.20:65535");
}

TEST(Endpoint, RefusesWhatIsNotHostPort) {
  for (std::string_view bad : {"", "47474", "host", "1.2.3.4:", "1.2.3.4:65536", "1.2.3.4:-1",
                               "1.2.3.4:12ab", "::1:5", "example.org:5", "[::1:5", "1.2.3.999:5"}) {
    auto endpoint = parse_endpoint(bad);
    ASSERT_FALSE(endpoint.ok()) << bad;
    EXPECT_EQ(endpoint.error().code, v1::CODE_USAGE);
    EXPECT_NE(endpoint.error().message.find("HOST:PORT"), std::string::npos);
  }
}

}  // namespace
}  // namespace pairspace::net
