#include "noise/dh.hpp"

#include <sodium.h>

namespace pairspace::noise {

KeyPair generate_keypair() {
  crypto::ensure_sodium();
  KeyPair pair{crypto::SecureBytes::random(dh_bytes), {}};
  crypto_scalarmult_base(pair.public_key.data(), pair.private_key.data());
  return pair;
}

Result<KeyPair> keypair_from_private(ByteView private_key) {
  crypto::ensure_sodium();
  if (private_key.size() != dh_bytes) {
    return make_error(v1::CODE_USAGE, "A Curve25519 private key must be exactly 32 bytes.");
  }
  KeyPair pair{crypto::SecureBytes(private_key), {}};
  if (crypto_scalarmult_base(pair.public_key.data(), pair.private_key.data()) != 0) {
    return make_error(v1::CODE_USAGE,
                      "This private key cannot be used; please generate a new one.");
  }
  return pair;
}

Result<crypto::SecureBytes> dh(const crypto::SecureBytes& private_key, ByteView public_key) {
  if (private_key.size() != dh_bytes || public_key.size() != dh_bytes) {
    return make_error(v1::CODE_USAGE, "A Curve25519 key has the wrong length.");
  }
  crypto::SecureBytes shared(dh_bytes);
  // libsodium returns -1 when the result is all zeros (low-order or invalid point).
  if (crypto_scalarmult(shared.data(), private_key.data(), public_key.data()) != 0) {
    return make_error(v1::CODE_REFUSED,
                      "The other device offered a key that is not safe to use, so the secure "
                      "connection was stopped.");
  }
  return shared;
}

}  // namespace pairspace::noise
