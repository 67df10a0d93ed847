#include "noise/handshake_state.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace pairspace::noise {
namespace {

using test::from_hex;
using test::text_bytes;
using test::to_hex;

constexpr const char* xxpsk3 = "Noise_XXpsk3_25519_ChaChaPoly_BLAKE2b";
constexpr const char* kk = "Noise_KK_25519_ChaChaPoly_BLAKE2b";
constexpr const char* xx = "Noise_XX_25519_ChaChaPoly_SHA256";
constexpr const char* nn = "Noise_NN_25519_ChaChaPoly_SHA512";
const char* const zero_point = "0000000000000000000000000000000000000000000000000000000000000000";
const char* const order8_point = "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800";

crypto::SecureBytes copy_secret(const crypto::SecureBytes& secret) {
  return crypto::SecureBytes(secret.span());
}

HandshakeConfig config(const char* name, bool initiator) {
  HandshakeConfig c;
  c.protocol_name = name;
  c.initiator = initiator;
  c.prologue = text_bytes("pairspace test");
  return c;
}

HandshakeState start(HandshakeConfig c) {
  Result<HandshakeState> state = HandshakeState::initialize(std::move(c));
  if (!state) throw std::runtime_error(state.error().message);
  return std::move(state).value();
}

struct Peers {
  KeyPair initiator_static = generate_keypair();
  KeyPair responder_static = generate_keypair();
  crypto::SecureBytes psk = crypto::SecureBytes::random(32);

