#include "noise/cipher_state.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include <array>

#include "test_support.hpp"

namespace pairspace::noise {
namespace {

using test::text_bytes;
using test::to_hex;

struct Pair {
  CipherState sender;
  CipherState receiver;
};

Pair keyed_pair(const Bytes& key) {
  Pair pair;
  pair.sender.initialize_key(key);
  pair.receiver.initialize_key(key);
  return pair;
}

TEST(CipherState, UsesFourZeroBytesThenLittleEndianCounter) {
  const Bytes key(32, 0x11);
  CipherState cipher;
  cipher.initialize_key(key);
  cipher.set_nonce(0x0102030405060708ULL);
  const Bytes ad = text_bytes("ad");
  const Bytes plain = text_bytes("hello");
  Result<Bytes> sealed = cipher.encrypt_with_ad(ad, plain);
  ASSERT_TRUE(sealed.ok());

  const std::array<std::uint8_t, 12> nonce{0, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1};
  Bytes expected(plain.size() + 16);
  unsigned long long len = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(expected.data(), &len, plain.data(), plain.size(),
                                            ad.data(), ad.size(), nullptr, nonce.data(),
                                            key.data());
  EXPECT_EQ(to_hex(*sealed), to_hex(expected));
  EXPECT_EQ(cipher.nonce(), 0x0102030405060709ULL);
}

TEST(CipherState, RoundTripAdvancesBothCounters) {
  Pair pair = keyed_pair(Bytes(32, 0x22));
  for (int i = 0; i < 3; ++i) {
    Result<Bytes> sealed = pair.sender.encrypt_with_ad({}, text_bytes("message"));
    ASSERT_TRUE(sealed.ok());
    EXPECT_EQ(sealed->size(), 7u + 16u);
    Result<Bytes> opened = pair.receiver.decrypt_with_ad({}, *sealed);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(*opened, text_bytes("message"));
  }
  EXPECT_EQ(pair.sender.nonce(), 3u);
  EXPECT_EQ(pair.receiver.nonce(), 3u);
}

TEST(CipherState, ReplayedMessageFails) {
  Pair pair = keyed_pair(Bytes(32, 0x33));
  Result<Bytes> first = pair.sender.encrypt_with_ad({}, text_bytes("one"));
  Result<Bytes> second = pair.sender.encrypt_with_ad({}, text_bytes("two"));
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_TRUE(pair.receiver.decrypt_with_ad({}, *first).ok());
  Result<Bytes> replay = pair.receiver.decrypt_with_ad({}, *first);
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().code, v1::CODE_REFUSED);
  EXPECT_EQ(pair.receiver.nonce(), 1u);  // failure did not advance the counter
  EXPECT_TRUE(pair.receiver.decrypt_with_ad({}, *second).ok());
}

TEST(CipherState, ReorderedMessageFails) {
  Pair pair = keyed_pair(Bytes(32, 0x44));
  Result<Bytes> first = pair.sender.encrypt_with_ad({}, text_bytes("one"));
  Result<Bytes> second = pair.sender.encrypt_with_ad({}, text_bytes("two"));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_FALSE(pair.receiver.decrypt_with_ad({}, *second).ok());
  EXPECT_EQ(pair.receiver.nonce(), 0u);
  EXPECT_TRUE(pair.receiver.decrypt_with_ad({}, *first).ok());
  EXPECT_TRUE(pair.receiver.decrypt_with_ad({}, *second).ok());
}

TEST(CipherState, TamperedCiphertextOrAdFails) {
  Pair pair = keyed_pair(Bytes(32, 0x55));
  Result<Bytes> sealed = pair.sender.encrypt_with_ad(text_bytes("ad"), text_bytes("payload"));
  ASSERT_TRUE(sealed.ok());
  for (std::size_t i = 0; i < sealed->size(); ++i) {
    Bytes tampered = *sealed;
    tampered[i] ^= 0x01;
    EXPECT_FALSE(pair.receiver.decrypt_with_ad(text_bytes("ad"), tampered).ok()) << i;
  }
  EXPECT_FALSE(pair.receiver.decrypt_with_ad(text_bytes("AD"), *sealed).ok());
  EXPECT_FALSE(pair.receiver.decrypt_with_ad(text_bytes("ad"), ByteView(*sealed).first(15)).ok());
  EXPECT_TRUE(pair.receiver.decrypt_with_ad(text_bytes("ad"), *sealed).ok());
}

TEST(CipherState, NonceExhaustionIsAnError) {
  Pair pair = keyed_pair(Bytes(32, 0x66));
  pair.sender.set_nonce(CipherState::max_nonce - 1);
  pair.receiver.set_nonce(CipherState::max_nonce - 1);
  Result<Bytes> last = pair.sender.encrypt_with_ad({}, text_bytes("last"));
  ASSERT_TRUE(last.ok());
  ASSERT_TRUE(pair.receiver.decrypt_with_ad({}, *last).ok());
  Result<Bytes> beyond = pair.sender.encrypt_with_ad({}, text_bytes("beyond"));
  ASSERT_FALSE(beyond.ok());
  EXPECT_EQ(beyond.error().code, v1::CODE_USAGE);
  Result<Bytes> forged = pair.receiver.decrypt_with_ad({}, *last);
  ASSERT_FALSE(forged.ok());
  EXPECT_EQ(forged.error().code, v1::CODE_REFUSED);
}

TEST(CipherState, OversizeMessagesRejected) {
  Pair pair = keyed_pair(Bytes(32, 0x77));
  Result<Bytes> largest = pair.sender.encrypt_with_ad({}, Bytes(65535 - 16, 0xab));
  ASSERT_TRUE(largest.ok());
  EXPECT_EQ(largest->size(), 65535u);
  EXPECT_TRUE(pair.receiver.decrypt_with_ad({}, *largest).ok());
  Result<Bytes> too_big = pair.sender.encrypt_with_ad({}, Bytes(65535 - 15, 0xab));
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().code, v1::CODE_USAGE);
  EXPECT_EQ(pair.sender.nonce(), 1u);
  EXPECT_EQ(pair.receiver.decrypt_with_ad({}, Bytes(65536, 0)).error().code, v1::CODE_REFUSED);
}

TEST(CipherState, RekeyMustHappenOnBothSides) {
  Pair pair = keyed_pair(Bytes(32, 0x88));
  ASSERT_TRUE(pair.sender.rekey().ok());
  Result<Bytes> sealed = pair.sender.encrypt_with_ad({}, text_bytes("after rekey"));
  ASSERT_TRUE(sealed.ok());
  EXPECT_FALSE(pair.receiver.decrypt_with_ad({}, *sealed).ok());
  ASSERT_TRUE(pair.receiver.rekey().ok());
  EXPECT_TRUE(pair.receiver.decrypt_with_ad({}, *sealed).ok());
}

TEST(CipherState, WithoutKeyPassesThrough) {
  CipherState cipher;
  EXPECT_FALSE(cipher.has_key());
  Result<Bytes> out = cipher.encrypt_with_ad({}, text_bytes("plain"));
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, text_bytes("plain"));
  EXPECT_EQ(cipher.nonce(), 0u);
  EXPECT_FALSE(cipher.rekey().ok());
}

}  // namespace
}  // namespace pairspace::noise
