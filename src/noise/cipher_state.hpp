#pragma once
// Noise CipherState (section 5.1) with ChaChaPoly: ChaCha20-Poly1305 IETF, nonce = 4 zero
// bytes followed by the 64-bit counter little-endian. A failed decryption leaves the
// counter where it was; nonce 2^64-1 is reserved, so reaching it is an error.
#include <cstdint>

#include "crypto/secure.hpp"
#include "noise/types.hpp"
#include "util/result.hpp"

namespace pairspace::noise {

class CipherState {
 public:
  static constexpr std::uint64_t max_nonce = UINT64_MAX;  // reserved, never used to encrypt

  CipherState() = default;
  CipherState(CipherState&&) noexcept = default;
  CipherState& operator=(CipherState&&) noexcept = default;

  // InitializeKey: key_bytes of key (an empty view clears the key). Resets the nonce.
  void initialize_key(ByteView key);
  bool has_key() const { return !m_key.empty(); }
  void set_nonce(std::uint64_t nonce) { m_nonce = nonce; }
  std::uint64_t nonce() const { return m_nonce; }

  // With no key these return the input unchanged (as the spec says). Plaintext plus tag
  // must fit in one Noise message (max_message_bytes).
  Result<Bytes> encrypt_with_ad(ByteView ad, ByteView plaintext);
  Result<Bytes> decrypt_with_ad(ByteView ad, ByteView ciphertext);

  // Rekey(): k = first 32 bytes of ENCRYPT(k, maxnonce, zerolen, zeros). Nonce unchanged.
  Status rekey();

  // Drop the key (wiped) and reset the nonce.
  void clear();

 private:
  crypto::SecureBytes m_key;
  std::uint64_t m_nonce = 0;
};

}  // namespace pairspace::noise
