#include "peer/invite_code.hpp"

#include <sodium.h>

#include <optional>
#include <vector>

#include "crypto/secure.hpp"
#include "peer/wordlist.hpp"

namespace pairspace::peer {
namespace {

constexpr std::size_t max_typed_code_chars = 200;  // far longer than any real code
constexpr std::size_t max_number_digits = 2;
constexpr std::size_t code_tokens = 1 + invite_word_count;

const char* const code_usage_sentence =
    "That code doesn't look right: it should be a number and three words, like "
    "7-amber-lantern-sparrow.";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_separator(char c) { return c == '-' || is_space(c); }

char to_lower_ascii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Splits on runs of separators; empty pieces (leading/trailing/doubled separators) vanish.
std::vector<std::string> split_tokens(std::string_view text) {
  std::vector<std::string> tokens;
  std::string current;
  for (char c : text) {
    if (is_separator(c)) {
      if (!current.empty()) tokens.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(to_lower_ascii(c));
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  return tokens;
}

std::optional<std::uint32_t> parse_number(std::string_view token) {
  if (token.empty() || token.size() > max_number_digits) return std::nullopt;
  std::uint32_t value = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (value < 1 || value > invite_number_max) return std::nullopt;
  return value;
}

}  // namespace

std::string generate_invite_code() {
  crypto::ensure_sodium();
  return generate_invite_code([](std::uint32_t upper) { return randombytes_uniform(upper); });
}

std::string generate_invite_code(const UniformRandom& uniform) {
  const auto words = word_list();
  std::string code = std::to_string(1 + uniform(invite_number_max));
  for (std::size_t i = 0; i < invite_word_count; ++i) {
    code.push_back('-');
    code.append(words[uniform(static_cast<std::uint32_t>(word_count))]);
  }
  return code;
}

Result<std::string> normalise_invite_code(std::string_view typed) {
  if (typed.size() > max_typed_code_chars) return make_error(v1::CODE_USAGE, code_usage_sentence);
  const std::vector<std::string> tokens = split_tokens(typed);
  if (tokens.size() != code_tokens) return make_error(v1::CODE_USAGE, code_usage_sentence);

  const std::optional<std::uint32_t> number = parse_number(tokens[0]);
  if (!number) return make_error(v1::CODE_USAGE, code_usage_sentence);
  std::string canonical = std::to_string(*number);
  for (std::size_t i = 1; i < tokens.size(); ++i) {
    if (!word_index(tokens[i])) return make_error(v1::CODE_USAGE, code_usage_sentence);
    canonical.push_back('-');
    canonical.append(tokens[i]);
  }
  return canonical;
}

}  // namespace pairspace::peer
