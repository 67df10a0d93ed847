#pragma once
// `peer forget` while a session is up: Frame{unpair{signature}} with
// signature = Ed25519(sign_secret, "pairspace/v1/unpair" || h), h = that session's
// handshake hash (Transport::handshake_hash()). The receiver checks it with the pinned key.
#include <string_view>

#include "peer/frame_codec.hpp"
#include "util/result.hpp"

namespace pairspace::peer {

inline constexpr std::string_view unpair_label = "pairspace/v1/unpair";

// 64-byte signature. CODE_USAGE if sign_secret is not a 64-byte libsodium secret key.
Result<Bytes> sign_unpair(ByteView handshake_hash, ByteView sign_secret);

// ok, or CODE_REFUSED when the signature is not the partner's over this session's h.
Status verify_unpair(ByteView handshake_hash, ByteView signature, ByteView partner_sign_public);

}  // namespace pairspace::peer
