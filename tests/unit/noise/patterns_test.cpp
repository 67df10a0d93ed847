#include "noise/patterns.hpp"

#include <gtest/gtest.h>

namespace pairspace::noise {
namespace {

using T = Token;

TEST(Patterns, XXpsk3AppendsPskToThirdMessage) {
  Result<HandshakePattern> p = find_pattern("XXpsk3");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->initiator_pre.empty());
  EXPECT_TRUE(p->responder_pre.empty());
  ASSERT_EQ(p->messages.size(), 3u);
  EXPECT_EQ(p->messages[0], (std::vector<Token>{T::e}));
  EXPECT_EQ(p->messages[1], (std::vector<Token>{T::e, T::ee, T::s, T::es}));
  EXPECT_EQ(p->messages[2], (std::vector<Token>{T::s, T::se, T::psk}));
  EXPECT_EQ(p->psk_count, 1u);
  EXPECT_FALSE(p->one_way());
}

TEST(Patterns, KKHasStaticPreMessagesBothWays) {
  Result<HandshakePattern> p = find_pattern("KK");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->initiator_pre, (std::vector<Token>{T::s}));
  EXPECT_EQ(p->responder_pre, (std::vector<Token>{T::s}));
  ASSERT_EQ(p->messages.size(), 2u);
  EXPECT_EQ(p->messages[0], (std::vector<Token>{T::e, T::es, T::ss}));
  EXPECT_EQ(p->messages[1], (std::vector<Token>{T::e, T::ee, T::se}));
  EXPECT_EQ(p->psk_count, 0u);
}

TEST(Patterns, MultiplePskModifiers) {
  Result<HandshakePattern> p = find_pattern("NNpsk0+psk2");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->messages[0], (std::vector<Token>{T::psk, T::e}));
  EXPECT_EQ(p->messages[1], (std::vector<Token>{T::e, T::ee, T::psk}));
  EXPECT_EQ(p->psk_count, 2u);
}

TEST(Patterns, DeferredNamesAreNotConfusedWithShorterOnes) {
  Result<HandshakePattern> p = find_pattern("X1X1");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->messages.size(), 4u);
  EXPECT_TRUE(find_pattern("N").ok());
  EXPECT_TRUE(find_pattern("N")->one_way());
}

TEST(Patterns, EveryTableEntryParsesWithNonEmptyMessages) {
  const auto names = fundamental_pattern_names();
  EXPECT_EQ(names.size(), 38u);
  for (std::string_view name : names) {
    SCOPED_TRACE(std::string(name));
    Result<HandshakePattern> p = find_pattern(name);
    ASSERT_TRUE(p.ok());
    ASSERT_FALSE(p->messages.empty());
    for (const auto& message : p->messages) EXPECT_FALSE(message.empty());
    EXPECT_EQ(p->messages[0].front(), T::e);  // every pattern opens with the initiator's e
  }
}

TEST(Patterns, UnknownPatternsAndModifiersAreRefused) {
  for (const char* name : {"", "XY", "XXfallback", "XXpsk", "XXpsk4", "XXpsk3+", "XX+psk3",
                           "XXpskx", "xx", "NNpsk0psk2"}) {
    SCOPED_TRACE(name);
    Result<HandshakePattern> p = find_pattern(name);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().code, v1::CODE_USAGE);
  }
}

TEST(Patterns, ParsesSupportedProtocolNames) {
  Result<Protocol> p = parse_protocol_name("Noise_XXpsk3_25519_ChaChaPoly_BLAKE2b");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->name, "Noise_XXpsk3_25519_ChaChaPoly_BLAKE2b");
  EXPECT_EQ(p->pattern.name, "XXpsk3");
  EXPECT_EQ(p->hash, HashKind::blake2b);
  EXPECT_EQ(parse_protocol_name("Noise_KK_25519_ChaChaPoly_SHA512")->hash, HashKind::sha512);
  EXPECT_EQ(parse_protocol_name("Noise_KK_25519_ChaChaPoly_SHA256")->hash, HashKind::sha256);
}

TEST(Patterns, RefusesOtherPrimitivesAndMalformedNames) {
  for (const char* name :
       {"Noise_XX_448_ChaChaPoly_SHA256", "Noise_XX_25519_AESGCM_SHA256",
        "Noise_XX_25519_ChaChaPoly_BLAKE2s", "Noise_XX_25519_ChaChaPoly",
        "Noise_XX_25519_ChaChaPoly_SHA256_", "NoiseXX_25519_ChaChaPoly_SHA256",
        "Noise_ XX_25519_ChaChaPoly_SHA256", "Noise_XXfallback_25519_ChaChaPoly_SHA256"}) {
    SCOPED_TRACE(name);
    Result<Protocol> p = parse_protocol_name(name);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().code, v1::CODE_USAGE);
  }
}

}  // namespace
}  // namespace pairspace::noise
