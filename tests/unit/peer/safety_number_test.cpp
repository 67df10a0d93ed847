#include "peer/safety_number.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>
#include <regex>

#include "crypto/secure.hpp"

namespace pairspace::peer {
namespace {

using Key = std::array<std::uint8_t, 32>;

Key random_key() {
  crypto::ensure_sodium();
  Key key{};
  randombytes_buf(key.data(), key.size());
  return key;
}

TEST(SafetyNumber, IsEightGroupsOfFiveDigits) {
  Result<std::string> number = safety_number(random_key(), random_key());
  ASSERT_TRUE(number.ok());
  EXPECT_TRUE(std::regex_match(*number, std::regex("[0-9]{5}( [0-9]{5}){7}"))) << *number;
}

TEST(SafetyNumber, IsTheSameWhicheverSideComputesIt) {
  for (int i = 0; i < 20; ++i) {
    const Key a = random_key();
    const Key b = random_key();
    EXPECT_EQ(*safety_number(a, b), *safety_number(b, a));
  }
}

TEST(SafetyNumber, ChangesWhenEitherKeyChanges) {
  const Key a = random_key();
  const Key b = random_key();
  const std::string base = *safety_number(a, b);
  for (std::size_t byte : {std::size_t{0}, std::size_t{17}, std::size_t{31}}) {
    Key a2 = a;
    a2[byte] ^= 0x01;
    Key b2 = b;
    b2[byte] ^= 0x80;
    EXPECT_NE(*safety_number(a2, b), base);
    EXPECT_NE(*safety_number(a, b2), base);
  }
}

TEST(SafetyNumber, MatchesTheSpecComputation) {
  // Recompute the documented formula independently for fixed keys.
  Key lo{};
  Key hi{};
  lo.fill(0x11);
  hi.fill(0x22);
  const std::string text = "pairspace/v1/safety-number" + std::string(lo.begin(), lo.end()) +
                           std::string(hi.begin(), hi.end());
  const std::vector<std::uint8_t> input(text.begin(), text.end());
  std::array<std::uint8_t, 64> d{};
  crypto_hash_sha512(d.data(), input.data(), input.size());
  std::string expected;
  for (int g = 0; g < 8; ++g) {
    std::uint64_t n = 0;
    for (int i = 0; i < 5; ++i) n = n * 256 + d[static_cast<std::size_t>(5 * g + i)];
    char group[8];
    std::snprintf(group, sizeof group, "%05llu", static_cast<unsigned long long>(n % 100000));
    expected += (g ? " " : "") + std::string(group);
  }
  EXPECT_EQ(*safety_number(hi, lo), expected);
  EXPECT_EQ(*safety_number(lo, hi), expected);
}

TEST(SafetyNumber, RefusesKeysOfTheWrongSize) {
  const Key a = random_key();
  const std::array<std::uint8_t, 31> short_key{};
  EXPECT_EQ(safety_number(a, short_key).error().code, v1::CODE_USAGE);
  EXPECT_EQ(safety_number(short_key, a).error().code, v1::CODE_USAGE);
}

}  // namespace
}  // namespace pairspace::peer
