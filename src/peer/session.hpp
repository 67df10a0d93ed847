#pragma once
// Session handshake between paired devices, sans-IO: Noise_KK_25519_ChaChaPoly_BLAKE2b with
// both static keys pinned at pairing, prologue "pairspace/v1/session".
//   A -> B  SESSION_INIT = 0x10 || KK message 1 (e, es, ss), payload u64 timestamp_ms || nonce[16]
//   B -> A  KK message 2 (e, ee, se), payload empty; then both Split() into a Transport.
// Replay guard: B accepts message 1 only if timestamp_ms > the last timestamp it accepted
// from A (the caller persists both sides' numbers). Clocks are not compared otherwise.
// B answers a message it cannot read, or a replay, with NOTHING: its errors carry no bytes.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "noise/handshake_state.hpp"
#include "peer/frame_codec.hpp"
#include "peer/transport.hpp"
#include "util/result.hpp"

namespace pairspace::peer {

inline constexpr std::string_view session_protocol_name = "Noise_KK_25519_ChaChaPoly_BLAKE2b";
inline constexpr std::string_view session_prologue = "pairspace/v1/session";
inline constexpr std::size_t session_nonce_bytes = 16;
inline constexpr std::size_t session_payload_bytes = 8 + session_nonce_bytes;
inline constexpr std::size_t session_init_bytes = 1 + 32 + session_payload_bytes + 16;  // 73
inline constexpr std::size_t session_reply_bytes = 32 + 16;                             // 48

using SessionNonce = std::array<std::uint8_t, session_nonce_bytes>;

struct SessionKeys {
  ByteView dh_secret;          // this device's X25519 secret, 32 bytes
  ByteView partner_dh_public;  // the partner's X25519 key pinned at pairing, 32 bytes
};

// The timestamp an initiator sends: max(now_ms, last_sent_ms + 1). Persist it before sending.
std::uint64_t next_session_timestamp(std::uint64_t now_ms, std::uint64_t last_sent_ms);

class SessionInitiator {
 public:
  // nonce: random unless given (tests).
  static Result<SessionInitiator> start(const SessionKeys& keys, std::uint64_t timestamp_ms,
                                        std::optional<SessionNonce> nonce = std::nullopt);

  SessionInitiator(SessionInitiator&&) noexcept = default;
  SessionInitiator& operator=(SessionInitiator&&) noexcept = default;

  // The SESSION_INIT frame body to send.
  const Bytes& init_body() const { return m_init; }

  // The responder's reply (KK message 2) -> the session's transport. Once only.
  Result<Transport> finish(ByteView reply);

 private:
  SessionInitiator(noise::HandshakeState handshake, Bytes init);

  std::optional<noise::HandshakeState> m_handshake;
  Bytes m_init;
};

struct AcceptedSession {
  Bytes reply;                    // KK message 2: send it, then use transport
  Transport transport;
  std::uint64_t timestamp_ms = 0; // the initiator's timestamp: persist as the last accepted
};

class SessionResponder {
 public:
  // session_init: the connection's first frame body. last_accepted_ms: the highest timestamp
  // accepted from this partner so far (0 if none). Any error: close without sending a byte.
  static Result<AcceptedSession> accept(const SessionKeys& keys, ByteView session_init,
                                        std::uint64_t last_accepted_ms);
};

}  // namespace pairspace::peer
