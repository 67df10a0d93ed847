#include "crypto/aead.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "test_bytes.hpp"

namespace pairspace::crypto {
namespace {

std::vector<std::uint8_t> from_hex(std::string_view hex) {
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoul(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

using testing::bytes;

// draft-irtf-cfrg-xchacha-03, appendix A.3.1 (AEAD_XChaCha20_Poly1305).
TEST(Aead, KnownAnswerFromXChaChaDraft) {
  const SecureBytes key(from_hex("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"));
  const auto nonce_bytes = from_hex("404142434445464748494a4b4c4d4e4f5051525354555657");
  const auto ad = from_hex("50515253c0c1c2c3c4c5c6c7");
  const std::string plaintext =
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
      "future, sunscreen would be it.";
  const auto expected = from_hex(
      "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4e"
      "da7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2"
      "383565d3fff921f9664c97637da9768812f615c68b13b52e"
      "c0875924c1c7987947deafd8780acf49");
  std::array<std::uint8_t, aead_nonce_bytes> nonce{};
  std::copy(nonce_bytes.begin(), nonce_bytes.end(), nonce.begin());
  const std::string ad_text(ad.begin(), ad.end());

  auto sealed = aead_seal_with_nonce(key, nonce, bytes(plaintext), ad_text);
  ASSERT_TRUE(sealed.ok());
  ASSERT_EQ(sealed->size(), aead_nonce_bytes + expected.size());
  EXPECT_TRUE(std::equal(nonce.begin(), nonce.end(), sealed->begin()));
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), sealed->begin() + aead_nonce_bytes));

  auto opened = aead_open(key, *sealed, ad_text);
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->view(), plaintext);
}

TEST(Aead, SealOpenRoundTripWithFreshNonces) {
  const auto key = SecureBytes::random(aead_key_bytes);
  auto a = aead_seal(key, bytes("hello there"), "pairspace/v1/test/1");
  auto b = aead_seal(key, bytes("hello there"), "pairspace/v1/test/1");
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->size(), 11 + aead_overhead_bytes);
  EXPECT_NE(*a, *b);  // random nonces
  auto opened = aead_open(key, *a, "pairspace/v1/test/1");
  ASSERT_TRUE(opened.ok());
  EXPECT_EQ(opened->view(), "hello there");
}

TEST(Aead, EmptyPlaintextRoundTrips) {
  const auto key = SecureBytes::random(aead_key_bytes);
  auto sealed = aead_seal(key, {}, "ad");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->size(), aead_overhead_bytes);
  auto opened = aead_open(key, *sealed, "ad");
  ASSERT_TRUE(opened.ok());
  EXPECT_TRUE(opened->empty());
}

TEST(Aead, EveryFlippedBitIsRefused) {
  const auto key = SecureBytes::random(aead_key_bytes);
  auto sealed = aead_seal(key, bytes("secret words"), "ad");
  ASSERT_TRUE(sealed.ok());
  for (std::size_t i = 0; i < sealed->size(); ++i) {
    auto tampered = *sealed;
    tampered[i] ^= 0x01;
    auto opened = aead_open(key, tampered, "ad");
    ASSERT_FALSE(opened.ok()) << "byte " << i;
    EXPECT_EQ(opened.error().code, v1::CODE_REFUSED);
  }
}

TEST(Aead, WrongAssociatedDataOrKeyIsRefused) {
  const auto key = SecureBytes::random(aead_key_bytes);
  auto sealed = aead_seal(key, bytes("entry"), "pairspace/v1/journal/1/100");
  ASSERT_TRUE(sealed.ok());
  EXPECT_FALSE(aead_open(key, *sealed, "pairspace/v1/journal/2/100").ok());
  EXPECT_FALSE(aead_open(key, *sealed, "").ok());
  EXPECT_FALSE(aead_open(SecureBytes::random(aead_key_bytes), *sealed,
                         "pairspace/v1/journal/1/100").ok());
}

TEST(Aead, ShortInputAndBadKeySizeAreErrorsNotCrashes) {
  const auto key = SecureBytes::random(aead_key_bytes);
  const std::vector<std::uint8_t> short_box(aead_overhead_bytes - 1, 0);
  EXPECT_EQ(aead_open(key, short_box, "").error().code, v1::CODE_REFUSED);
  EXPECT_FALSE(aead_open(key, {}, "").ok());
  const auto small_key = SecureBytes::random(16);
  EXPECT_FALSE(aead_seal(small_key, bytes("x"), "").ok());
  EXPECT_FALSE(aead_open(small_key, std::vector<std::uint8_t>(64, 0), "").ok());
}

}  // namespace
}  // namespace pairspace::crypto