  HandshakeConfig xxpsk3_config(bool initiator) const {
    HandshakeConfig c = config(xxpsk3, initiator);
    c.static_private =
        copy_secret(initiator ? initiator_static.private_key : responder_static.private_key);
    c.psks.push_back(copy_secret(psk));
    return c;
  }
  HandshakeConfig kk_config(bool initiator) const {
    HandshakeConfig c = config(kk, initiator);
    c.static_private =
        copy_secret(initiator ? initiator_static.private_key : responder_static.private_key);
    c.remote_static = initiator ? responder_static.public_key : initiator_static.public_key;
    return c;
  }
};

// Drives both sides to the end; returns the first error code met, or CODE_OK.
Code run_handshake(HandshakeState& init, HandshakeState& resp) {
  for (int step = 0; step < 8 && !(init.is_finished() && resp.is_finished()); ++step) {
    HandshakeState& writer = init.is_my_turn() ? init : resp;
    HandshakeState& reader = init.is_my_turn() ? resp : init;
    Result<Bytes> message = writer.write_message(text_bytes("step payload"));
    if (!message) return message.error().code;
    Result<Bytes> payload = reader.read_message(*message);
    if (!payload) return payload.error().code;
    if (*payload != text_bytes("step payload")) return v1::CODE_STORE;
  }
  return v1::CODE_OK;
}

void expect_transport_both_ways(HandshakeState& init, HandshakeState& resp) {
  Result<TransportCiphers> a = init.split();
  Result<TransportCiphers> b = resp.split();
  ASSERT_TRUE(a.ok() && b.ok());
  for (int round = 0; round < 3; ++round) {
    const Bytes ping = text_bytes("ping " + std::to_string(round));
    Result<Bytes> sealed = a->send.encrypt_with_ad({}, ping);
    ASSERT_TRUE(sealed.ok());
    Result<Bytes> opened = b->recv.decrypt_with_ad({}, *sealed);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(*opened, ping);

    const Bytes pong = text_bytes("pong " + std::to_string(round));
    sealed = b->send.encrypt_with_ad({}, pong);
    ASSERT_TRUE(sealed.ok());
    opened = a->recv.decrypt_with_ad({}, *sealed);
    ASSERT_TRUE(opened.ok());
    EXPECT_EQ(*opened, pong);
  }
  EXPECT_EQ(init.split().error().code, v1::CODE_USAGE);  // keys can be taken only once
}

TEST(HandshakeState, XXpsk3RoundTripThenTransport) {
  Peers peers;
  HandshakeState init = start(peers.xxpsk3_config(true));
  HandshakeState resp = start(peers.xxpsk3_config(false));
  ASSERT_EQ(run_handshake(init, resp), v1::CODE_OK);
  EXPECT_TRUE(init.is_finished() && resp.is_finished());
  EXPECT_EQ(to_hex(init.handshake_hash()), to_hex(resp.handshake_hash()));
  EXPECT_EQ(init.handshake_hash().size(), 64u);
  ASSERT_TRUE(init.remote_static() && resp.remote_static());
  EXPECT_EQ(*init.remote_static(), peers.responder_static.public_key);
  EXPECT_EQ(*resp.remote_static(), peers.initiator_static.public_key);
  expect_transport_both_ways(init, resp);
}

TEST(HandshakeState, KKRoundTripThenTransport) {
  Peers peers;
  HandshakeState init = start(peers.kk_config(true));
  HandshakeState resp = start(peers.kk_config(false));
  ASSERT_EQ(run_handshake(init, resp), v1::CODE_OK);
  EXPECT_EQ(to_hex(init.handshake_hash()), to_hex(resp.handshake_hash()));
  EXPECT_EQ(init.local_static_public(), peers.initiator_static.public_key);
  expect_transport_both_ways(init, resp);
}

TEST(HandshakeState, ReplayedOrReorderedTransportMessageFails) {
  Peers peers;
  HandshakeState init = start(peers.kk_config(true));
  HandshakeState resp = start(peers.kk_config(false));
  ASSERT_EQ(run_handshake(init, resp), v1::CODE_OK);
  Result<TransportCiphers> a = init.split();
  Result<TransportCiphers> b = resp.split();
  ASSERT_TRUE(a.ok() && b.ok());
  Result<Bytes> first = a->send.encrypt_with_ad({}, text_bytes("first"));
  Result<Bytes> second = a->send.encrypt_with_ad({}, text_bytes("second"));
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(b->recv.decrypt_with_ad({}, *second).error().code, v1::CODE_REFUSED);  // reordered
  ASSERT_TRUE(b->recv.decrypt_with_ad({}, *first).ok());
  EXPECT_EQ(b->recv.decrypt_with_ad({}, *first).error().code, v1::CODE_REFUSED);  // replayed
  EXPECT_TRUE(b->recv.decrypt_with_ad({}, *second).ok());
  // A message sent one way cannot be reflected back.
  Result<Bytes> reflected = a->send.encrypt_with_ad({}, text_bytes("third"));
  ASSERT_TRUE(reflected.ok());
  EXPECT_FALSE(a->recv.decrypt_with_ad({}, *reflected).ok());
}

TEST(HandshakeState, WrongPskFailsXXpsk3AtTheThirdMessage) {
  Peers peers;
  HandshakeState init = start(peers.xxpsk3_config(true));
  HandshakeConfig resp_config = peers.xxpsk3_config(false);
  resp_config.psks[0] = crypto::SecureBytes::random(32);
  HandshakeState resp = start(std::move(resp_config));

  Result<Bytes> m1 = init.write_message({});
  ASSERT_TRUE(m1.ok());
  ASSERT_TRUE(resp.read_message(*m1).ok());
  Result<Bytes> m2 = resp.write_message({});
  ASSERT_TRUE(m2.ok());
  ASSERT_TRUE(init.read_message(*m2).ok());
  Result<Bytes> m3 = init.write_message(text_bytes("secret"));
  ASSERT_TRUE(m3.ok());
  Result<Bytes> read = resp.read_message(*m3);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, v1::CODE_REFUSED);
  EXPECT_TRUE(resp.has_failed());
  EXPECT_FALSE(resp.is_finished());
  EXPECT_FALSE(resp.split().ok());
}

TEST(HandshakeState, KKWithWrongPinnedRemoteStaticFails) {
  Peers peers;
  // Initiator pins a key that is not the responder's.
  {
    HandshakeConfig c = peers.kk_config(true);
    c.remote_static = generate_keypair().public_key;
    HandshakeState init = start(std::move(c));
    HandshakeState resp = start(peers.kk_config(false));
    EXPECT_EQ(run_handshake(init, resp), v1::CODE_REFUSED);
    EXPECT_TRUE(resp.has_failed());
  }
  // Responder pins a key that is not the initiator's.
  {
    HandshakeConfig c = peers.kk_config(false);
    c.remote_static = generate_keypair().public_key;
    HandshakeState init = start(peers.kk_config(true));
    HandshakeState resp = start(std::move(c));
    EXPECT_EQ(run_handshake(init, resp), v1::CODE_REFUSED);
    EXPECT_FALSE(resp.is_finished() && init.is_finished());
  }
}

