// HandshakeState::write_message / read_message: the token loop of Noise section 5.3.
#include "noise/handshake_state.hpp"

namespace pairspace::noise {
namespace {

Error usage(std::string message) { return make_error(v1::CODE_USAGE, std::move(message)); }

Error message_too_large() {
  return usage("This handshake message would be too large to send; please use a shorter payload.");
}

Error message_malformed() {
  return make_error(v1::CODE_REFUSED,
                    "A handshake message from the other device was not in the expected shape, "
                    "so the handshake was stopped.");
}

}  // namespace

std::size_t HandshakeState::predicted_write_size(std::size_t payload_size) const {
  const bool psk_mode = m_protocol.pattern.psk_count > 0;
  bool keyed = m_symmetric.has_key();
  std::size_t size = 0;
  for (Token token : m_protocol.pattern.messages[m_message_index]) {
    if (token == Token::e) {
      size += dh_bytes;
      keyed = keyed || psk_mode;
    } else if (token == Token::s) {
      size += dh_bytes + (keyed ? tag_bytes : 0);
    } else {
      keyed = true;  // ee, es, se, ss, psk all call MixKey
    }
  }
  return size + payload_size + (keyed ? tag_bytes : 0);
}

Status HandshakeState::mix_dh(Token token) {
  const std::optional<KeyPair>* local = nullptr;
  const std::optional<PublicKey>* remote = nullptr;
  switch (token) {
    case Token::ee:
      local = &m_e;
      remote = &m_re;
      break;
    case Token::ss:
      local = &m_s;
      remote = &m_rs;
      break;
    case Token::es:
      local = m_initiator ? &m_e : &m_s;
      remote = m_initiator ? &m_rs : &m_re;
      break;
    case Token::se:
      local = m_initiator ? &m_s : &m_e;
      remote = m_initiator ? &m_re : &m_rs;
      break;
    default:
      return usage("Not a DH token.");
  }
  if (!local->has_value() || !remote->has_value()) {
    return usage("A key this handshake needs is missing.");
  }
  Result<crypto::SecureBytes> shared = dh((*local)->private_key, **remote);
  if (!shared) return shared.error();
  m_symmetric.mix_key(shared->span());
  return ok_status();
}

Status HandshakeState::write_token(Token token, Bytes& out) {
  switch (token) {
    case Token::e: {
      if (m_injected_e) {
        Result<KeyPair> pair = keypair_from_private(m_injected_e->span());
        m_injected_e.reset();
        if (!pair) return pair.error();
        m_e = std::move(pair).value();
      } else {
        m_e = generate_keypair();
      }
      out.insert(out.end(), m_e->public_key.begin(), m_e->public_key.end());
      m_symmetric.mix_hash(m_e->public_key);
      if (m_protocol.pattern.psk_count > 0) m_symmetric.mix_key(m_e->public_key);
      return ok_status();
    }
    case Token::s: {
      Result<Bytes> sealed = m_symmetric.encrypt_and_hash(m_s->public_key);
      if (!sealed) return sealed.error();
      out.insert(out.end(), sealed->begin(), sealed->end());
      return ok_status();
    }
    case Token::psk:
      m_symmetric.mix_key_and_hash(m_psks.at(m_next_psk++).span());
      return ok_status();
    default:
      return mix_dh(token);
  }
}

Status HandshakeState::read_token(Token token, ByteView message, std::size_t& offset) {
  switch (token) {
    case Token::e: {
      if (message.size() - offset < dh_bytes) return message_malformed();
      PublicKey re{};
      std::copy_n(message.begin() + static_cast<std::ptrdiff_t>(offset), dh_bytes, re.begin());
      offset += dh_bytes;
      m_re = re;
      m_symmetric.mix_hash(re);
      if (m_protocol.pattern.psk_count > 0) m_symmetric.mix_key(re);
      return ok_status();
    }
    case Token::s: {
      const std::size_t length = dh_bytes + (m_symmetric.has_key() ? tag_bytes : 0);
      if (message.size() - offset < length) return message_malformed();
      Result<Bytes> opened = m_symmetric.decrypt_and_hash(message.subspan(offset, length));
      if (!opened) return opened.error();
      offset += length;
      PublicKey rs{};
      std::copy_n(opened->begin(), dh_bytes, rs.begin());
      m_rs = rs;
      return ok_status();
    }
    case Token::psk:
      m_symmetric.mix_key_and_hash(m_psks.at(m_next_psk++).span());
      return ok_status();
    default:
      return mix_dh(token);
  }
}

Result<Bytes> HandshakeState::write_message(ByteView payload) {
  if (Status can = check_can_step(true); !can) return can.error();
  if (predicted_write_size(payload.size()) > max_message_bytes) return message_too_large();

  Bytes out;
  out.reserve(predicted_write_size(payload.size()));
  for (Token token : m_protocol.pattern.messages[m_message_index]) {
    if (Status wrote = write_token(token, out); !wrote) return abort(wrote.error());
  }
  Result<Bytes> sealed = m_symmetric.encrypt_and_hash(payload);
  if (!sealed) return abort(sealed.error());
  out.insert(out.end(), sealed->begin(), sealed->end());
  ++m_message_index;
  return out;
}

Result<Bytes> HandshakeState::read_message(ByteView message) {
  if (Status can = check_can_step(false); !can) return can.error();
  if (message.size() > max_message_bytes) return abort(message_malformed());

  std::size_t offset = 0;
  for (Token token : m_protocol.pattern.messages[m_message_index]) {
    if (Status read = read_token(token, message, offset); !read) return abort(read.error());
  }
  Result<Bytes> payload = m_symmetric.decrypt_and_hash(message.subspan(offset));
  if (!payload) return abort(payload.error());
  ++m_message_index;
  return payload;
}

}  // namespace pairspace::noise
