#include "noise/symmetric_state.hpp"

#include <algorithm>

namespace pairspace::noise {

void SymmetricState::initialize(std::string_view protocol_name, HashKind kind) {
  m_kind = kind;
  const std::size_t hlen = hash_len(kind);
  m_h.fill(0);
  if (protocol_name.size() <= hlen) {
    std::copy(protocol_name.begin(), protocol_name.end(), m_h.begin());  // zero-padded
  } else {
    Hasher hasher(kind);
    hasher.update(ByteView(reinterpret_cast<const std::uint8_t*>(protocol_name.data()),
                           protocol_name.size()));
    hasher.finish(m_h);
  }
  m_ck = crypto::SecureBytes(handshake_hash());
  m_cipher.clear();
}

void SymmetricState::mix_key(ByteView input_key_material) {
  HkdfOutputs out = hkdf(m_kind, m_ck.span(), input_key_material, 2);
  m_ck = std::move(out.first);
  m_cipher.initialize_key(out.second.span().first(key_bytes));  // truncate to 32 bytes
}

void SymmetricState::mix_hash(ByteView data) {
  Hasher hasher(m_kind);
  hasher.update(handshake_hash());
  hasher.update(data);
  hasher.finish(m_h);
}

void SymmetricState::mix_key_and_hash(ByteView input_key_material) {
  HkdfOutputs out = hkdf(m_kind, m_ck.span(), input_key_material, 3);
  m_ck = std::move(out.first);
  mix_hash(out.second.span());
  m_cipher.initialize_key(out.third.span().first(key_bytes));  // truncate to 32 bytes
}

Result<Bytes> SymmetricState::encrypt_and_hash(ByteView plaintext) {
  Result<Bytes> ciphertext = m_cipher.encrypt_with_ad(handshake_hash(), plaintext);
  if (ciphertext) mix_hash(*ciphertext);
  return ciphertext;
}

Result<Bytes> SymmetricState::decrypt_and_hash(ByteView ciphertext) {
  Result<Bytes> plaintext = m_cipher.decrypt_with_ad(handshake_hash(), ciphertext);
  if (plaintext) mix_hash(ciphertext);
  return plaintext;
}

std::pair<CipherState, CipherState> SymmetricState::split() {
  HkdfOutputs out = hkdf(m_kind, m_ck.span(), ByteView(), 2);
  std::pair<CipherState, CipherState> ciphers;
  ciphers.first.initialize_key(out.first.span().first(key_bytes));
  ciphers.second.initialize_key(out.second.span().first(key_bytes));
  m_ck = crypto::SecureBytes();
  m_cipher.clear();
  return ciphers;
}

}  // namespace pairspace::noise
