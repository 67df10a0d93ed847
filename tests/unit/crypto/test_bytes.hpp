#pragma once
// The bytes of a string literal, for crypto tests.
#include <cstdint>
#include <span>
#include <string_view>

namespace pairspace::crypto::testing {

inline std::span<const std::uint8_t> bytes(std::string_view s) {
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace pairspace::crypto::testing
