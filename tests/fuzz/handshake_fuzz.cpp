// Noise handshake messages as an attacker on the wire shapes them: two honest sides run a
// handshake and every message in flight passes through a fuzz-chosen edit (pass, replace,
// flip a bit, cut or extend) before the other side reads it.
//
// Input: mode(1) || mode's fields || one edit per message (see read_edit).
//   mode even: the partner session (peer::SessionInitiator / SessionResponder, Noise KK
//              with pinned keys and the timestamp replay guard);
//   mode odd:  the generic HandshakeState on one of several patterns (incl. XXpsk3, the
//              pairing handshake, and psk/one-way variants).
// Invariants:
//  - the side that reads the last message only finishes if every message arrived exactly as
//    it was sent (each later message's tag covers the hash of all earlier ones);
//  - untouched messages between matching keys always finish (nothing refuses the honest run);
//  - a finished handshake gives both sides the same hash, the same payloads, and transport
//    ciphers that carry a message each way;
//  - KK: a replayed timestamp (<= the last accepted) or the wrong pinned key never finishes;
//    different psks never finish.
#include <optional>

#include "fuzz_support.hpp"
#include "noise/handshake_state.hpp"
#include "pairspace.pb.h"
#include "peer/session.hpp"

namespace pairspace::fuzz {
namespace {

// What the network does to one message.
Bytes apply_edit(FuzzInput& in, const Bytes& sent) {
  Bytes out = sent;
  switch (in.u8() % 4) {
    case 0:
      break;
    case 1: {
      const ByteView replacement = in.chunk();
      out.assign(replacement.begin(), replacement.end());
      break;
    }
    case 2: {
      if (out.empty()) break;
      const std::size_t pos = in.u16() % out.size();
      const std::uint8_t mask = in.u8();
      out[pos] ^= mask == 0 ? 1 : mask;
      break;
    }
    case 3: {
      const std::size_t length = in.u16() % (out.size() + 65);
      out.resize(length, in.u8());
      break;
    }
  }
  return out;
}

Bytes payload_of(FuzzInput& in) {
  const ByteView p = in.take(in.u8());  // up to 255 bytes
  return Bytes(p.begin(), p.end());
}

void check_transports(noise::TransportCiphers& a, noise::TransportCiphers& b, bool one_way) {
  const Bytes hello = {'h', 'i'};
  Result<Bytes> sealed = a.send.encrypt_with_ad({}, hello);
  FUZZ_CHECK(sealed.ok());
  Result<Bytes> opened = b.recv.decrypt_with_ad({}, *sealed);
  FUZZ_CHECK(opened.ok() && *opened == hello);
  if (one_way) return;
  sealed = b.send.encrypt_with_ad({}, hello);
  FUZZ_CHECK(sealed.ok());
  opened = a.recv.decrypt_with_ad({}, *sealed);
  FUZZ_CHECK(opened.ok() && *opened == hello);
}

// ---------------------------------------------------------------- the partner session

void fuzz_session(FuzzInput& in) {
  const TestKeys a = test_keys(1);
  const TestKeys b = test_keys(2);
  const TestKeys c = test_keys(3);
  const std::uint64_t timestamp = in.u64();
  const std::uint64_t last_accepted = in.u8() % 2 == 0 ? 0 : in.u64();
  const bool wrong_pin = in.u8() % 8 == 7;  // B pins C instead of A

  const std::uint64_t next = peer::next_session_timestamp(timestamp, last_accepted);
  FUZZ_CHECK(next >= timestamp);
  FUZZ_CHECK(next > last_accepted || last_accepted == UINT64_MAX);

  Result<peer::SessionInitiator> initiator =
      peer::SessionInitiator::start({a.dh_secret, b.dh_public}, timestamp);
  FUZZ_CHECK(initiator.ok());
  const Bytes& sent_init = initiator->init_body();
  FUZZ_CHECK(sent_init.size() == peer::session_init_bytes);
  const Bytes got_init = apply_edit(in, sent_init);

  Result<peer::AcceptedSession> accepted = peer::SessionResponder::accept(
      {b.dh_secret, wrong_pin ? ByteView(c.dh_public) : ByteView(a.dh_public)}, got_init,
      last_accepted);
  const bool untouched_init = got_init == sent_init;
  if (accepted) {
    FUZZ_CHECK(untouched_init && !wrong_pin);
    FUZZ_CHECK(accepted->timestamp_ms == timestamp);
    FUZZ_CHECK(timestamp > last_accepted);
    FUZZ_CHECK(accepted->reply.size() == peer::session_reply_bytes);
  } else {
    FUZZ_CHECK(!untouched_init || wrong_pin || timestamp <= last_accepted);
    FUZZ_CHECK(accepted.error().code == v1::CODE_REFUSED);
  }

  // The initiator reads B's reply, or (B refused, so it sent nothing) whatever arrives.
  const Bytes sent_reply = accepted ? accepted->reply : Bytes{};
  const Bytes got_reply = apply_edit(in, sent_reply);
  Result<peer::Transport> transport = initiator->finish(got_reply);
  if (transport) {
    FUZZ_CHECK(accepted.ok() && got_reply == sent_reply);
    const ByteView ha = transport->handshake_hash();
    const ByteView hb = accepted->transport.handshake_hash();
    FUZZ_CHECK(ha.size() == hb.size() && std::equal(ha.begin(), ha.end(), hb.begin()));
    v1::Frame keepalive;
    keepalive.mutable_keepalive();
    Result<Bytes> body = transport->encrypt(keepalive);
    FUZZ_CHECK(body.ok());
    Result<v1::Frame> back = accepted->transport.decrypt(*body);
    FUZZ_CHECK(back.ok() && back->has_keepalive());
    body = accepted->transport.encrypt(keepalive);
    FUZZ_CHECK(body.ok() && transport->decrypt(*body).ok());
  } else if (accepted && got_reply == sent_reply) {
    FUZZ_CHECK(false && "an untouched reply must finish the session");
  }
  FUZZ_CHECK(!initiator->finish(sent_reply).ok());  // once only
}

// ---------------------------------------------------------------- generic patterns

constexpr const char* protocols[] = {
    "Noise_XXpsk3_25519_ChaChaPoly_BLAKE2b",  // pairing
    "Noise_KK_25519_ChaChaPoly_BLAKE2b",      // session
    "Noise_NN_25519_ChaChaPoly_SHA256",
    "Noise_XX_25519_ChaChaPoly_SHA512",
    "Noise_IK_25519_ChaChaPoly_BLAKE2b",
    "Noise_NK1_25519_ChaChaPoly_SHA256",
    "Noise_X1X1_25519_ChaChaPoly_BLAKE2b",
    "Noise_K_25519_ChaChaPoly_SHA256",
    "Noise_X_25519_ChaChaPoly_BLAKE2b",
    "Noise_NNpsk0+psk2_25519_ChaChaPoly_SHA256",
    "Noise_KKpsk0_25519_ChaChaPoly_BLAKE2b",
    "Noise_IXpsk2_25519_ChaChaPoly_SHA512",
};
constexpr std::size_t protocol_count = sizeof(protocols) / sizeof(protocols[0]);

// The one config (with or without each static key) the pattern accepts.
std::optional<noise::HandshakeState> start(const std::string& name, bool initiator,
                                           const TestKeys& self, const TestKeys& peer_keys,
                                           const std::array<std::uint8_t, 32>& psk) {
  Result<noise::Protocol> protocol = noise::parse_protocol_name(name);
  FUZZ_CHECK(protocol.ok());
  for (int combo = 0; combo < 4; ++combo) {
    noise::HandshakeConfig config;
    config.protocol_name = name;
    config.initiator = initiator;
    config.prologue = {'f', 'u', 'z', 'z'};
    if ((combo & 1) != 0) config.static_private = crypto::SecureBytes(self.dh_secret);
    if ((combo & 2) != 0) config.remote_static = peer_keys.dh_public;
    for (std::size_t i = 0; i < protocol->pattern.psk_count; ++i) {
      config.psks.emplace_back(ByteView(psk));
    }
    Result<noise::HandshakeState> state = noise::HandshakeState::initialize(std::move(config));
    if (state) return std::move(*state);
  }
  return std::nullopt;
}

void fuzz_pattern(FuzzInput& in) {
  const std::string name = protocols[in.u8() % protocol_count];
  const std::uint8_t twist = in.u8();
  const bool other_psk = twist % 8 == 1;
  const bool impostor = twist % 8 == 2;  // the responder's peer key is C, not A
  const TestKeys a = test_keys(1);
  const TestKeys b = test_keys(2);
  const TestKeys c = test_keys(3);
  std::array<std::uint8_t, 32> psk_a{};
  psk_a.fill(9);
  std::array<std::uint8_t, 32> psk_b = psk_a;
  if (other_psk) psk_b[0] ^= 1;

  std::optional<noise::HandshakeState> sides[2] = {start(name, true, a, b, psk_a),
                                                   start(name, false, b, impostor ? c : a, psk_b)};
  FUZZ_CHECK(sides[0] && sides[1]);
  const bool pins_initiator = sides[1]->remote_static().has_value();
  const bool key_mismatch = other_psk && sides[0]->protocol().pattern.psk_count > 0;
  const bool pin_mismatch = impostor && pins_initiator;

  bool all_untouched = true;
  bool broken = false;
  std::size_t index = 0;
  while (!sides[0]->is_finished() && !broken) {
    noise::HandshakeState& writer = *sides[index % 2];
    noise::HandshakeState& reader = *sides[(index + 1) % 2];
    FUZZ_CHECK(writer.is_my_turn() && !reader.is_my_turn());
    const Bytes payload = payload_of(in);
    Result<Bytes> sent = writer.write_message(payload);
    if (!sent) {
      // Only a tampered earlier message (say, an invalid ephemeral key that was read
      // without a tag) can make the next write fail.
      FUZZ_CHECK(!all_untouched);
      broken = true;
      break;
    }
    const Bytes got = apply_edit(in, *sent);
    all_untouched = all_untouched && got == *sent;
    Result<Bytes> read = reader.read_message(got);
    if (!read) {
      FUZZ_CHECK(reader.has_failed());
      FUZZ_CHECK(!reader.read_message(*sent).ok());  // aborted for good
      broken = true;
      break;
    }
    if (got == *sent && !key_mismatch && !pin_mismatch) FUZZ_CHECK(*read == payload);
    ++index;
  }
  if (broken) {
    FUZZ_CHECK(!all_untouched || key_mismatch || pin_mismatch);
    return;
  }
  FUZZ_CHECK(sides[1]->is_finished());
  FUZZ_CHECK(all_untouched && !key_mismatch && !pin_mismatch);
  FUZZ_CHECK(sides[0]->handshake_hash() == sides[1]->handshake_hash());
  Result<noise::TransportCiphers> ta = sides[0]->split();
  Result<noise::TransportCiphers> tb = sides[1]->split();
  FUZZ_CHECK(ta.ok() && tb.ok());
  check_transports(*ta, *tb, sides[0]->protocol().pattern.one_way());
}

}  // namespace
}  // namespace pairspace::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pairspace::fuzz::fuzz_init();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pairspace::fuzz;
  reset_random();
  FuzzInput in(data, size);
  if (in.u8() % 2 == 0) {
    fuzz_session(in);
  } else {
    fuzz_pattern(in);
  }
  return 0;
}
