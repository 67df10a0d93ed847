#pragma once
// The fixed word list of invite codes ("7-amber-lantern-sparrow"): 1024 words, 10 bits each.
#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

namespace pairspace::peer {

inline constexpr std::size_t word_count = 1024;

// All words, sorted ascending; lowercase a-z, 3 to 7 letters each.
std::span<const std::string_view> word_list();

// Position of word in word_list(), or nullopt when it is not one of the words.
std::optional<std::size_t> word_index(std::string_view word);

}  // namespace pairspace::peer
