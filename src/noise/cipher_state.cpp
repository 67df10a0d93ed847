#include "noise/cipher_state.hpp"

#include <sodium.h>

#include <array>

namespace pairspace::noise {
namespace {

constexpr std::size_t nonce_bytes = crypto_aead_chacha20poly1305_ietf_NPUBBYTES;  // 12
static_assert(crypto_aead_chacha20poly1305_ietf_KEYBYTES == key_bytes);
static_assert(crypto_aead_chacha20poly1305_ietf_ABYTES == tag_bytes);

std::array<std::uint8_t, nonce_bytes> encode_nonce(std::uint64_t n) {
  std::array<std::uint8_t, nonce_bytes> out{};  // first 4 bytes stay zero
  for (std::size_t i = 0; i < 8; ++i) out[4 + i] = static_cast<std::uint8_t>(n >> (8 * i));
  return out;
}

Error nonce_exhausted(Code code) {
  return make_error(code,
                    "This secure session has sent all the messages it safely can; please "
                    "reconnect to start a fresh one.");
}

}  // namespace

void CipherState::initialize_key(ByteView key) {
  m_key = key.empty() ? crypto::SecureBytes() : crypto::SecureBytes(key);
  m_nonce = 0;
}

void CipherState::clear() {
  m_key = crypto::SecureBytes();
  m_nonce = 0;
}

Result<Bytes> CipherState::encrypt_with_ad(ByteView ad, ByteView plaintext) {
  const std::size_t overhead = has_key() ? tag_bytes : 0;
  if (plaintext.size() > max_message_bytes - overhead) {
    return make_error(v1::CODE_USAGE, "This message is too large to send in one piece.");
  }
  if (!has_key()) return Bytes(plaintext.begin(), plaintext.end());
  if (m_nonce == max_nonce) return nonce_exhausted(v1::CODE_USAGE);

  Bytes out(plaintext.size() + tag_bytes);
  const auto nonce = encode_nonce(m_nonce);
  unsigned long long written = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), &written, plaintext.data(),
                                            plaintext.size(), ad.data(), ad.size(), nullptr,
                                            nonce.data(), m_key.data());
  out.resize(static_cast<std::size_t>(written));
  ++m_nonce;
  return out;
}

Result<Bytes> CipherState::decrypt_with_ad(ByteView ad, ByteView ciphertext) {
  if (ciphertext.size() > max_message_bytes) {
    return make_error(v1::CODE_REFUSED, "A message from the other device was too large.");
  }
  if (!has_key()) return Bytes(ciphertext.begin(), ciphertext.end());
  if (m_nonce == max_nonce) return nonce_exhausted(v1::CODE_REFUSED);
  if (ciphertext.size() < tag_bytes) {
    return make_error(v1::CODE_REFUSED, "A message from the other device was cut short.");
  }

  Bytes out(ciphertext.size() - tag_bytes);
  const auto nonce = encode_nonce(m_nonce);
  unsigned long long written = 0;
  if (crypto_aead_chacha20poly1305_ietf_decrypt(out.data(), &written, nullptr, ciphertext.data(),
                                                ciphertext.size(), ad.data(), ad.size(),
                                                nonce.data(), m_key.data()) != 0) {
    sodium_memzero(out.data(), out.size());
    return make_error(v1::CODE_REFUSED,
                      "A message from the other device could not be verified, so it was "
                      "set aside.");
  }
  out.resize(static_cast<std::size_t>(written));
  ++m_nonce;
  return out;
}

Status CipherState::rekey() {
  if (!has_key()) return make_error(v1::CODE_USAGE, "There is no key to renew yet.");
  std::array<std::uint8_t, key_bytes> zeros{};
  std::array<std::uint8_t, key_bytes + tag_bytes> out{};
  const auto nonce = encode_nonce(max_nonce);
  unsigned long long written = 0;
  crypto_aead_chacha20poly1305_ietf_encrypt(out.data(), &written, zeros.data(), zeros.size(),
                                            nullptr, 0, nullptr, nonce.data(), m_key.data());
  const std::uint64_t nonce_kept = m_nonce;
  initialize_key(ByteView(out.data(), key_bytes));
  m_nonce = nonce_kept;
  sodium_memzero(out.data(), out.size());
  return ok_status();
}

}  // namespace pairspace::noise
