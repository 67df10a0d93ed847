#include "peer/transport.hpp"

#include <sodium.h>

#include <utility>

namespace pairspace::peer {
namespace {

Error transport_error() {
  return make_error(v1::CODE_REFUSED,
                    "A message from the partner's device could not be read, so the connection "
                    "was closed.");
}

}  // namespace

Transport::Transport(noise::TransportCiphers ciphers, Bytes handshake_hash)
    : m_send(std::move(ciphers.send)),
      m_recv(std::move(ciphers.recv)),
      m_handshake_hash(std::move(handshake_hash)) {}

Result<Bytes> Transport::encrypt(const v1::Frame& frame) {
  if (m_failed) return transport_error();
  const std::size_t size = frame.ByteSizeLong();
  if (size > max_frame_plaintext_bytes) {
    return make_error(v1::CODE_USAGE, "That message is too large to send to the partner.");
  }
  Bytes plaintext(size);
  if (size > 0 && !frame.SerializeToArray(plaintext.data(), static_cast<int>(size))) {
    return make_error(v1::CODE_USAGE, "That message could not be prepared for the partner.");
  }
  Result<Bytes> body = m_send.encrypt_with_ad({}, plaintext);
  sodium_memzero(plaintext.data(), plaintext.size());
  if (!body) {
    m_failed = true;
    return body.error();
  }
  return body;
}

Result<v1::Frame> Transport::decrypt(ByteView body) {
  if (m_failed) return transport_error();
  Result<Bytes> plaintext = m_recv.decrypt_with_ad({}, body);
  if (!plaintext) {
    m_failed = true;
    return transport_error();
  }
  v1::Frame frame;
  const bool parsed = frame.ParseFromArray(plaintext->data(), static_cast<int>(plaintext->size()));
  sodium_memzero(plaintext->data(), plaintext->size());
  if (!parsed) {
    m_failed = true;
    return transport_error();
  }
  return frame;
}

}  // namespace pairspace::peer
