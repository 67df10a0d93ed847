#include "peer/safety_number.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "crypto/secure.hpp"

namespace pairspace::peer {
namespace {

constexpr std::string_view safety_label = "pairspace/v1/safety-number";
constexpr std::size_t key_bytes = crypto_sign_PUBLICKEYBYTES;
constexpr std::size_t group_bytes = 5;                 // 40 bits per group
constexpr std::uint64_t group_modulus = 100000;        // 5 decimal digits

}  // namespace

Result<std::string> safety_number(std::span<const std::uint8_t> sign_public_a,
                                  std::span<const std::uint8_t> sign_public_b) {
  if (sign_public_a.size() != key_bytes || sign_public_b.size() != key_bytes) {
    return make_error(v1::CODE_USAGE, "A safety number needs two 32-byte signing keys.");
  }
  crypto::ensure_sodium();
  const bool a_first = std::lexicographical_compare(sign_public_a.begin(), sign_public_a.end(),
                                                    sign_public_b.begin(), sign_public_b.end());
  const auto lo = a_first ? sign_public_a : sign_public_b;
  const auto hi = a_first ? sign_public_b : sign_public_a;

  std::array<std::uint8_t, crypto_hash_sha512_BYTES> digest{};
  crypto_hash_sha512_state state;
  crypto_hash_sha512_init(&state);
  crypto_hash_sha512_update(&state, reinterpret_cast<const unsigned char*>(safety_label.data()),
                            safety_label.size());
  crypto_hash_sha512_update(&state, lo.data(), lo.size());
  crypto_hash_sha512_update(&state, hi.data(), hi.size());
  crypto_hash_sha512_final(&state, digest.data());

  std::string out;
  for (std::size_t g = 0; g < safety_number_groups; ++g) {
    std::uint64_t n = 0;
    for (std::size_t i = 0; i < group_bytes; ++i) n = (n << 8) | digest[g * group_bytes + i];
    std::string digits = std::to_string(n % group_modulus);
    if (g > 0) out.push_back(' ');
    out.append(safety_number_group_digits - digits.size(), '0');
    out.append(digits);
  }
  return out;
}

}  // namespace pairspace::peer
