#pragma once
// Invite codes: "<n>-<w1>-<w2>-<w3>" with n uniform in 1..99 and three words uniform from
// the 1024-word list (log2(99) + 30 = 36.6 bits). The canonical form is also the CPace
// password (PRS), so both devices must normalise the code the same way.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace pairspace::peer {

inline constexpr std::uint32_t invite_number_max = 99;  // n in 1..99
inline constexpr std::size_t invite_word_count = 3;

// Returns a uniform integer in [0, upper). Production uses libsodium's randombytes_uniform.
using UniformRandom = std::function<std::uint32_t(std::uint32_t upper)>;

// A fresh code in canonical form, e.g. "7-amber-lantern-sparrow".
std::string generate_invite_code();
std::string generate_invite_code(const UniformRandom& uniform);  // for tests

// Accepts a code as a person typed it: surrounding whitespace trimmed, any case, words
// separated by '-' and/or spaces. Returns the canonical form, or CODE_USAGE with a
// sentence saying what a code looks like.
Result<std::string> normalise_invite_code(std::string_view typed);

}  // namespace pairspace::peer
