#include "peer/pairing.hpp"

#include <sodium.h>

#include <algorithm>
#include <utility>

#include "peer/bytes.hpp"
#include "peer/safety_number.hpp"

namespace pairspace::peer::detail {
namespace {

constexpr std::size_t psk_bytes = 32;

Error identity_usage_error() {
  return make_error(v1::CODE_USAGE,
                    "This device's identity keys look damaged, so pairing could not start.");
}

Error proof_error() {
  return make_error(v1::CODE_REFUSED,
                    "Your partner's device couldn't prove who it is, so nothing was paired. "
                    "Please try again with a fresh code.");
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > max_device_name_bytes) return false;
  return std::none_of(name.begin(), name.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 0x20 || byte == 0x7f;
  });
}

Bytes proof_message(ByteView handshake_hash, ByteView dh_public) {
  return concat({as_bytes(pair_proof_label), handshake_hash, dh_public});
}

}  // namespace

Result<OwnIdentity> copy_identity(const LocalDevice& device) {
  crypto::ensure_sodium();
  if (device.sign_public.size() != sign_public_bytes ||
      device.sign_secret.size() != sign_secret_bytes || device.dh_public.size() != dh_key_bytes ||
      device.dh_secret.size() != dh_key_bytes) {
    return identity_usage_error();
  }
  if (!valid_name(device.name)) {
    return make_error(v1::CODE_USAGE,
                      "This device's name must be 1 to 100 characters without control "
                      "characters before it can pair.");
  }
  if (device.listen_port == 0) {
    return make_error(v1::CODE_USAGE, "Pairing needs the port this device listens on.");
  }
  // The libsodium secret key ends with its public key; the X25519 public must match too.
  if (sodium_memcmp(device.sign_secret.data() + crypto_sign_SEEDBYTES, device.sign_public.data(),
                    sign_public_bytes) != 0) {
    return identity_usage_error();
  }
  Result<noise::KeyPair> derived = noise::keypair_from_private(device.dh_secret);
  if (!derived || sodium_memcmp(derived->public_key.data(), device.dh_public.data(),
                                dh_key_bytes) != 0) {
    return identity_usage_error();
  }
  OwnIdentity own;
  own.name = std::string(device.name);
  std::copy(device.sign_public.begin(), device.sign_public.end(), own.sign_public.begin());
  own.sign_secret = crypto::SecureBytes(device.sign_secret);
  std::copy(device.dh_public.begin(), device.dh_public.end(), own.dh_public.begin());
  own.dh_secret = crypto::SecureBytes(device.dh_secret);
  own.listen_port = device.listen_port;
  return own;
}

Result<crypto::SecureBytes> derive_psk(const crypto::SecureBytes& isk) {
  if (isk.size() < crypto_generichash_KEYBYTES_MIN || isk.size() > crypto_generichash_KEYBYTES_MAX) {
    return make_error(v1::CODE_USAGE, "The pairing key has the wrong size.");
  }
  crypto::SecureBytes psk(psk_bytes);
  crypto_generichash(psk.data(), psk.size(),
                     as_bytes(psk_label).data(), psk_label.size(),
                     isk.data(), isk.size());
  return psk;
}

Bytes pair_prologue(const PairSid& sid, const CpaceShare& ya, const CpaceShare& yb) {
  return concat({as_bytes(pair_label), sid, ya, yb});
}

Result<noise::HandshakeState> start_pair_handshake(bool initiator, const OwnIdentity& self,
                                                   Bytes prologue, crypto::SecureBytes psk) {
  noise::HandshakeConfig config;
  config.protocol_name = std::string(pair_protocol_name);
  config.initiator = initiator;
  config.prologue = std::move(prologue);
  config.static_private = crypto::SecureBytes(self.dh_secret.span());
  config.psks.push_back(std::move(psk));
  return noise::HandshakeState::initialize(std::move(config));
}

Result<v1::Frame> make_pair_proof(const OwnIdentity& self, ByteView handshake_hash) {
  const Bytes message = proof_message(handshake_hash, self.dh_public);
  std::array<std::uint8_t, signature_bytes> signature{};
  if (crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(),
                           self.sign_secret.data()) != 0) {
    return identity_usage_error();
  }
  v1::Frame frame;
  v1::PairProof* proof = frame.mutable_pair_proof();
  proof->set_name(self.name);
  proof->set_sign_public(self.sign_public.data(), self.sign_public.size());
  proof->set_signature(signature.data(), signature.size());
  proof->set_listen_port(self.listen_port);
  return frame;
}

Result<PairResult> verify_pair_proof(const v1::Frame& frame, ByteView handshake_hash,
                                     const noise::PublicKey& partner_dh,
                                     const OwnIdentity& self) {
  if (!frame.has_pair_proof()) return garbled_pairing_error();
  const v1::PairProof& proof = frame.pair_proof();
  if (proof.sign_public().size() != sign_public_bytes ||
      proof.signature().size() != signature_bytes || !valid_name(proof.name()) ||
      proof.listen_port() == 0 || proof.listen_port() > UINT16_MAX) {
    return garbled_pairing_error();
  }
  const auto* sign_public = reinterpret_cast<const std::uint8_t*>(proof.sign_public().data());
  const auto* signature = reinterpret_cast<const std::uint8_t*>(proof.signature().data());
  const Bytes message = proof_message(handshake_hash, partner_dh);
  if (crypto_sign_verify_detached(signature, message.data(), message.size(), sign_public) != 0) {
    return proof_error();
  }
  PairResult result;
  result.partner_name = proof.name();
  std::copy_n(sign_public, sign_public_bytes, result.partner_sign_public.begin());
  if (result.partner_sign_public == self.sign_public || partner_dh == self.dh_public) {
    return make_error(v1::CODE_REFUSED,
                      "That is this device's own invite, so nothing was paired. Use the code on "
                      "your partner's device instead.");
  }
  result.partner_dh_public = partner_dh;
  result.partner_listen_port = static_cast<std::uint16_t>(proof.listen_port());
  Result<std::string> number = safety_number(self.sign_public, result.partner_sign_public);
  if (!number) return number.error();
  result.safety_number = std::move(*number);
  return result;
}

}  // namespace pairspace::peer::detail
