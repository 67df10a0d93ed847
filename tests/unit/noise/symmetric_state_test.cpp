#include "noise/symmetric_state.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "test_support.hpp"

namespace pairspace::noise {
namespace {

using test::text_bytes;
using test::to_hex;

TEST(SymmetricState, ShortProtocolNameIsZeroPadded) {
  const std::string name = "Noise_NN_25519_ChaChaPoly_BLAKE2b";  // 33 bytes <= 64
  SymmetricState state;
  state.initialize(name, HashKind::blake2b);
  Bytes expected(64, 0);
  std::copy(name.begin(), name.end(), expected.begin());
  EXPECT_EQ(to_hex(state.handshake_hash()), to_hex(expected));
  EXPECT_FALSE(state.has_key());
}

TEST(SymmetricState, LongProtocolNameIsHashed) {
  const std::string name = "Noise_XXpsk3_25519_ChaChaPoly_SHA256";  // 36 bytes > 32
  SymmetricState state;
  state.initialize(name, HashKind::sha256);
  Bytes expected(32);
  crypto_hash_sha256(expected.data(), reinterpret_cast<const unsigned char*>(name.data()),
                     name.size());
  EXPECT_EQ(to_hex(state.handshake_hash()), to_hex(expected));
}

TEST(SymmetricState, EncryptsOnlyAfterMixKey) {
  SymmetricState state;
  state.initialize("Noise_NN_25519_ChaChaPoly_SHA512", HashKind::sha512);
  Result<Bytes> plain = state.encrypt_and_hash(text_bytes("hi"));
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, text_bytes("hi"));
  state.mix_key(Bytes(32, 1));
  EXPECT_TRUE(state.has_key());
  Result<Bytes> sealed = state.encrypt_and_hash(text_bytes("hi"));
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->size(), 2u + 16u);
}

TEST(SymmetricState, FailedDecryptLeavesHashUnchanged) {
  SymmetricState a;
  SymmetricState b;
  for (SymmetricState* s : {&a, &b}) {
    s->initialize("Noise_NN_25519_ChaChaPoly_SHA256", HashKind::sha256);
    s->mix_key_and_hash(Bytes(32, 7));
  }
  Result<Bytes> sealed = a.encrypt_and_hash(text_bytes("payload"));
  ASSERT_TRUE(sealed.ok());
  Bytes tampered = *sealed;
  tampered.back() ^= 0x80;
  const std::string before = to_hex(b.handshake_hash());
  EXPECT_FALSE(b.decrypt_and_hash(tampered).ok());
  EXPECT_EQ(to_hex(b.handshake_hash()), before);
  ASSERT_TRUE(b.decrypt_and_hash(*sealed).ok());
  EXPECT_EQ(to_hex(a.handshake_hash()), to_hex(b.handshake_hash()));
}

TEST(SymmetricState, SplitGivesTwoDistinctMatchingCiphers) {
  SymmetricState a;
  SymmetricState b;
  for (SymmetricState* s : {&a, &b}) {
    s->initialize("Noise_KK_25519_ChaChaPoly_BLAKE2b", HashKind::blake2b);
    s->mix_key(Bytes(32, 9));
  }
  auto [a1, a2] = a.split();
  auto [b1, b2] = b.split();
  Result<Bytes> one = a1.encrypt_with_ad({}, text_bytes("x"));
  ASSERT_TRUE(one.ok());
  EXPECT_TRUE(b1.decrypt_with_ad({}, *one).ok());
  EXPECT_FALSE(b2.decrypt_with_ad({}, *one).ok());
  EXPECT_FALSE(a.has_key());
}

}  // namespace
}  // namespace pairspace::noise
