#include "crypto/secure.hpp"

#include <gtest/gtest.h>

#include <array>
#include <utility>

namespace pairspace::crypto {
namespace {

TEST(SecureBytes, RandomIsFreshAndSized) {
  auto a = SecureBytes::random(32);
  auto b = SecureBytes::random(32);
  ASSERT_EQ(a.size(), 32u);
  EXPECT_FALSE(a.equals(b.span()));
  EXPECT_TRUE(a.equals(a.span()));
}

TEST(SecureBytes, EqualsComparesContentAndLength) {
  const std::array<std::uint8_t, 4> bytes{1, 2, 3, 4};
  const std::array<std::uint8_t, 4> other{1, 2, 3, 5};
  SecureBytes s(bytes);
  EXPECT_TRUE(s.equals(bytes));
  EXPECT_FALSE(s.equals(other));
  EXPECT_FALSE(s.equals(std::span<const std::uint8_t>(bytes.data(), 3)));
}

TEST(SecureBytes, MoveLeavesSourceEmpty) {
  auto a = SecureBytes::random(16);
  SecureBytes b = std::move(a);
  EXPECT_EQ(b.size(), 16u);
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): moved-from state is specified
  a = std::move(b);
  EXPECT_EQ(a.size(), 16u);
}

}  // namespace
}  // namespace pairspace::crypto
