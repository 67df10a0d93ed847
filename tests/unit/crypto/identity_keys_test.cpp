#include "crypto/identity_keys.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <regex>
#include <set>
#include <string>

#include "test_bytes.hpp"

namespace pairspace::crypto {
namespace {

using testing::bytes;

// RFC 4648 section 10 test vectors, with the padding removed.
TEST(IdentityKeys, Base32MatchesRfc4648) {
  EXPECT_EQ(base32_encode(bytes("")), "");
  EXPECT_EQ(base32_encode(bytes("f")), "MY");
  EXPECT_EQ(base32_encode(bytes("fo")), "MZXQ");
  EXPECT_EQ(base32_encode(bytes("foo")), "MZXW6");
  EXPECT_EQ(base32_encode(bytes("foob")), "MZXW6YQ");
  EXPECT_EQ(base32_encode(bytes("fooba")), "MZXW6YTB");
  EXPECT_EQ(base32_encode(bytes("foobar")), "MZXW6YTBOI");
}

TEST(IdentityKeys, DeviceIdHasSixGroupsOfFour) {
  const auto keys = generate_identity_keys();
  const std::string id = device_id_of(keys.sign_public);
  EXPECT_EQ(id.size(), 29u);
  EXPECT_TRUE(std::regex_match(id, std::regex("^([A-Z2-7]{4}-){5}[A-Z2-7]{4}$"))) << id;
}

TEST(IdentityKeys, DeviceIdIsBase32OfBlake2bPrefix) {
  std::array<std::uint8_t, sign_public_bytes> pk{};
  for (std::size_t i = 0; i < pk.size(); ++i) pk[i] = static_cast<std::uint8_t>(i);
  std::array<std::uint8_t, 32> digest{};
  ASSERT_EQ(crypto_generichash(digest.data(), digest.size(), pk.data(), pk.size(), nullptr, 0), 0);
  std::string expected = base32_encode(std::span<const std::uint8_t>(digest.data(), 15));
  for (std::size_t pos = 20; pos > 0; pos -= 4) expected.insert(pos, "-");
  EXPECT_EQ(device_id_of(pk), expected);
  pk[0] ^= 1;
  EXPECT_NE(device_id_of(pk), expected);
}

TEST(IdentityKeys, GeneratedKeysAreConsistentAndFresh) {
  const auto a = generate_identity_keys();
  const auto b = generate_identity_keys();
  ASSERT_EQ(a.sign_secret.size(), sign_secret_bytes);
  ASSERT_EQ(a.dh_secret.size(), dh_secret_bytes);
  EXPECT_NE(a.sign_public, b.sign_public);
  EXPECT_NE(a.dh_public, b.dh_public);
  // The X25519 public key belongs to the secret.
  std::array<std::uint8_t, dh_public_bytes> derived{};
  ASSERT_EQ(crypto_scalarmult_base(derived.data(), a.dh_secret.data()), 0);
  EXPECT_EQ(derived, a.dh_public);
  // The Ed25519 pair signs and verifies.
  const std::string message = "hello";
  std::array<std::uint8_t, crypto_sign_BYTES> sig{};
  crypto_sign_detached(sig.data(), nullptr, bytes(message).data(), message.size(),
                       a.sign_secret.data());
  EXPECT_EQ(crypto_sign_verify_detached(sig.data(), bytes(message).data(), message.size(),
                                        a.sign_public.data()),
            0);
  EXPECT_NE(crypto_sign_verify_detached(sig.data(), bytes(message).data(), message.size(),
                                        b.sign_public.data()),
            0);
}

}  // namespace
}  // namespace pairspace::crypto
