#pragma once
// Small byte helpers shared by the peer layer (internal).
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

namespace pairspace::peer::detail {

inline std::span<const std::uint8_t> as_bytes(std::string_view text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// a || b || ... in one allocation (also sidesteps a GCC 12 false positive on vector::insert).
inline std::vector<std::uint8_t> concat(std::initializer_list<std::span<const std::uint8_t>> parts) {
  std::size_t total = 0;
  for (const auto& part : parts) total += part.size();
  std::vector<std::uint8_t> out(total);
  auto cursor = out.begin();
  for (const auto& part : parts) cursor = std::copy(part.begin(), part.end(), cursor);
  return out;
}

}  // namespace pairspace::peer::detail
