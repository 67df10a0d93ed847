#pragma once
// Noise HandshakeState (section 5.3): a generic engine that walks a pattern's tokens.
//
// Usage: initialize() with a protocol name such as "Noise_XXpsk3_25519_ChaChaPoly_BLAKE2b",
// then alternate write_message()/read_message() (the initiator writes first) until
// is_finished(), then split() for the transport ciphers of this side.
//
// Any error while writing or reading a handshake message aborts the handshake: later calls
// return an error too, and the caller starts over with a fresh HandshakeState. Calling out
// of turn, or after the end, is a usage error and does not abort.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "crypto/secure.hpp"
#include "noise/cipher_state.hpp"
#include "noise/dh.hpp"
#include "noise/patterns.hpp"
#include "noise/symmetric_state.hpp"
#include "util/result.hpp"

namespace pairspace::noise {

struct HandshakeConfig {
  std::string protocol_name;
  bool initiator = false;
  Bytes prologue;
  // s: our static private key; required exactly when the pattern uses our static key.
  std::optional<crypto::SecureBytes> static_private;
  // e: only for test vectors; production leaves this empty and e comes from randombytes.
  std::optional<crypto::SecureBytes> ephemeral_private;
  // rs / re: the peer's keys known in advance; required exactly when the pattern has
  // them in a pre-message (e.g. KK), refused otherwise.
  std::optional<PublicKey> remote_static;
  std::optional<PublicKey> remote_ephemeral;
  // One 32-byte key per psk token, in the order the tokens occur.
  std::vector<crypto::SecureBytes> psks;
};

// Transport ciphers for one side: send encrypts what we write, recv decrypts what we read.
struct TransportCiphers {
  CipherState send;
  CipherState recv;
};

class HandshakeState {
 public:
  static Result<HandshakeState> initialize(HandshakeConfig config);

  HandshakeState(HandshakeState&&) noexcept = default;
  HandshakeState& operator=(HandshakeState&&) noexcept = default;

  Result<Bytes> write_message(ByteView payload);
  Result<Bytes> read_message(ByteView message);

  bool is_initiator() const { return m_initiator; }
  bool is_finished() const { return m_message_index == m_protocol.pattern.messages.size(); }
  bool has_failed() const { return m_failed; }
  bool is_my_turn() const;  // true when the next step is write_message()

  // h: binds everything sent so far; after is_finished() it names the session.
  Bytes handshake_hash() const;
  const std::optional<PublicKey>& remote_static() const { return m_rs; }
  std::optional<PublicKey> local_static_public() const;
  const Protocol& protocol() const { return m_protocol; }

  // Once, after is_finished(). Initiator sends with c1, responder with c2. For one-way
  // patterns only the initiator's send / responder's recv cipher is meaningful.
  Result<TransportCiphers> split();

 private:
  HandshakeState() = default;

  Status check_can_step(bool writing) const;
  Status mix_pre_messages();
  Status write_token(Token token, Bytes& out);
  Status read_token(Token token, ByteView message, std::size_t& offset);
  Status mix_dh(Token token);
  std::size_t predicted_write_size(std::size_t payload_size) const;
  Error abort(Error error);

  Protocol m_protocol;
  bool m_initiator = false;
  SymmetricState m_symmetric;
  std::optional<KeyPair> m_s;
  std::optional<KeyPair> m_e;
  std::optional<crypto::SecureBytes> m_injected_e;
  std::optional<PublicKey> m_rs;
  std::optional<PublicKey> m_re;
  std::vector<crypto::SecureBytes> m_psks;
  std::size_t m_next_psk = 0;
  std::size_t m_message_index = 0;
  bool m_failed = false;
  bool m_split_done = false;
};

}  // namespace pairspace::noise