TEST(HandshakeState, EveryTamperedByteOfAHandshakeMessageFails) {
  Peers peers;
  for (std::size_t message_index : {1u, 2u}) {  // XXpsk3 messages 2 and 3 are authenticated
    std::size_t length = 1;                     // the real length is learned on the first pass
    for (std::size_t i = 0; i < length; ++i) {
      SCOPED_TRACE("message " + std::to_string(message_index) + " byte " + std::to_string(i));
      HandshakeState init = start(peers.xxpsk3_config(true));
      HandshakeState resp = start(peers.xxpsk3_config(false));
      Result<Bytes> read = Bytes{};
      for (std::size_t m = 0; m <= message_index; ++m) {
        HandshakeState& writer = m % 2 == 0 ? init : resp;
        HandshakeState& reader = m % 2 == 0 ? resp : init;
        Result<Bytes> message = writer.write_message(text_bytes("payload"));
        ASSERT_TRUE(message.ok());
        if (m == message_index) {
          length = message->size();
          (*message)[i] ^= 0x04;
        }
        read = reader.read_message(*message);
      }
      ASSERT_FALSE(read.ok());
      EXPECT_EQ(read.error().code, v1::CODE_REFUSED);
      HandshakeState& reader = message_index % 2 == 0 ? resp : init;
      EXPECT_TRUE(reader.has_failed());
      // An aborted handshake stays aborted.
      EXPECT_EQ(reader.write_message({}).error().code, v1::CODE_REFUSED);
    }
  }
}

TEST(HandshakeState, LowOrderRemoteStaticAbortsKK) {
  for (const char* point : {zero_point, order8_point}) {
    SCOPED_TRACE(point);
    Peers peers;
    HandshakeConfig c = peers.kk_config(true);
    c.remote_static = test::public_key_from_hex(point);
    HandshakeState init = start(std::move(c));
    Result<Bytes> m1 = init.write_message({});  // es with the bad key
    ASSERT_FALSE(m1.ok());
    EXPECT_EQ(m1.error().code, v1::CODE_REFUSED);
    EXPECT_TRUE(init.has_failed());
  }
}

TEST(HandshakeState, LowOrderEphemeralFromInitiatorAbortsResponder) {
  for (const char* point : {zero_point, order8_point}) {
    SCOPED_TRACE(point);
    HandshakeState resp = start(config(nn, false));
    Bytes forged = from_hex(point);  // NN message 1: e, then the (unencrypted) payload
    ASSERT_TRUE(resp.read_message(forged).ok());
    Result<Bytes> m2 = resp.write_message({});  // ee with the bad key
    ASSERT_FALSE(m2.ok());
    EXPECT_EQ(m2.error().code, v1::CODE_REFUSED);
    EXPECT_TRUE(resp.has_failed());
  }
}

TEST(HandshakeState, LowOrderEphemeralFromResponderAbortsInitiator) {
  Peers peers;
  HandshakeConfig ic = config(xx, true);
  ic.static_private = copy_secret(peers.initiator_static.private_key);
  HandshakeState init = start(std::move(ic));
  ASSERT_TRUE(init.write_message({}).ok());
  Bytes forged = from_hex(order8_point);  // e, then garbage where s and payload would be
  forged.resize(32 + 48 + 16, 0x5a);
  Result<Bytes> read = init.read_message(forged);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, v1::CODE_REFUSED);
  EXPECT_TRUE(init.has_failed());
}

