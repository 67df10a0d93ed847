#include "peer/wire.hpp"

#include <algorithm>

namespace pairspace::peer {
namespace {

constexpr std::size_t pair_start_bytes = 2 + pair_sid_bytes + cpace_share_bytes;
constexpr std::size_t pair_reply_bytes = 1 + cpace_share_bytes;
constexpr std::size_t pair_refused_bytes = 2;

std::uint8_t type_byte(MessageType type) { return static_cast<std::uint8_t>(type); }

}  // namespace

ConnectionKind classify_first_frame(ByteView body) {
  if (body.empty()) return ConnectionKind::unknown;
  if (body[0] == type_byte(MessageType::pair_start)) return ConnectionKind::pairing;
  if (body[0] == type_byte(MessageType::session_init)) return ConnectionKind::session;
  return ConnectionKind::unknown;
}

Bytes encode_pair_start(const PairStart& start) {
  Bytes out{type_byte(MessageType::pair_start), start.version};
  out.insert(out.end(), start.sid.begin(), start.sid.end());
  out.insert(out.end(), start.ya.begin(), start.ya.end());
  return out;
}

Result<PairStart> parse_pair_start(ByteView body) {
  if (body.size() != pair_start_bytes || body[0] != type_byte(MessageType::pair_start)) {
    return garbled_pairing_error();
  }
  PairStart start;
  start.version = body[1];
  std::copy_n(body.begin() + 2, pair_sid_bytes, start.sid.begin());
  std::copy_n(body.begin() + 2 + pair_sid_bytes, cpace_share_bytes, start.ya.begin());
  return start;
}

Bytes encode_pair_reply(const CpaceShare& yb) {
  Bytes out{type_byte(MessageType::pair_reply)};
  out.insert(out.end(), yb.begin(), yb.end());
  return out;
}

Result<CpaceShare> parse_pair_reply(ByteView body) {
  if (body.size() != pair_reply_bytes || body[0] != type_byte(MessageType::pair_reply)) {
    return garbled_pairing_error();
  }
  CpaceShare yb{};
  std::copy_n(body.begin() + 1, cpace_share_bytes, yb.begin());
  return yb;
}

Bytes encode_pair_refused(RefusalReason reason) {
  return Bytes{type_byte(MessageType::pair_refused), static_cast<std::uint8_t>(reason)};
}

bool is_pair_refused(ByteView body) {
  return body.size() == pair_refused_bytes && body[0] == type_byte(MessageType::pair_refused);
}

std::uint8_t pair_refused_reason(ByteView body) { return body.size() > 1 ? body[1] : 0; }

Error refusal_error(std::uint8_t reason) {
  switch (static_cast<RefusalReason>(reason)) {
    case RefusalReason::code_mismatch:
      return wrong_code_error();
    case RefusalReason::no_active_invite:
      return make_error(v1::CODE_REFUSED,
                        "Your partner's device has no open invite right now (it may have "
                        "expired or been used already), so nothing was paired. Ask your "
                        "partner for a fresh code with `pairspace pair invite`.");
    case RefusalReason::already_paired:
      return make_error(v1::CODE_REFUSED,
                        "Your partner's device is already paired, so nothing was paired.");
    case RefusalReason::busy:
      return make_error(v1::CODE_REFUSED,
                        "Your partner's device is busy with another pairing attempt, so "
                        "nothing was paired. Wait a moment and try again.");
  }
  return make_error(v1::CODE_REFUSED,
                    "Your partner's device declined to pair, so nothing was paired. Ask your "
                    "partner for a fresh code with `pairspace pair invite`.");
}

Error wrong_code_error() {
  return make_error(v1::CODE_REFUSED,
                    "The code didn't match, so nothing was paired. Ask your partner for a "
                    "fresh code with `pairspace pair invite`.");
}

Error wrong_code_error_inviter() {
  return make_error(v1::CODE_REFUSED,
                    "Someone tried to pair with a code that didn't match, so nothing was "
                    "paired and the code can't be used again. Make a fresh one with "
                    "`pairspace pair invite`.");
}

Error garbled_pairing_error() {
  return make_error(v1::CODE_REFUSED,
                    "The pairing was interrupted by a message that didn't make sense, so "
                    "nothing was paired. Please try again with a fresh code.");
}

}  // namespace pairspace::peer
