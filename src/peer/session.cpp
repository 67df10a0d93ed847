#include "peer/session.hpp"

#include <sodium.h>

#include <algorithm>
#include <utility>

#include "peer/wire.hpp"

namespace pairspace::peer {
namespace {

constexpr std::size_t dh_key_bytes = 32;

Error keys_error() {
  return make_error(v1::CODE_USAGE, "The keys for a session with the partner are damaged.");
}

Error refused_error() {
  return make_error(v1::CODE_REFUSED,
                    "A session request did not come from the paired partner, so it was ignored.");
}

Error replay_error() {
  return make_error(v1::CODE_REFUSED,
                    "A session request was a replay of an earlier one, so it was ignored.");
}

Result<noise::HandshakeState> start_kk(const SessionKeys& keys, bool initiator) {
  if (keys.dh_secret.size() != dh_key_bytes || keys.partner_dh_public.size() != dh_key_bytes) {
    return keys_error();
  }
  noise::HandshakeConfig config;
  config.protocol_name = std::string(session_protocol_name);
  config.initiator = initiator;
  config.prologue = Bytes(session_prologue.begin(), session_prologue.end());
  config.static_private = crypto::SecureBytes(keys.dh_secret);
  noise::PublicKey partner{};
  std::copy(keys.partner_dh_public.begin(), keys.partner_dh_public.end(), partner.begin());
  config.remote_static = partner;
  return noise::HandshakeState::initialize(std::move(config));
}

Result<Transport> split_transport(noise::HandshakeState& handshake) {
  Bytes h = handshake.handshake_hash();
  Result<noise::TransportCiphers> ciphers = handshake.split();
  if (!ciphers) return ciphers.error();
  return Transport(std::move(*ciphers), std::move(h));
}

}  // namespace

std::uint64_t next_session_timestamp(std::uint64_t now_ms, std::uint64_t last_sent_ms) {
  if (last_sent_ms == UINT64_MAX) return UINT64_MAX;
  return std::max(now_ms, last_sent_ms + 1);
}

Result<SessionInitiator> SessionInitiator::start(const SessionKeys& keys,
                                                 std::uint64_t timestamp_ms,
                                                 std::optional<SessionNonce> nonce) {
  Result<noise::HandshakeState> handshake = start_kk(keys, true);
  if (!handshake) return handshake.error();
  if (!nonce) {
    nonce.emplace();
    randombytes_buf(nonce->data(), nonce->size());
  }
  Bytes payload(session_payload_bytes);
  for (std::size_t i = 0; i < 8; ++i) {
    payload[i] = static_cast<std::uint8_t>(timestamp_ms >> (8 * (7 - i)));
  }
  std::copy(nonce->begin(), nonce->end(), payload.begin() + 8);
  Result<Bytes> msg1 = handshake->write_message(payload);
  if (!msg1) return msg1.error();
  Bytes init{static_cast<std::uint8_t>(MessageType::session_init)};
  init.insert(init.end(), msg1->begin(), msg1->end());
  return SessionInitiator(std::move(*handshake), std::move(init));
}

SessionInitiator::SessionInitiator(noise::HandshakeState handshake, Bytes init)
    : m_handshake(std::move(handshake)), m_init(std::move(init)) {}

Result<Transport> SessionInitiator::finish(ByteView reply) {
  if (!m_handshake) return refused_error();
  noise::HandshakeState handshake = std::move(*m_handshake);
  m_handshake.reset();
  if (reply.size() != session_reply_bytes) return refused_error();
  Result<Bytes> payload = handshake.read_message(reply);
  if (!payload || !payload->empty()) return refused_error();
  return split_transport(handshake);
}

Result<AcceptedSession> SessionResponder::accept(const SessionKeys& keys, ByteView session_init,
                                                 std::uint64_t last_accepted_ms) {
  if (session_init.size() != session_init_bytes ||
      session_init[0] != static_cast<std::uint8_t>(MessageType::session_init)) {
    return refused_error();
  }
  Result<noise::HandshakeState> handshake = start_kk(keys, false);
  if (!handshake) return handshake.error();
  Result<Bytes> payload = handshake->read_message(session_init.subspan(1));
  if (!payload || payload->size() != session_payload_bytes) return refused_error();

  std::uint64_t timestamp_ms = 0;
  for (std::size_t i = 0; i < 8; ++i) timestamp_ms = (timestamp_ms << 8) | (*payload)[i];
  if (timestamp_ms <= last_accepted_ms) return replay_error();

  Result<Bytes> reply = handshake->write_message({});
  if (!reply) return reply.error();
  Result<Transport> transport = split_transport(*handshake);
  if (!transport) return transport.error();
  return AcceptedSession{std::move(*reply), std::move(*transport), timestamp_ms};
}

}  // namespace pairspace::peer
