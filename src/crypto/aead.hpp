#pragma once
// Authenticated encryption of records at rest: XChaCha20-Poly1305 (IETF) with a fresh
// random 24-byte nonce per message. A sealed box is  nonce (24) || ciphertext || tag (16).
// The associated data names what the box is for ("pairspace/v1/journal/7/…"), so a box
// moved to another row or purpose no longer opens.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/secure.hpp"
#include "util/result.hpp"

namespace pairspace::crypto {

inline constexpr std::size_t aead_key_bytes = 32;
inline constexpr std::size_t aead_nonce_bytes = 24;
inline constexpr std::size_t aead_tag_bytes = 16;
inline constexpr std::size_t aead_overhead_bytes = aead_nonce_bytes + aead_tag_bytes;

// Seals plaintext under key (32 bytes) with a random nonce. Fails only on a bad key size.
Result<std::vector<std::uint8_t>> aead_seal(const SecureBytes& key,
                                            std::span<const std::uint8_t> plaintext,
                                            std::string_view associated_data);

// Same, with a caller-chosen nonce: for known-answer tests only. Never reuse a nonce.
Result<std::vector<std::uint8_t>> aead_seal_with_nonce(
    const SecureBytes& key, std::span<const std::uint8_t, aead_nonce_bytes> nonce,
    std::span<const std::uint8_t> plaintext, std::string_view associated_data);

// Opens a sealed box. Any tampering, a wrong key or wrong associated data: CODE_REFUSED
// (callers turn that into the sentence that fits their situation). The plaintext is
// returned in secure memory.
Result<SecureBytes> aead_open(const SecureBytes& key, std::span<const std::uint8_t> sealed,
                              std::string_view associated_data);

}  // namespace pairspace::crypto
