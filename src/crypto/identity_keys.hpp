#pragma once
// A device's long-term keys: Ed25519 to sign, X25519 for key agreement, and the device id
// people compare: base32 (RFC 4648 alphabet, no padding) of the first 15 bytes of
// BLAKE2b-256(sign_public), in six groups of four ("ABCD-EFGH-IJKL-MNOP-QRST-UVWX").
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "crypto/secure.hpp"

namespace pairspace::crypto {

inline constexpr std::size_t sign_public_bytes = 32;
inline constexpr std::size_t sign_secret_bytes = 64;
inline constexpr std::size_t dh_public_bytes = 32;
inline constexpr std::size_t dh_secret_bytes = 32;
inline constexpr std::size_t device_id_hash_bytes = 15;  // 120 bits -> 24 base32 chars
inline constexpr std::size_t device_id_group_chars = 4;

struct IdentityKeys {
  std::array<std::uint8_t, sign_public_bytes> sign_public{};
  std::array<std::uint8_t, dh_public_bytes> dh_public{};
  SecureBytes sign_secret;  // libsodium Ed25519 layout: seed || public
  SecureBytes dh_secret;
};

// Fresh random keys.
IdentityKeys generate_identity_keys();

// RFC 4648 base32 (A-Z, 2-7), no padding.
std::string base32_encode(std::span<const std::uint8_t> bytes);

// "ABCD-EFGH-IJKL-MNOP-QRST-UVWX" for the given Ed25519 public key.
std::string device_id_of(std::span<const std::uint8_t, sign_public_bytes> sign_public);

}  // namespace pairspace::crypto
