#include "peer/unpair.hpp"

#include <gtest/gtest.h>
#include <sodium.h>

#include "test_devices.hpp"

namespace pairspace::peer {
namespace {

using test::make_device;

TEST(Unpair, PartnerSignatureVerifies) {
  const auto ana = make_device("a", 1);
  const Bytes h(64, 0x5a);
  Result<Bytes> signature = sign_unpair(h, ana.keys.sign_secret.span());
  ASSERT_TRUE(signature.ok());
  EXPECT_EQ(signature->size(), 64u);
  EXPECT_TRUE(verify_unpair(h, *signature, ana.keys.sign_public).ok());

  // It is an Ed25519 signature over "pairspace/v1/unpair" || h.
  const std::string text = "pairspace/v1/unpair" + std::string(h.begin(), h.end());
  const Bytes message(text.begin(), text.end());
  EXPECT_EQ(crypto_sign_verify_detached(signature->data(), message.data(), message.size(),
                                        ana.keys.sign_public.data()),
            0);
}

TEST(Unpair, RejectsTheWrongKeySessionOrSignature) {
  const auto ana = make_device("a", 1);
  const auto eve = make_device("e", 2);
  const Bytes h(64, 0x5a);
  const Bytes signature = *sign_unpair(h, ana.keys.sign_secret.span());
  const Status wrong_key = verify_unpair(h, signature, eve.keys.sign_public);
  ASSERT_FALSE(wrong_key.ok());
  EXPECT_EQ(wrong_key.error().code, v1::CODE_REFUSED);
  EXPECT_FALSE(verify_unpair(Bytes(64, 0x5b), signature, ana.keys.sign_public).ok());
  Bytes flipped = signature;
  flipped[10] ^= 1;
  EXPECT_FALSE(verify_unpair(h, flipped, ana.keys.sign_public).ok());
  EXPECT_FALSE(verify_unpair(h, Bytes(63, 0), ana.keys.sign_public).ok());
  EXPECT_FALSE(verify_unpair({}, signature, ana.keys.sign_public).ok());
}

TEST(Unpair, RefusesADamagedSecretKey) {
  EXPECT_EQ(sign_unpair(Bytes(64, 1), Bytes(32, 0)).error().code, v1::CODE_USAGE);
}

}  // namespace
}  // namespace pairspace::peer
