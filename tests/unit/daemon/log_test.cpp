// net/log's RateLimit (tests live with the daemon, its user).
#include "net/log.hpp"

#include <gtest/gtest.h>

namespace pairspace::net {
namespace {

using namespace std::chrono_literals;

TEST(RateLimit, AllowsABurstPerWindowAndCountsTheRest) {
  RateLimit limit(10s, 3);
  const RateLimit::Clock::time_point t0{};
  const auto start = t0 + 1h;
  EXPECT_TRUE(limit.allow(start));
  EXPECT_TRUE(limit.allow(start + 1s));
  EXPECT_TRUE(limit.allow(start + 2s));
  EXPECT_FALSE(limit.allow(start + 3s));
  EXPECT_FALSE(limit.allow(start + 9s));
  EXPECT_EQ(limit.take_suppressed(), 2u);
  EXPECT_EQ(limit.take_suppressed(), 0u);
  EXPECT_TRUE(limit.allow(start + 10s));  // a new window
}

}  // namespace
}  // namespace pairspace::net
