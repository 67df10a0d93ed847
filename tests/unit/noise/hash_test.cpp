#include "noise/hash.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "test_support.hpp"

namespace pairspace::noise {
namespace {

using test::from_hex;
using test::text_bytes;
using test::to_hex;

Bytes hmac_bytes(HashKind kind, ByteView key, ByteView data) {
  Bytes out(hash_len(kind));
  hmac(kind, key, {data}, out);
  return out;
}

TEST(Hash, LengthsAndNames) {
  EXPECT_EQ(hash_len(HashKind::blake2b), 64u);
  EXPECT_EQ(block_len(HashKind::blake2b), 128u);
  EXPECT_EQ(hash_len(HashKind::sha512), 64u);
  EXPECT_EQ(block_len(HashKind::sha512), 128u);
  EXPECT_EQ(hash_len(HashKind::sha256), 32u);
  EXPECT_EQ(block_len(HashKind::sha256), 64u);
  EXPECT_EQ(hash_from_name("BLAKE2b"), HashKind::blake2b);
  EXPECT_EQ(hash_from_name("SHA512"), HashKind::sha512);
  EXPECT_EQ(hash_from_name("SHA256"), HashKind::sha256);
  EXPECT_FALSE(hash_from_name("BLAKE2s").has_value());
  EXPECT_FALSE(hash_from_name("sha256").has_value());
}

TEST(Hash, IncrementalMatchesOneShot) {
  const Bytes data = text_bytes("the quick brown fox jumps over the lazy dog");
  Bytes expected(64);
  crypto_generichash(expected.data(), 64, data.data(), data.size(), nullptr, 0);
  Hasher hasher(HashKind::blake2b);
  hasher.update(ByteView(data).first(10));
  hasher.update(ByteView(data).subspan(10));
  Bytes out(64);
  hasher.finish(out);
  EXPECT_EQ(to_hex(out), to_hex(expected));
}

// RFC 4231 test case 2.
TEST(Hash, HmacMatchesRfc4231) {
  const Bytes key = text_bytes("Jefe");
  const Bytes data = text_bytes("what do ya want for nothing?");
  EXPECT_EQ(to_hex(hmac_bytes(HashKind::sha256, key, data)),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(to_hex(hmac_bytes(HashKind::sha512, key, data)),
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
            "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
}

// Cross-check against libsodium's own HMAC-SHA256/512 for key lengths around the block size.
TEST(Hash, HmacMatchesLibsodiumForManyKeyLengths) {
  const Bytes data = text_bytes("noise hmac cross-check");
  for (std::size_t key_len : {0u, 1u, 32u, 63u, 64u, 65u, 127u, 128u, 129u, 200u}) {
    SCOPED_TRACE(key_len);
    Bytes storage(key_len + 1);  // never empty, so libsodium never sees a null key pointer
    for (std::size_t i = 0; i < key_len; ++i) storage[i] = static_cast<std::uint8_t>(i * 7 + 1);
    const ByteView key(storage.data(), key_len);

    Bytes expected256(crypto_auth_hmacsha256_BYTES);
    crypto_auth_hmacsha256_state s256;
    crypto_auth_hmacsha256_init(&s256, key.data(), key.size());
    crypto_auth_hmacsha256_update(&s256, data.data(), data.size());
    crypto_auth_hmacsha256_final(&s256, expected256.data());
    EXPECT_EQ(to_hex(hmac_bytes(HashKind::sha256, key, data)), to_hex(expected256));

    Bytes expected512(crypto_auth_hmacsha512_BYTES);
    crypto_auth_hmacsha512_state s512;
    crypto_auth_hmacsha512_init(&s512, key.data(), key.size());
    crypto_auth_hmacsha512_update(&s512, data.data(), data.size());
    crypto_auth_hmacsha512_final(&s512, expected512.data());
    EXPECT_EQ(to_hex(hmac_bytes(HashKind::sha512, key, data)), to_hex(expected512));
  }
}

TEST(Hash, HmacBlake2bIsNotKeyedBlake2b) {
  const Bytes key(32, 0x42);
  const Bytes data = text_bytes("data");
  Bytes keyed(64);
  crypto_generichash(keyed.data(), 64, data.data(), data.size(), key.data(), key.size());
  const Bytes mac = hmac_bytes(HashKind::blake2b, key, data);
  EXPECT_NE(to_hex(mac), to_hex(keyed));
  EXPECT_EQ(mac, hmac_bytes(HashKind::blake2b, key, data));  // deterministic
}

// Noise's HKDF is RFC 5869 with salt = chaining key and empty info; RFC 5869 test case 3
// (empty salt, empty info) therefore gives output1 || output2 as its OKM prefix.
TEST(Hash, HkdfMatchesRfc5869EmptySaltCase) {
  const Bytes ikm(22, 0x0b);
  HkdfOutputs out = hkdf(HashKind::sha256, ByteView(), ikm, 2);
  ASSERT_EQ(out.first.size(), 32u);
  ASSERT_EQ(out.second.size(), 32u);
  EXPECT_TRUE(out.third.empty());
  EXPECT_EQ(to_hex(out.first.span()),
            "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d");
  EXPECT_EQ(to_hex(out.second.span().first(10)), "9d201395faa4b61a96c8");
}

TEST(Hash, HkdfThreeOutputsExtendTwo) {
  const Bytes ck(64, 0x01);
  const Bytes ikm(32, 0x02);
  HkdfOutputs two = hkdf(HashKind::blake2b, ck, ikm, 2);
  HkdfOutputs three = hkdf(HashKind::blake2b, ck, ikm, 3);
  EXPECT_TRUE(two.first.equals(three.first.span()));
  EXPECT_TRUE(two.second.equals(three.second.span()));
  ASSERT_EQ(three.third.size(), 64u);
  EXPECT_FALSE(three.third.equals(three.second.span()));
}

}  // namespace
}  // namespace pairspace::noise
