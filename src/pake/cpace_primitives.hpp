#pragma once
// Building blocks of CPace (draft-irtf-cfrg-cpace-21) for the cipher suite
// CPACE-RISTR255-SHA512: group ristretto255, hash SHA-512. Names follow the draft so
// each function can be checked against its test vectors. Anything derived from the
// password (PRS) — the generator string, its hash, the generator g — is secret: an
// observer holding g could test passwords offline. Those values live in SecureBytes.
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

#include "crypto/secure.hpp"
#include "util/result.hpp"

namespace pairspace::pake {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

constexpr std::size_t point_bytes = 32;     // encoded ristretto255 element
constexpr std::size_t scalar_bytes = 32;    // little-endian scalar mod L
constexpr std::size_t hash_bytes = 64;      // SHA-512 output; also the ISK size
constexpr std::size_t hash_block_bytes = 128;  // H.s_in_bytes for SHA-512

// G.DSI for ristretto255, and the ISK domain separator DSI || "_ISK".
constexpr std::string_view cpace_dsi = "CPaceRistretto255";
constexpr std::string_view cpace_dsi_isk = "CPaceRistretto255_ISK";
constexpr std::string_view cpace_sid_output_prefix = "CPaceSidOutput";

using Point = std::array<std::uint8_t, point_bytes>;

ByteView as_bytes(std::string_view text);

// LEB128 encoding of a length (prepend_len's prefix).
Bytes leb128(std::size_t length);
// prepend_len(data) = leb128(len(data)) || data
Bytes prepend_len(ByteView data);
// lv_cat(a, b, ...) = prepend_len(a) || prepend_len(b) || ...  (public data only)
Bytes lv_cat(std::initializer_list<ByteView> parts);

// Number of zero bytes generator_string pads with so that DSI, PRS and padding fill
// one hash block: max(0, s_in_bytes - 1 - len(prepend_len(PRS)) - len(prepend_len(DSI))).
std::size_t generator_zpad_length(ByteView dsi, ByteView prs, std::size_t s_in_bytes);

// generator_string(DSI, PRS, CI, sid, s_in_bytes) = lv_cat(DSI, PRS, zpad, CI, sid).
crypto::SecureBytes generator_string(ByteView dsi, ByteView prs, ByteView ci, ByteView sid,
                                     std::size_t s_in_bytes);

// calculate_generator: g = ristretto255_from_hash(SHA-512(generator_string(...)))
// with DSI "CPaceRistretto255" and s_in_bytes 128. Returns the 32-byte encoding of g.
crypto::SecureBytes calculate_generator(ByteView prs, ByteView ci, ByteView sid);

// scalar_mult_vfy(y, X): y * decode(X). Fails with CODE_REFUSED when X is not a
// canonical encoding or the result is the neutral element (the protocol must abort).
Result<crypto::SecureBytes> scalar_mult_vfy(ByteView scalar, ByteView point);

// transcript_ir(Ya, ADa, Yb, ADb) = lv_cat(Ya, ADa) || lv_cat(Yb, ADb)
Bytes transcript_ir(ByteView ya, ByteView ada, ByteView yb, ByteView adb);
// transcript_oc(Ya, ADa, Yb, ADb) = o_cat(lv_cat(Ya, ADa), lv_cat(Yb, ADb)), where
// o_cat(x, y) = "oc" || max(x, y) || min(x, y) in lexicographic byte order.
Bytes transcript_oc(ByteView ya, ByteView ada, ByteView yb, ByteView adb);

// ISK = SHA-512(lv_cat(DSI || "_ISK", sid, K) || transcript). Streams K into the hash.
crypto::SecureBytes derive_isk(ByteView sid, ByteView k, ByteView transcript);

// Optional session id output: SHA-512("CPaceSidOutput" || transcript).
std::array<std::uint8_t, hash_bytes> sid_output(ByteView transcript);

}  // namespace pairspace::pake
