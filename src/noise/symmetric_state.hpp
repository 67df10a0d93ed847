#pragma once
// Noise SymmetricState (section 5.2): the chaining key ck, the handshake hash h and a
// CipherState. With HASHLEN 64 the cipher keys are the first 32 bytes of HKDF outputs.
#include <array>
#include <string_view>
#include <utility>

#include "crypto/secure.hpp"
#include "noise/cipher_state.hpp"
#include "noise/hash.hpp"

namespace pairspace::noise {

class SymmetricState {
 public:
  SymmetricState() = default;
  SymmetricState(SymmetricState&&) noexcept = default;
  SymmetricState& operator=(SymmetricState&&) noexcept = default;

  // InitializeSymmetric(protocol_name).
  void initialize(std::string_view protocol_name, HashKind kind);

  void mix_key(ByteView input_key_material);
  void mix_hash(ByteView data);
  void mix_key_and_hash(ByteView input_key_material);
  bool has_key() const { return m_cipher.has_key(); }
  ByteView handshake_hash() const { return {m_h.data(), hash_len(m_kind)}; }

  Result<Bytes> encrypt_and_hash(ByteView plaintext);
  // On failure h is left unchanged (the ciphertext is only mixed in once it verified).
  Result<Bytes> decrypt_and_hash(ByteView ciphertext);

  // Split(): (c1, c2) from HKDF(ck, empty, 2). Wipes ck and this state's cipher.
  std::pair<CipherState, CipherState> split();

 private:
  HashKind m_kind = HashKind::sha256;
  crypto::SecureBytes m_ck;
  std::array<std::uint8_t, max_hash_bytes> m_h{};
  CipherState m_cipher;
};

}  // namespace pairspace::noise
