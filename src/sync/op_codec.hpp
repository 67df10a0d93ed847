#pragma once
// Ops of the shared log: signing, verification and the names derived from them
// (docs/sync.md). A SignedOp is {op: the serialised Op, signature}; the signature is
// Ed25519(author, "pairspace/v1/op" || op). Verification parses only what it received and
// never re-serialises anything before the signature is checked.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "crypto/secure.hpp"
#include "pairspace.pb.h"
#include "util/result.hpp"

namespace pairspace::sync {

using PublicKey = std::array<std::uint8_t, 32>;  // Ed25519
using Hash = std::array<std::uint8_t, 32>;       // BLAKE2b-256

inline constexpr std::size_t max_op_bytes = 8 * 1024;             // a serialised Op
inline constexpr std::size_t max_signed_op_bytes = max_op_bytes + 96;  // + signature, framing
inline constexpr std::size_t max_text_bytes = 1000;               // notes and agreement texts
inline constexpr std::size_t max_tz_bytes = 64;                   // an IANA zone name
inline constexpr std::uint32_t max_mood = 5;
inline constexpr std::uint64_t max_lamport = std::uint64_t{1} << 62;  // far from overflow
// Wall and end times (ms since the epoch) up to 2200-01-01: well inside what the daemon's
// nanosecond clock can hold (it ends in 2262).
inline constexpr std::int64_t max_time_ms = 7'258'118'400'000;
inline constexpr std::size_t short_id_chars = 6;
inline constexpr std::string_view op_signature_context = "pairspace/v1/op";

// An op whose signature and fields were checked (or that this device just signed).
struct VerifiedOp {
  std::string signed_op;  // the serialised SignedOp, exactly as made or received
  v1::Op op;              // parsed from the signed bytes
  Hash hash{};            // content_hash of the Op bytes
};

// BLAKE2b-256 of a serialised Op: names an op, and an agreement by its proposing op.
Hash content_hash(std::string_view op_bytes);

// First 6 characters of the lowercase base32 (RFC 4648) of an agreement's content hash.
std::string short_id(const Hash& content_hash);

PublicKey key_of(const std::string& bytes);  // bytes must hold 32 bytes
std::string to_bytes(std::span<const std::uint8_t> bytes);

// Checks the op's envelope (author size, seq, lamport, wall time, prev_hash: empty for
// seq 1, else 32 bytes) and body (sizes, enums, ranges). Returns an empty string when fine, else what is wrong (for a log or an error).
// An op with no body this version knows passes (it is kept and forwarded, and the fold
// ignores it), unless require_body.
std::string check_op_fields(const v1::Op& op, bool require_body);

// Serialises op (author, seq, lamport, wall time, prev_hash and body already set) and
// signs it.
// Fields that do not pass check_op_fields, or an op over max_op_bytes: CODE_USAGE.
Result<VerifiedOp> sign_op(const v1::Op& op, const crypto::SecureBytes& sign_secret);

// Parses and checks a SignedOp from one of the given authors: size, signature, author
// field, fields. Anything wrong: CODE_REFUSED. (= parse_op + check_signature)
Result<VerifiedOp> verify_op(std::string signed_op, std::span<const PublicKey> authors);

// Everything verify_op checks but the signature itself (its length is checked): for a
// batch, whose ops are authenticated through their authors' hash chains and one signature
// per author (OpLog::apply_remote_batch, docs/sync.md). CODE_REFUSED.
Result<VerifiedOp> parse_op(std::string signed_op, std::span<const PublicKey> authors);
// The Ed25519 signature of an op parse_op accepted, by its author. CODE_REFUSED.
Status check_signature(const VerifiedOp& op);

// Parses an op read back from the store, where it was sealed after verify_op (or
// sign_op) checked it; the signature is not checked again (the seal authenticates it).
// Unreadable: CODE_STORE.
Result<VerifiedOp> parse_stored_op(std::string signed_op);

// Fold order: (lamport, author bytes, seq).
bool fold_before(const v1::Op& a, const v1::Op& b);

}  // namespace pairspace::sync
