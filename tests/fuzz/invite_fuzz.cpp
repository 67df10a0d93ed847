// Invite codes as people type them (peer/invite_code): the canonical form is also the CPace
// password, so both devices must normalise every spelling of a code identically.
//
// Input: n(1) w1(2) w2(2) w3(2) || typed text
// Invariants:
//  - a typed code that normalises gives "<1..99>-<word>-<word>-<word>" with list words, and
//    normalising that again changes nothing;
//  - case, spaces, tabs, newlines and repeated or surrounding separators never matter:
//    a respelling of a canonical code normalises back to it;
//  - generated codes are canonical; anything over 200 characters is refused;
//  - word_index and word_list agree.
#include "fuzz_support.hpp"
#include "peer/invite_code.hpp"
#include "peer/wordlist.hpp"

namespace pairspace::fuzz {
namespace {

void check_canonical(const std::string& code) {
  const std::size_t d1 = code.find('-');
  FUZZ_CHECK(d1 != std::string::npos && d1 >= 1 && d1 <= 2);
  const std::string number = code.substr(0, d1);
  FUZZ_CHECK(number[0] != '0');
  const int n = std::stoi(number);
  FUZZ_CHECK(n >= 1 && n <= static_cast<int>(peer::invite_number_max));
  std::size_t pos = d1 + 1;
  for (std::size_t i = 0; i < peer::invite_word_count; ++i) {
    const std::size_t end = std::min(code.find('-', pos), code.size());
    const std::string word = code.substr(pos, end - pos);
    const std::optional<std::size_t> index = peer::word_index(word);
    FUZZ_CHECK(index.has_value());
    FUZZ_CHECK(peer::word_list()[*index] == word);
    pos = end + 1;
  }
  FUZZ_CHECK(pos == code.size() + 1);
  Result<std::string> again = peer::normalise_invite_code(code);
  FUZZ_CHECK(again.ok() && *again == code);
}

// The same code as someone might type it: case and separators from the fuzz bytes.
std::string respell(const std::string& code, ByteView style) {
  static constexpr const char* separators[] = {"-", " ", "--", " - ", "\t", "\n", "  "};
  std::string out = (style.size() > 0 && style[0] % 2 == 1) ? "  " : "";
  std::size_t k = 1;
  for (char c : code) {
    const std::uint8_t s = k < style.size() ? style[k] : 0;
    ++k;
    if (c == '-') {
      out += separators[s % 7];
    } else if (c >= 'a' && c <= 'z' && s % 3 == 0) {
      out += static_cast<char>(c - 'a' + 'A');
    } else {
      out += c;
    }
  }
  if (style.size() > 0 && style[0] % 4 >= 2) out += " \r\n";
  return out;
}

}  // namespace
}  // namespace pairspace::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pairspace::fuzz::fuzz_init();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pairspace;
  using namespace pairspace::fuzz;
  FuzzInput in(data, size);
  const std::array<std::uint32_t, 4> picks{in.u8(), in.u16(), in.u16(), in.u16()};
  const std::string typed = in.rest_string();

  Result<std::string> code = peer::normalise_invite_code(typed);
  if (code) {
    FUZZ_CHECK(typed.size() <= 200);
    check_canonical(*code);
  } else {
    FUZZ_CHECK(code.error().code == v1::CODE_USAGE && !code.error().message.empty());
  }

  std::size_t next = 0;
  const std::string generated =
      peer::generate_invite_code([&](std::uint32_t upper) { return picks[next++ % 4] % upper; });
  check_canonical(generated);
  const std::string typed_again = respell(generated, as_bytes(typed));
  Result<std::string> back = peer::normalise_invite_code(typed_again);
  FUZZ_CHECK(back.ok() && *back == generated);
  return 0;
}
