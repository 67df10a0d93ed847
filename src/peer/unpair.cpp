#include "peer/unpair.hpp"

#include <sodium.h>

#include "crypto/secure.hpp"
#include "peer/bytes.hpp"

namespace pairspace::peer {
namespace {

Bytes unpair_message(ByteView handshake_hash) {
  return detail::concat({detail::as_bytes(unpair_label), handshake_hash});
}

}  // namespace

Result<Bytes> sign_unpair(ByteView handshake_hash, ByteView sign_secret) {
  crypto::ensure_sodium();
  if (sign_secret.size() != crypto_sign_SECRETKEYBYTES || handshake_hash.empty()) {
    return make_error(v1::CODE_USAGE, "The key to sign the unpairing is damaged.");
  }
  const Bytes message = unpair_message(handshake_hash);
  Bytes signature(crypto_sign_BYTES);
  crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(),
                       sign_secret.data());
  return signature;
}

Status verify_unpair(ByteView handshake_hash, ByteView signature, ByteView partner_sign_public) {
  crypto::ensure_sodium();
  const Error refused = make_error(
      v1::CODE_REFUSED, "An unpair request was not signed by the partner, so it was ignored.");
  if (signature.size() != crypto_sign_BYTES ||
      partner_sign_public.size() != crypto_sign_PUBLICKEYBYTES || handshake_hash.empty()) {
    return refused;
  }
  const Bytes message = unpair_message(handshake_hash);
  if (crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                  partner_sign_public.data()) != 0) {
    return refused;
  }
  return ok_status();
}

}  // namespace pairspace::peer
