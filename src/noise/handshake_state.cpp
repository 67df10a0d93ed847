#include "noise/handshake_state.hpp"

#include <algorithm>

namespace pairspace::noise {
namespace {

bool contains(const std::vector<Token>& tokens, Token token) {
  return std::find(tokens.begin(), tokens.end(), token) != tokens.end();
}

// Does `side` (true = initiator) use its own static key anywhere in the pattern?
bool uses_local_static(const HandshakePattern& pattern, bool initiator) {
  if (contains(initiator ? pattern.initiator_pre : pattern.responder_pre, Token::s)) return true;
  for (std::size_t i = 0; i < pattern.messages.size(); ++i) {
    const bool written_by_initiator = i % 2 == 0;
    for (Token token : pattern.messages[i]) {
      if (token == Token::ss) return true;
      if (token == Token::s && written_by_initiator == initiator) return true;
      if (token == (initiator ? Token::se : Token::es)) return true;
    }
  }
  return false;
}

Error usage(std::string message) { return make_error(v1::CODE_USAGE, std::move(message)); }

Error handshake_broken() {
  return make_error(v1::CODE_REFUSED,
                    "The secure handshake with the other device did not check out, so it was "
                    "stopped. Please try again.");
}

}  // namespace

Result<HandshakeState> HandshakeState::initialize(HandshakeConfig config) {
  crypto::ensure_sodium();
  Result<Protocol> protocol = parse_protocol_name(config.protocol_name);
  if (!protocol) return protocol.error();

  HandshakeState state;
  state.m_protocol = std::move(protocol).value();
  state.m_initiator = config.initiator;
  const HandshakePattern& pattern = state.m_protocol.pattern;
  const bool initiator = config.initiator;

  // Keys must match what the pattern uses: a missing or surplus key is a setup mistake.
  if (uses_local_static(pattern, initiator) != config.static_private.has_value()) {
    return usage(config.static_private ? "This handshake does not use a long-term key."
                                       : "This handshake needs our long-term key.");
  }
  if (config.static_private) {
    Result<KeyPair> pair = keypair_from_private(config.static_private->span());
    if (!pair) return pair.error();
    state.m_s = std::move(pair).value();
  }
  const std::vector<Token>& remote_pre = initiator ? pattern.responder_pre : pattern.initiator_pre;
  const std::vector<Token>& local_pre = initiator ? pattern.initiator_pre : pattern.responder_pre;
  if (contains(remote_pre, Token::s) != config.remote_static.has_value()) {
    return usage(config.remote_static ? "This handshake does not take the partner's key in advance."
                                      : "This handshake needs the partner's key in advance.");
  }
  if (contains(remote_pre, Token::e) != config.remote_ephemeral.has_value()) {
    return usage("The partner's ephemeral key does not fit this handshake.");
  }
  state.m_rs = config.remote_static;
  state.m_re = config.remote_ephemeral;

  if (config.ephemeral_private) {
    if (config.ephemeral_private->size() != dh_bytes) {
      return usage("An ephemeral private key must be exactly 32 bytes.");
    }
    state.m_injected_e = std::move(config.ephemeral_private);
  }
  if (contains(local_pre, Token::e)) {
    if (!state.m_injected_e) return usage("This handshake needs our ephemeral key in advance.");
    Result<KeyPair> pair = keypair_from_private(state.m_injected_e->span());
    if (!pair) return pair.error();
    state.m_e = std::move(pair).value();
    state.m_injected_e.reset();
  }

  if (config.psks.size() != pattern.psk_count) {
    return usage("This handshake needs a different number of pre-shared keys.");
  }
  for (const crypto::SecureBytes& psk : config.psks) {
    if (psk.size() != key_bytes) return usage("A pre-shared key must be exactly 32 bytes.");
  }
  state.m_psks = std::move(config.psks);

  state.m_symmetric.initialize(state.m_protocol.name, state.m_protocol.hash);
  state.m_symmetric.mix_hash(config.prologue);
  if (Status mixed = state.mix_pre_messages(); !mixed) return mixed.error();
  return state;
}

Status HandshakeState::mix_pre_messages() {
  const bool psk_mode = m_protocol.pattern.psk_count > 0;
  for (const bool initiator_side : {true, false}) {
    const bool local = initiator_side == m_initiator;
    const auto& tokens =
        initiator_side ? m_protocol.pattern.initiator_pre : m_protocol.pattern.responder_pre;
    for (Token token : tokens) {
      if (token == Token::s) {
        m_symmetric.mix_hash(local ? ByteView(m_s->public_key) : ByteView(*m_rs));
      } else if (token == Token::e) {
        const ByteView key = local ? ByteView(m_e->public_key) : ByteView(*m_re);
        m_symmetric.mix_hash(key);
        if (psk_mode) m_symmetric.mix_key(key);
      } else {
        return usage("A pre-message may only hold public keys.");
      }
    }
  }
  return ok_status();
}

bool HandshakeState::is_my_turn() const {
  if (is_finished()) return false;
  const bool initiator_writes = m_message_index % 2 == 0;
  return initiator_writes == m_initiator;
}

Status HandshakeState::check_can_step(bool writing) const {
  if (m_failed) return handshake_broken();
  if (is_finished()) return usage("The handshake is already complete.");
  if (is_my_turn() != writing) {
    return usage(writing ? "It is the other device's turn to send a handshake message."
                         : "It is our turn to send a handshake message.");
  }
  return ok_status();
}

Error HandshakeState::abort(Error error) {
  m_failed = true;
  m_e.reset();
  m_injected_e.reset();
  m_psks.clear();
  return error;
}

Bytes HandshakeState::handshake_hash() const {
  const ByteView h = m_symmetric.handshake_hash();
  return Bytes(h.begin(), h.end());
}

std::optional<PublicKey> HandshakeState::local_static_public() const {
  if (!m_s) return std::nullopt;
  return m_s->public_key;
}

Result<TransportCiphers> HandshakeState::split() {
  if (m_failed) return handshake_broken();
  if (!is_finished()) return usage("The handshake is not complete yet.");
  if (m_split_done) return usage("The session keys were already taken.");
  m_split_done = true;
  auto [c1, c2] = m_symmetric.split();
  m_e.reset();
  m_psks.clear();
  if (m_initiator) return TransportCiphers{std::move(c1), std::move(c2)};
  return TransportCiphers{std::move(c2), std::move(c1)};
}

}  // namespace pairspace::noise
