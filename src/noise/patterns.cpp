#include "noise/patterns.hpp"

#include <array>
#include <charconv>
#include <optional>

namespace pairspace::noise {
namespace {

constexpr std::string_view protocol_prefix = "Noise_";
constexpr std::string_view dh_name = "25519";
constexpr std::string_view cipher_name = "ChaChaPoly";

// Written in the spec's own notation: pre-message tokens for each side, then the
// messages separated by '|', tokens by ','.
struct PatternRow {
  std::string_view name;
  std::string_view initiator_pre;
  std::string_view responder_pre;
  std::string_view messages;
};

constexpr std::array<PatternRow, 38> pattern_table{{
    // One-way (7.4)
    {"N", "", "s", "e, es"},
    {"K", "s", "s", "e, es, ss"},
    {"X", "", "s", "e, es, s, ss"},
    // Interactive (7.5)
    {"NN", "", "", "e | e, ee"},
    {"NK", "", "s", "e, es | e, ee"},
    {"NX", "", "", "e | e, ee, s, es"},
    {"XN", "", "", "e | e, ee | s, se"},
    {"XK", "", "s", "e, es | e, ee | s, se"},
    {"XX", "", "", "e | e, ee, s, es | s, se"},
    {"KN", "s", "", "e | e, ee, se"},
    {"KK", "s", "s", "e, es, ss | e, ee, se"},
    {"KX", "s", "", "e | e, ee, se, s, es"},
    {"IN", "", "", "e, s | e, ee, se"},
    {"IK", "", "s", "e, es, s, ss | e, ee, se"},
    {"IX", "", "", "e, s | e, ee, se, s, es"},
    // Deferred (7.6)
    {"NK1", "", "s", "e | e, ee, es"},
    {"NX1", "", "", "e | e, ee, s | es"},
    {"X1N", "", "", "e | e, ee | s | se"},
    {"X1K", "", "s", "e, es | e, ee | s | se"},
    {"XK1", "", "s", "e | e, ee, es | s, se"},
    {"X1K1", "", "s", "e | e, ee, es | s | se"},
    {"X1X", "", "", "e | e, ee, s, es | s | se"},
    {"XX1", "", "", "e | e, ee, s | es, s, se"},
    {"X1X1", "", "", "e | e, ee, s | es, s | se"},
    {"K1N", "s", "", "e | e, ee | se"},
    {"K1K", "s", "s", "e, es | e, ee | se"},
    {"KK1", "s", "s", "e | e, ee, se, es"},
    {"K1K1", "s", "s", "e | e, ee, es | se"},
    {"K1X", "s", "", "e | e, ee, s, es | se"},
    {"KX1", "s", "", "e | e, ee, se, s | es"},
    {"K1X1", "s", "", "e | e, ee, s | se, es"},
    {"I1N", "", "", "e, s | e, ee | se"},
    {"I1K", "", "s", "e, es, s | e, ee | se"},
    {"IK1", "", "s", "e, s | e, ee, se, es"},
    {"I1K1", "", "s", "e, s | e, ee, es | se"},
    {"I1X", "", "", "e, s | e, ee, s, es | se"},
    {"IX1", "", "", "e, s | e, ee, se, s | es"},
    {"I1X1", "", "", "e, s | e, ee, s | se, es"},
}};

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const std::size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

std::optional<Token> parse_token(std::string_view text) {
  constexpr std::array<std::pair<std::string_view, Token>, 7> names{{{"e", Token::e},
                                                                     {"s", Token::s},
                                                                     {"ee", Token::ee},
                                                                     {"es", Token::es},
                                                                     {"se", Token::se},
                                                                     {"ss", Token::ss},
                                                                     {"psk", Token::psk}}};
  for (const auto& [name, token] : names) {
    if (name == text) return token;
  }
  return std::nullopt;
}

std::vector<Token> parse_tokens(std::string_view text) {
  std::vector<Token> tokens;
  if (trim(text).empty()) return tokens;
  for (std::string_view part : split(text, ',')) {
    if (auto token = parse_token(trim(part))) tokens.push_back(*token);
  }
  return tokens;
}

Error unknown_pattern() {
  return make_error(v1::CODE_USAGE, "This handshake pattern is not one we support.");
}

// Applies one "pskN" modifier: psk0 goes first in message 1, pskN last in message N.
Status apply_psk_modifier(std::string_view modifier, HandshakePattern& pattern) {
  constexpr std::string_view psk_prefix = "psk";
  if (!modifier.starts_with(psk_prefix) || modifier.size() == psk_prefix.size()) {
    return unknown_pattern();
  }
  const std::string_view digits = modifier.substr(psk_prefix.size());
  std::size_t position = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), position);
  if (ec != std::errc() || end != digits.data() + digits.size() ||
      position > pattern.messages.size()) {
    return unknown_pattern();
  }
  if (position == 0) {
    auto& first = pattern.messages.front();
    first.insert(first.begin(), Token::psk);
  } else {
    pattern.messages[position - 1].push_back(Token::psk);
  }
  ++pattern.psk_count;
  return ok_status();
}

}  // namespace

Result<HandshakePattern> find_pattern(std::string_view name) {
  // Base name first (longest match, so "X1X1" is not read as "X1X" + "1"), then modifiers.
  const PatternRow* row = nullptr;
  for (const PatternRow& candidate : pattern_table) {
    if (name.starts_with(candidate.name) &&
        (row == nullptr || candidate.name.size() > row->name.size())) {
      row = &candidate;
    }
  }
  if (row == nullptr) return unknown_pattern();

  HandshakePattern pattern;
  pattern.name = std::string(name);
  pattern.initiator_pre = parse_tokens(row->initiator_pre);
  pattern.responder_pre = parse_tokens(row->responder_pre);
  for (std::string_view message : split(row->messages, '|')) {
    pattern.messages.push_back(parse_tokens(message));
  }

  const std::string_view modifiers = name.substr(row->name.size());
  if (!modifiers.empty()) {
    for (std::string_view modifier : split(modifiers, '+')) {
      if (Status applied = apply_psk_modifier(modifier, pattern); !applied) return applied.error();
    }
  }
  return pattern;
}

std::vector<std::string_view> fundamental_pattern_names() {
  std::vector<std::string_view> names;
  for (const PatternRow& row : pattern_table) names.push_back(row.name);
  return names;
}

Result<Protocol> parse_protocol_name(std::string_view name) {
  const Error unsupported =
      make_error(v1::CODE_USAGE, "This Noise protocol name is not one we support.");
  if (!name.starts_with(protocol_prefix)) return unsupported;
  const std::vector<std::string_view> parts = split(name.substr(protocol_prefix.size()), '_');
  if (parts.size() != 4 || parts[1] != dh_name || parts[2] != cipher_name) return unsupported;
  const std::optional<HashKind> hash = hash_from_name(parts[3]);
  if (!hash) return unsupported;
  Result<HandshakePattern> pattern = find_pattern(parts[0]);
  if (!pattern) return pattern.error();
  return Protocol{std::string(name), std::move(pattern).value(), *hash};
}

}  // namespace pairspace::noise