TEST(HandshakeState, OversizeMessagesRejected) {
  HandshakeState init = start(config(nn, true));
  HandshakeState resp = start(config(nn, false));
  // NN message 1 is e (32 bytes) + unencrypted payload.
  Result<Bytes> too_big = init.write_message(Bytes(65535 - 32 + 1, 0));
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().code, v1::CODE_USAGE);
  EXPECT_FALSE(init.has_failed());  // refused before anything changed
  Result<Bytes> largest = init.write_message(Bytes(65535 - 32, 0));
  ASSERT_TRUE(largest.ok());
  EXPECT_EQ(largest->size(), 65535u);
  ASSERT_TRUE(resp.read_message(*largest).ok());
  // NN message 2 is e + encrypted payload (tag 16).
  EXPECT_EQ(resp.write_message(Bytes(65535 - 48 + 1, 0)).error().code, v1::CODE_USAGE);
  Result<Bytes> m2 = resp.write_message(Bytes(65535 - 48, 0));
  ASSERT_TRUE(m2.ok());
  EXPECT_EQ(m2->size(), 65535u);
  ASSERT_TRUE(init.read_message(*m2).ok());

  HandshakeState reader = start(config(nn, false));
  Result<Bytes> read = reader.read_message(Bytes(65536, 0));
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, v1::CODE_REFUSED);
}

TEST(HandshakeState, TruncatedMessageFails) {
  HandshakeState resp = start(config(nn, false));
  Result<Bytes> read = resp.read_message(Bytes(31, 1));
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().code, v1::CODE_REFUSED);
}

TEST(HandshakeState, MisuseIsAUsageError) {
  Peers peers;
  auto code_of = [](HandshakeConfig c) {
    Result<HandshakeState> state = HandshakeState::initialize(std::move(c));
    return state.ok() ? v1::CODE_OK : state.error().code;
  };
  EXPECT_EQ(code_of(config("Noise_XX_25519_AESGCM_SHA256", true)), v1::CODE_USAGE);
  EXPECT_EQ(code_of(config(xx, true)), v1::CODE_USAGE);  // XX needs our static key
  HandshakeConfig surplus_rs = peers.xxpsk3_config(true);
  surplus_rs.remote_static = peers.responder_static.public_key;
  EXPECT_EQ(code_of(std::move(surplus_rs)), v1::CODE_USAGE);
  HandshakeConfig no_psk = peers.xxpsk3_config(true);
  no_psk.psks.clear();
  EXPECT_EQ(code_of(std::move(no_psk)), v1::CODE_USAGE);
  HandshakeConfig short_psk = peers.xxpsk3_config(true);
  short_psk.psks[0] = crypto::SecureBytes::random(16);
  EXPECT_EQ(code_of(std::move(short_psk)), v1::CODE_USAGE);
  HandshakeConfig kk_without_rs = peers.kk_config(true);
  kk_without_rs.remote_static.reset();
  EXPECT_EQ(code_of(std::move(kk_without_rs)), v1::CODE_USAGE);
  HandshakeConfig nn_with_s = config(nn, true);
  nn_with_s.static_private = crypto::SecureBytes::random(32);
  EXPECT_EQ(code_of(std::move(nn_with_s)), v1::CODE_USAGE);

  HandshakeState resp = start(config(nn, false));
  EXPECT_FALSE(resp.is_my_turn());
  EXPECT_EQ(resp.write_message({}).error().code, v1::CODE_USAGE);  // not our turn
  EXPECT_FALSE(resp.has_failed());
  EXPECT_EQ(resp.split().error().code, v1::CODE_USAGE);  // not finished
  HandshakeState init = start(config(nn, true));
  EXPECT_EQ(init.read_message(Bytes(48, 0)).error().code, v1::CODE_USAGE);
}

TEST(HandshakeState, InjectedEphemeralIsDeterministic) {
  const Bytes e = from_hex("893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a");
  Bytes first_messages[2];
  for (Bytes& out : first_messages) {
    HandshakeConfig c = config(nn, true);
    c.ephemeral_private = crypto::SecureBytes(e);
    HandshakeState init = start(std::move(c));
    Result<Bytes> m1 = init.write_message(text_bytes("x"));
    ASSERT_TRUE(m1.ok());
    out = *m1;
  }
  EXPECT_EQ(first_messages[0], first_messages[1]);
  HandshakeState random_e = start(config(nn, true));
  EXPECT_NE(random_e.write_message(text_bytes("x")).value(), first_messages[0]);
}

}  // namespace
}  // namespace pairspace::noise
