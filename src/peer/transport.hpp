#pragma once
// Frames after a Noise handshake: each frame body is one Noise transport message whose
// plaintext is one serialised v1.Frame (empty associated data, nonces counting from 0 in
// each direction). Any decryption or parse failure - a flipped byte, a replayed, dropped or
// reordered frame - is an error and leaves the Transport failed: the caller drops the
// connection.
#include <cstdint>

#include "noise/handshake_state.hpp"
#include "pairspace.pb.h"
#include "peer/frame_codec.hpp"
#include "util/result.hpp"

namespace pairspace::peer {

// Largest serialised Frame that fits one frame body with its 16-byte tag.
inline constexpr std::size_t max_frame_plaintext_bytes = max_frame_body_bytes - noise::tag_bytes;

class Transport {
 public:
  Transport(noise::TransportCiphers ciphers, Bytes handshake_hash);
  Transport(Transport&&) noexcept = default;
  Transport& operator=(Transport&&) noexcept = default;

  // The frame body to send. CODE_USAGE when the frame is too large for one body.
  Result<Bytes> encrypt(const v1::Frame& frame);
  // CODE_REFUSED for anything that does not decrypt and parse.
  Result<v1::Frame> decrypt(ByteView body);

  // h of the handshake that made this transport (64 bytes for BLAKE2b).
  ByteView handshake_hash() const { return m_handshake_hash; }
  bool has_failed() const { return m_failed; }

 private:
  noise::CipherState m_send;
  noise::CipherState m_recv;
  Bytes m_handshake_hash;
  bool m_failed = false;
};

}  // namespace pairspace::peer
