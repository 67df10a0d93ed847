#pragma once
// Small helpers shared by the noise unit tests.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "crypto/secure.hpp"
#include "noise/dh.hpp"
#include "noise/types.hpp"

namespace pairspace::noise::test {

inline Bytes from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) throw std::invalid_argument("odd hex length");
  auto nibble = [](char c) -> std::uint8_t {
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<std::uint8_t>(c - 'A' + 10);
    throw std::invalid_argument("bad hex digit");
  };
  Bytes out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  }
  return out;
}

inline std::string to_hex(ByteView bytes) {
  constexpr std::string_view digits = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : bytes) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0f]);
  }
  return out;
}

inline PublicKey public_key_from_hex(std::string_view hex) {
  const Bytes bytes = from_hex(hex);
  if (bytes.size() != dh_bytes) throw std::invalid_argument("public key must be 32 bytes");
  PublicKey key{};
  std::copy(bytes.begin(), bytes.end(), key.begin());
  return key;
}

inline Bytes text_bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }

}  // namespace pairspace::noise::test
