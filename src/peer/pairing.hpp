#pragma once
// What both pairing state machines share: this device's identity as they take it, the
// result they hand back, and the fixed labels of pairing (docs/protocol.md, "Pairing").
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/secure.hpp"
#include "noise/handshake_state.hpp"
#include "pairspace.pb.h"
#include "peer/frame_codec.hpp"
#include "peer/wire.hpp"
#include "util/result.hpp"

namespace pairspace::peer {

inline constexpr std::size_t sign_public_bytes = 32;
inline constexpr std::size_t sign_secret_bytes = 64;   // libsodium layout: seed || public
inline constexpr std::size_t signature_bytes = 64;
inline constexpr std::size_t dh_key_bytes = 32;
inline constexpr std::size_t max_device_name_bytes = 100;
inline constexpr std::string_view pair_protocol_name = "Noise_XXpsk3_25519_ChaChaPoly_BLAKE2b";
inline constexpr std::string_view pair_label = "pairspace/v1/pair";  // CPace CI and prologue
inline constexpr std::string_view joiner_ad = "joiner";
inline constexpr std::string_view inviter_ad = "inviter";
inline constexpr std::string_view psk_label = "pairspace/v1/noise-psk";
inline constexpr std::string_view pair_proof_label = "pairspace/v1/pair-proof";

using SignPublic = std::array<std::uint8_t, sign_public_bytes>;
using DhPublic = std::array<std::uint8_t, dh_key_bytes>;

// This device, as the caller's store holds it. The machines copy what they need (secrets
// into sodium memory), so the views only have to live through start()/accept().
struct LocalDevice {
  std::string_view name;          // shown to the partner, 1..100 bytes of UTF-8
  ByteView sign_public;           // Ed25519, 32 bytes
  ByteView sign_secret;           // Ed25519, 64 bytes (libsodium layout)
  ByteView dh_public;             // X25519, 32 bytes
  ByteView dh_secret;             // X25519, 32 bytes
  std::uint16_t listen_port = 0;  // where this device accepts sessions, 1..65535
};

// The partner, once its PairProof verified. The caller stores it (with the address: the
// joiner's source IP + listen_port on the inviter side, the dialed address on the joiner's).
struct PairResult {
  std::string partner_name;
  SignPublic partner_sign_public{};
  DhPublic partner_dh_public{};
  std::uint16_t partner_listen_port = 0;
  std::string safety_number;  // "12345 67890 ..." the partners compare
};

namespace detail {

// A validated copy of LocalDevice.
struct OwnIdentity {
  std::string name;
  SignPublic sign_public{};
  crypto::SecureBytes sign_secret;
  DhPublic dh_public{};
  crypto::SecureBytes dh_secret;
  std::uint16_t listen_port = 0;
};
Result<OwnIdentity> copy_identity(const LocalDevice& device);

// psk = BLAKE2b-256(key = ISK, message = "pairspace/v1/noise-psk").
Result<crypto::SecureBytes> derive_psk(const crypto::SecureBytes& isk);

// "pairspace/v1/pair" || sid || Ya || Yb.
Bytes pair_prologue(const PairSid& sid, const CpaceShare& ya, const CpaceShare& yb);

Result<noise::HandshakeState> start_pair_handshake(bool initiator, const OwnIdentity& self,
                                                   Bytes prologue, crypto::SecureBytes psk);

// Frame{pair_proof} signed over "pairspace/v1/pair-proof" || h || own X25519 public key.
Result<v1::Frame> make_pair_proof(const OwnIdentity& self, ByteView handshake_hash);

// Checks a received frame is a valid PairProof from the holder of partner_dh (the Noise rs).
Result<PairResult> verify_pair_proof(const v1::Frame& frame, ByteView handshake_hash,
                                     const noise::PublicKey& partner_dh,
                                     const OwnIdentity& self);

}  // namespace detail
}  // namespace pairspace::peer
