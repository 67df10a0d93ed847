#include "pake/cpace.hpp"

#include <sodium.h>

#include <algorithm>
#include <utility>

namespace pairspace::pake {
namespace {

constexpr std::size_t wide_scalar_bytes = crypto_core_ristretto255_NONREDUCEDSCALARBYTES;

Result<crypto::SecureBytes> make_scalar(ByteView injected) {
  crypto::SecureBytes scalar(crypto_core_ristretto255_SCALARBYTES);
  if (injected.empty()) {
    crypto_core_ristretto255_scalar_random(scalar.data());  // uniform in [1, L)
    return scalar;
  }
  if (injected.size() != scalar_bytes) {
    return make_error(v1::CODE_USAGE, "A test scalar for pairing must be exactly 32 bytes.");
  }
  crypto::SecureBytes wide(wide_scalar_bytes);  // injected || zeros, then reduce mod L
  std::copy(injected.begin(), injected.end(), wide.data());
  crypto_core_ristretto255_scalar_reduce(scalar.data(), wide.data());
  if (sodium_is_zero(scalar.data(), scalar.size()) != 0) {
    return make_error(v1::CODE_USAGE, "A test scalar for pairing must not be zero.");
  }
  return scalar;
}

}  // namespace

Cpace::Cpace(CpaceRole role, crypto::SecureBytes scalar, const Point& share, Bytes ad, Bytes sid)
    : m_role(role),
      m_scalar(std::move(scalar)),
      m_share(share),
      m_ad(std::move(ad)),
      m_sid(std::move(sid)) {}

Result<Cpace> Cpace::start(CpaceRole role, const CpaceInputs& inputs, ByteView ad,
                           ByteView injected_scalar) {
  crypto::ensure_sodium();
  auto scalar = make_scalar(injected_scalar);
  if (!scalar) return scalar.error();

  const crypto::SecureBytes g = calculate_generator(inputs.prs, inputs.ci, inputs.sid);
  Point share{};
  if (crypto_scalarmult_ristretto255(share.data(), scalar->data(), g.data()) != 0) {
    // Only possible for a zero scalar, which make_scalar excludes.
    return make_error(v1::CODE_REFUSED,
                      "Pairing could not start on this device. Please try again.");
  }
  return Cpace(role, std::move(scalar).value(), share, Bytes(ad.begin(), ad.end()),
               Bytes(inputs.sid.begin(), inputs.sid.end()));
}

Result<crypto::SecureBytes> Cpace::finish(ByteView peer_share, ByteView peer_ad) {
  if (m_scalar.empty()) {
    return make_error(v1::CODE_USAGE,
                      "This pairing attempt has already finished. Please start a new one.");
  }
  // Moving out leaves m_scalar empty; the local copy is wiped when this returns.
  const crypto::SecureBytes scalar = std::move(m_scalar);

  auto k = scalar_mult_vfy(scalar.span(), peer_share);
  if (!k) return k.error();

  Bytes transcript;
  switch (m_role) {
    case CpaceRole::initiator:
      transcript = transcript_ir(m_share, m_ad, peer_share, peer_ad);
      break;
    case CpaceRole::responder:
      transcript = transcript_ir(peer_share, peer_ad, m_share, m_ad);
      break;
    case CpaceRole::symmetric:
      transcript = transcript_oc(m_share, m_ad, peer_share, peer_ad);
      break;
  }
  return derive_isk(m_sid, k->span(), transcript);
}

}  // namespace pairspace::pake
