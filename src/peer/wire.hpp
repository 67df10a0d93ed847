#pragma once
// The clear-text messages of the partner protocol v1 (docs/protocol.md): the first byte of
// a connection's first frame says what it is.
//   PAIR_START   0x01 || version(1) || sid[16] || Ya[32]    joiner -> inviter (50 bytes)
//   PAIR_REPLY   0x02 || Yb[32]                              inviter -> joiner (33 bytes)
//   PAIR_REFUSED 0x03 || reason(1)                           inviter -> joiner (2 bytes)
//   SESSION_INIT 0x10 || Noise KK message 1                  either -> partner (73 bytes)
// Noise handshake messages 1..3 of pairing and KK message 2 travel as raw frame bodies.
// PAIR_REFUSED is told apart from them by its length: no Noise message is 2 bytes long.
#include <array>
#include <cstdint>
#include <string>

#include "peer/frame_codec.hpp"
#include "util/result.hpp"

namespace pairspace::peer {

inline constexpr std::uint8_t protocol_version = 1;
inline constexpr std::size_t pair_sid_bytes = 16;
inline constexpr std::size_t cpace_share_bytes = 32;

enum class MessageType : std::uint8_t {
  pair_start = 0x01,
  pair_reply = 0x02,
  pair_refused = 0x03,
  session_init = 0x10,
};

enum class RefusalReason : std::uint8_t {
  no_active_invite = 1,  // none, expired or already used
  code_mismatch = 2,
  already_paired = 3,    // reserved: an already-paired device stays silent instead
  busy = 4,
};

using PairSid = std::array<std::uint8_t, pair_sid_bytes>;
using CpaceShare = std::array<std::uint8_t, cpace_share_bytes>;

struct PairStart {
  std::uint8_t version = protocol_version;
  PairSid sid{};
  CpaceShare ya{};
};

// What a connection's first frame asks for; anything else is closed without a byte sent.
enum class ConnectionKind { pairing, session, unknown };
ConnectionKind classify_first_frame(ByteView body);

Bytes encode_pair_start(const PairStart& start);
// CODE_REFUSED for a wrong type or size; the version is returned as sent (the caller checks).
Result<PairStart> parse_pair_start(ByteView body);

Bytes encode_pair_reply(const CpaceShare& yb);
Result<CpaceShare> parse_pair_reply(ByteView body);

Bytes encode_pair_refused(RefusalReason reason);
bool is_pair_refused(ByteView body);
// The reason byte of a PAIR_REFUSED body (is_pair_refused() must hold).
std::uint8_t pair_refused_reason(ByteView body);

// The sentence the joiner's person reads when the inviter refused for this reason.
Error refusal_error(std::uint8_t reason);

// Shared sentences.
Error wrong_code_error();           // joiner side
Error wrong_code_error_inviter();   // inviter side: someone tried a code that didn't match
Error garbled_pairing_error();      // a malformed or unexpected pairing message

}  // namespace pairspace::peer
