#pragma once
// A SignedOp made by hand, so a fuzz target or the seed writer can sign any op, well-formed
// or not (sync::sign_op refuses ops that do not pass check_op_fields).
#include <sodium.h>

#include <array>
#include <string>

#include "fuzz_support.hpp"
#include "pairspace.pb.h"
#include "sync/op_codec.hpp"

namespace pairspace::fuzz {

// Ed25519(keys, "pairspace/v1/op" || op bytes), wrapped in a serialised SignedOp.
inline std::string sign_raw(const v1::Op& op, const TestKeys& keys) {
  const std::string op_bytes = op.SerializeAsString();
  const std::string message = std::string(sync::op_signature_context) + op_bytes;
  std::array<std::uint8_t, crypto_sign_BYTES> signature{};
  crypto_sign_detached(signature.data(), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       keys.sign_secret.data());
  v1::SignedOp envelope;
  envelope.set_op(op_bytes);
  envelope.set_signature(as_string(signature));
  return envelope.SerializeAsString();
}

}  // namespace pairspace::fuzz
