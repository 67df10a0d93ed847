#pragma once
// CPace password-authenticated key exchange (draft-irtf-cfrg-cpace-21), cipher suite
// CPACE-RISTR255-SHA512. Both devices start with the same short code (PRS), channel
// identifier (CI) and session id (sid), swap one 32-byte share each, and end with the
// same 64-byte intermediate session key (ISK) only if their codes matched. The ISK is
// not yet confirmed: the caller must prove possession of it (e.g. with a MAC or the
// first encrypted message) before trusting the peer.
#include <array>
#include <cstdint>
#include <span>

#include "crypto/secure.hpp"
#include "pake/cpace_primitives.hpp"
#include "util/result.hpp"

namespace pairspace::pake {

// initiator/responder: the draft's initiator-responder setting (transcript_ir, the
// initiator's share and AD come first). symmetric: the parallel setting where neither
// side is first (transcript_oc, ordered concatenation); both sides must use it.
enum class CpaceRole { initiator, responder, symmetric };

struct CpaceInputs {
  std::span<const std::uint8_t> prs;  // the password-related string: secret
  std::span<const std::uint8_t> ci;   // channel identifier, same on both sides (may be empty)
  std::span<const std::uint8_t> sid;  // session id, same on both sides (may be empty)
};

class Cpace {
 public:
  // Derives the generator from the inputs and computes this side's share. ad is this
  // side's associated data, sent in the clear next to the share. injected_scalar is for
  // known-answer tests only: 32 little-endian bytes, reduced mod L, must not be zero.
  // Left empty, the scalar is sampled uniformly at random.
  static Result<Cpace> start(CpaceRole role, const CpaceInputs& inputs,
                             std::span<const std::uint8_t> ad,
                             std::span<const std::uint8_t> injected_scalar = {});

  // This side's public share (Ya or Yb), to send to the peer with ad().
  const Point& share() const { return m_share; }
  std::span<const std::uint8_t> ad() const { return m_ad; }
  CpaceRole role() const { return m_role; }

  // Combines the peer's share and AD into the 64-byte ISK. A share that is not a
  // canonical ristretto255 encoding, or that yields the neutral element, is refused
  // (CODE_REFUSED). The secret scalar is wiped on the first call, successful or not;
  // a second call returns CODE_USAGE.
  Result<crypto::SecureBytes> finish(std::span<const std::uint8_t> peer_share,
                                     std::span<const std::uint8_t> peer_ad);

 private:
  Cpace(CpaceRole role, crypto::SecureBytes scalar, const Point& share, Bytes ad, Bytes sid);

  CpaceRole m_role;
  crypto::SecureBytes m_scalar;  // y: secret, emptied by finish()
  Point m_share{};
  Bytes m_ad;
  Bytes m_sid;
};

}  // namespace pairspace::pake
