#pragma once
// DH 25519 for Noise: X25519 key pairs and the shared-secret function. A shared secret of
// all zeros (a low-order or otherwise invalid public key) is an error, never a key.
#include <array>

#include "crypto/secure.hpp"
#include "noise/types.hpp"
#include "util/result.hpp"

namespace pairspace::noise {

using PublicKey = std::array<std::uint8_t, dh_bytes>;

struct KeyPair {
  crypto::SecureBytes private_key;  // dh_bytes
  PublicKey public_key{};
};

// A fresh key pair from libsodium's randomness.
KeyPair generate_keypair();

// The key pair for a given private key (must be dh_bytes long).
Result<KeyPair> keypair_from_private(ByteView private_key);

// DH(private, public) -> dh_bytes of shared secret, or CODE_REFUSED for an invalid key.
Result<crypto::SecureBytes> dh(const crypto::SecureBytes& private_key, ByteView public_key);

}  // namespace pairspace::noise
