#include "crypto/identity_keys.hpp"

#include <sodium.h>

#include <string_view>

namespace pairspace::crypto {
namespace {

constexpr std::string_view base32_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr unsigned base32_bits = 5;

static_assert(sign_public_bytes == crypto_sign_PUBLICKEYBYTES);
static_assert(sign_secret_bytes == crypto_sign_SECRETKEYBYTES);
static_assert(dh_public_bytes == crypto_scalarmult_BYTES);
static_assert(dh_secret_bytes == crypto_scalarmult_SCALARBYTES);

}  // namespace

IdentityKeys generate_identity_keys() {
  ensure_sodium();
  IdentityKeys keys;
  keys.sign_secret = SecureBytes(sign_secret_bytes);
  crypto_sign_keypair(keys.sign_public.data(), keys.sign_secret.data());
  keys.dh_secret = SecureBytes::random(dh_secret_bytes);
  crypto_scalarmult_base(keys.dh_public.data(), keys.dh_secret.data());
  return keys;
}

std::string base32_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + base32_bits - 1) / base32_bits);
  unsigned buffer = 0;
  unsigned bits = 0;
  for (const std::uint8_t byte : bytes) {
    buffer = ((buffer << 8) | byte) & 0xFFFFu;
    bits += 8;
    while (bits >= base32_bits) {
      bits -= base32_bits;
      out.push_back(base32_alphabet[(buffer >> bits) & 0x1Fu]);
    }
  }
  if (bits > 0) out.push_back(base32_alphabet[(buffer << (base32_bits - bits)) & 0x1Fu]);
  return out;
}

std::string device_id_of(std::span<const std::uint8_t, sign_public_bytes> sign_public) {
  ensure_sodium();
  std::array<std::uint8_t, crypto_generichash_BYTES> digest{};
  crypto_generichash(digest.data(), digest.size(), sign_public.data(), sign_public.size(),
                     nullptr, 0);
  const std::string plain =
      base32_encode(std::span<const std::uint8_t>(digest.data(), device_id_hash_bytes));
  std::string grouped;
  for (std::size_t i = 0; i < plain.size(); ++i) {
    if (i != 0 && i % device_id_group_chars == 0) grouped.push_back('-');
    grouped.push_back(plain[i]);
  }
  return grouped;
}

}  // namespace pairspace::crypto
