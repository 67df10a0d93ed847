#include "crypto/aead.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>

namespace pairspace::crypto {
namespace {

static_assert(aead_key_bytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(aead_nonce_bytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(aead_tag_bytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);

const unsigned char* ad_bytes(std::string_view ad) {
  return reinterpret_cast<const unsigned char*>(ad.data());
}

Error bad_key() {
  return make_error(v1::CODE_STORE, "An internal key had the wrong size; nothing was encrypted.");
}

}  // namespace

Result<std::vector<std::uint8_t>> aead_seal_with_nonce(
    const SecureBytes& key, std::span<const std::uint8_t, aead_nonce_bytes> nonce,
    std::span<const std::uint8_t> plaintext, std::string_view associated_data) {
  ensure_sodium();
  if (key.size() != aead_key_bytes) return bad_key();
  std::vector<std::uint8_t> out(aead_nonce_bytes + plaintext.size() + aead_tag_bytes);
  std::copy(nonce.begin(), nonce.end(), out.begin());
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      out.data() + aead_nonce_bytes, &written, plaintext.data(), plaintext.size(),
      ad_bytes(associated_data), associated_data.size(), nullptr, nonce.data(), key.data());
  out.resize(aead_nonce_bytes + static_cast<std::size_t>(written));
  return out;
}

Result<std::vector<std::uint8_t>> aead_seal(const SecureBytes& key,
                                            std::span<const std::uint8_t> plaintext,
                                            std::string_view associated_data) {
  ensure_sodium();
  std::array<std::uint8_t, aead_nonce_bytes> nonce{};
  randombytes_buf(nonce.data(), nonce.size());
  return aead_seal_with_nonce(key, nonce, plaintext, associated_data);
}

Result<SecureBytes> aead_open(const SecureBytes& key, std::span<const std::uint8_t> sealed,
                              std::string_view associated_data) {
  ensure_sodium();
  if (key.size() != aead_key_bytes) return bad_key();
  if (sealed.size() < aead_overhead_bytes) {
    return make_error(v1::CODE_REFUSED, "The sealed record is too short to be genuine.");
  }
  const std::size_t body = sealed.size() - aead_nonce_bytes;
  SecureBytes plain(body - aead_tag_bytes);
  // libsodium writes nothing useful on failure, but it may need a non-null target.
  SecureBytes scratch(plain.empty() ? 1 : 0);
  unsigned char* target = plain.empty() ? scratch.data() : plain.data();
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          target, &written, nullptr, sealed.data() + aead_nonce_bytes, body,
          ad_bytes(associated_data), associated_data.size(), sealed.data(), key.data()) != 0) {
    return make_error(v1::CODE_REFUSED, "The sealed record did not open: wrong key or altered.");
  }
  return plain;
}

}  // namespace pairspace::crypto
