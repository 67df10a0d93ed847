#include "noise/dh.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace pairspace::noise {
namespace {

using test::from_hex;
using test::to_hex;

// Points whose X25519 result is all zeros for every scalar (order 1, 2, 4 or 8, and
// non-canonical encodings of them).
const char* const low_order_points[] = {
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0100000000000000000000000000000000000000000000000000000000000000",
    "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
    "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
    "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
    "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
};

// RFC 7748 section 6.1.
TEST(Dh, MatchesRfc7748) {
  Result<KeyPair> alice = keypair_from_private(
      from_hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  Result<KeyPair> bob = keypair_from_private(
      from_hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  ASSERT_TRUE(alice.ok() && bob.ok());
  EXPECT_EQ(to_hex(alice->public_key),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  EXPECT_EQ(to_hex(bob->public_key),
            "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  Result<crypto::SecureBytes> ab = dh(alice->private_key, bob->public_key);
  Result<crypto::SecureBytes> ba = dh(bob->private_key, alice->public_key);
  ASSERT_TRUE(ab.ok() && ba.ok());
  EXPECT_EQ(to_hex(ab->span()), "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
  EXPECT_TRUE(ab->equals(ba->span()));
}

TEST(Dh, GeneratedKeysAgree) {
  KeyPair a = generate_keypair();
  KeyPair b = generate_keypair();
  EXPECT_NE(to_hex(a.public_key), to_hex(b.public_key));
  Result<crypto::SecureBytes> ab = dh(a.private_key, b.public_key);
  Result<crypto::SecureBytes> ba = dh(b.private_key, a.public_key);
  ASSERT_TRUE(ab.ok() && ba.ok());
  EXPECT_TRUE(ab->equals(ba->span()));
}

TEST(Dh, LowOrderPublicKeysAreRefused) {
  KeyPair mine = generate_keypair();
  for (const char* point : low_order_points) {
    SCOPED_TRACE(point);
    Result<crypto::SecureBytes> shared = dh(mine.private_key, from_hex(point));
    ASSERT_FALSE(shared.ok());
    EXPECT_EQ(shared.error().code, v1::CODE_REFUSED);
  }
}

TEST(Dh, WrongLengthsAreUsageErrors) {
  EXPECT_EQ(keypair_from_private(Bytes(31, 1)).error().code, v1::CODE_USAGE);
  KeyPair mine = generate_keypair();
  EXPECT_EQ(dh(mine.private_key, Bytes(33, 9)).error().code, v1::CODE_USAGE);
}

}  // namespace
}  // namespace pairspace::noise
