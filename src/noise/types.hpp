#pragma once
// Shared byte types and the fixed sizes of Noise_*_25519_ChaChaPoly_* (Noise revision 34).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace pairspace::noise {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

constexpr std::size_t max_message_bytes = 65535;  // spec section 3: every Noise message
constexpr std::size_t key_bytes = 32;             // ChaChaPoly key, also psk length
constexpr std::size_t tag_bytes = 16;             // Poly1305 tag
constexpr std::size_t dh_bytes = 32;              // X25519 public key / shared secret
constexpr std::size_t max_hash_bytes = 64;        // largest HASHLEN we support
constexpr std::size_t max_block_bytes = 128;      // largest BLOCKLEN we support

}  // namespace pairspace::noise
