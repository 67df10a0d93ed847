#pragma once
// Handshake patterns as token lists (Noise sections 7 and 9). The table holds the one-way,
// interactive and deferred fundamental patterns; "pskN" modifiers ("XXpsk3",
// "NNpsk0+psk2") are applied on top. Fallback patterns are not supported.
#include <string>
#include <string_view>
#include <vector>

#include "noise/hash.hpp"
#include "util/result.hpp"

namespace pairspace::noise {

enum class Token { e, s, ee, es, se, ss, psk };

struct HandshakePattern {
  std::string name;                          // e.g. "XXpsk3"
  std::vector<Token> initiator_pre;          // "-> s" before the "..."
  std::vector<Token> responder_pre;          // "<- s" before the "..."
  std::vector<std::vector<Token>> messages;  // alternate, the initiator writes the first
  std::size_t psk_count = 0;                 // number of psk tokens (psk mode when > 0)

  bool one_way() const { return messages.size() == 1; }
};

// Looks a pattern up by its full name including modifiers; CODE_USAGE if unknown.
Result<HandshakePattern> find_pattern(std::string_view name);

// Names of the fundamental patterns in the table (for tests and docs).
std::vector<std::string_view> fundamental_pattern_names();

// "Noise_<pattern>_25519_ChaChaPoly_<BLAKE2b|SHA512|SHA256>".
struct Protocol {
  std::string name;
  HandshakePattern pattern;
  HashKind hash = HashKind::sha256;
};
Result<Protocol> parse_protocol_name(std::string_view name);

}  // namespace pairspace::noise
