#pragma once
// The safety number both partners compare after pairing (like Signal's): 8 groups of 5
// digits derived from both Ed25519 public keys, the same on both devices whatever the order.
//   (lo, hi) = the two keys sorted bytewise
//   d = SHA-512("pairspace/v1/safety-number" || lo || hi)
//   group g (0..7) = big-endian 40-bit integer d[5g .. 5g+5) mod 100000, as 5 digits
#include <cstdint>
#include <span>
#include <string>

#include "util/result.hpp"

namespace pairspace::peer {

inline constexpr std::size_t safety_number_groups = 8;
inline constexpr std::size_t safety_number_group_digits = 5;

// "12345 67890 ..." (groups joined by single spaces). CODE_USAGE unless both keys are 32 bytes.
Result<std::string> safety_number(std::span<const std::uint8_t> sign_public_a,
                                  std::span<const std::uint8_t> sign_public_b);

}  // namespace pairspace::peer
