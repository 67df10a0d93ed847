#include "peer/pairing_inviter.hpp"

#include <sodium.h>

#include <utility>

#include "pake/cpace.hpp"
#include "peer/bytes.hpp"
#include "peer/invite_code.hpp"

namespace pairspace::peer {
using detail::as_bytes;

Result<PairingInviter> PairingInviter::accept(const LocalDevice& self,
                                              std::string_view active_code,
                                              ByteView pair_start) {
  Result<PairStart> start = parse_pair_start(pair_start);
  if (!start) return start.error();
  if (start->version != protocol_version) {
    return make_error(v1::CODE_REFUSED,
                      "Your partner's device speaks a different version of pairspace, so "
                      "nothing was paired. Update both devices and try again.");
  }
  Result<std::string> code = normalise_invite_code(active_code);
  if (!code) return code.error();
  crypto::SecureBytes prs(as_bytes(*code));
  sodium_memzero(code->data(), code->size());

  Result<detail::OwnIdentity> own = detail::copy_identity(self);
  if (!own) return own.error();

  Result<pake::Cpace> cpace = pake::Cpace::start(
      pake::CpaceRole::responder, {prs.span(), as_bytes(pair_label), start->sid},
      as_bytes(inviter_ad));
  if (!cpace) return cpace.error();
  CpaceShare yb{};
  std::copy(cpace->share().begin(), cpace->share().end(), yb.begin());
  Result<crypto::SecureBytes> isk = cpace->finish(start->ya, as_bytes(joiner_ad));
  if (!isk) return garbled_pairing_error();
  Result<crypto::SecureBytes> psk = detail::derive_psk(*isk);
  if (!psk) return psk.error();

  Result<noise::HandshakeState> handshake = detail::start_pair_handshake(
      false, *own, detail::pair_prologue(start->sid, start->ya, yb), std::move(*psk));
  if (!handshake) return handshake.error();

  PairingInviter inviter(std::move(*own), std::move(*handshake));
  inviter.m_outgoing.push_back(encode_pair_reply(yb));
  return inviter;
}

PairingInviter::PairingInviter(detail::OwnIdentity self, noise::HandshakeState handshake)
    : m_self(std::move(self)), m_handshake(std::move(handshake)) {}

Status PairingInviter::receive(ByteView body) {
  switch (m_state) {
    case State::await_msg1:
      return on_msg1(body);
    case State::await_msg3:
      return on_msg3(body);
    case State::await_proof:
      return on_proof(body);
    case State::await_done:
      return on_done(body);
    case State::done:
    case State::failed:
      break;
  }
  // Nothing more is expected: refuse without touching the result or the queue.
  return garbled_pairing_error();
}

std::vector<Bytes> PairingInviter::take_outgoing() { return std::exchange(m_outgoing, {}); }

Error PairingInviter::fail(Error error) {
  m_state = State::failed;
  m_outgoing.clear();
  m_handshake.reset();
  m_transport.reset();
  m_result.reset();
  return error;
}

Status PairingInviter::on_msg1(ByteView body) {
  Result<Bytes> payload = m_handshake->read_message(body);
  if (!payload || !payload->empty()) return fail(garbled_pairing_error());
  Result<Bytes> msg2 = m_handshake->write_message({});
  if (!msg2) return fail(msg2.error());
  m_outgoing.push_back(std::move(*msg2));
  m_state = State::await_msg3;
  return ok_status();
}

Status PairingInviter::on_msg3(ByteView body) {
  Result<Bytes> payload = m_handshake->read_message(body);
  if (!payload) {
    // The psk (from the code) is mixed in last: a wrong code shows up here. Tell the joiner
    // in the clear, then close; nothing is stored.
    Error error = fail(wrong_code_error_inviter());
    m_outgoing.push_back(encode_pair_refused(RefusalReason::code_mismatch));
    return error;
  }
  if (!payload->empty() || !m_handshake->remote_static()) return fail(garbled_pairing_error());
  m_partner_dh = *m_handshake->remote_static();
  Bytes h = m_handshake->handshake_hash();
  Result<noise::TransportCiphers> ciphers = m_handshake->split();
  if (!ciphers) return fail(ciphers.error());
  m_transport.emplace(std::move(*ciphers), std::move(h));
  m_handshake.reset();
  m_state = State::await_proof;
  return ok_status();
}

Status PairingInviter::on_proof(ByteView body) {
  Result<v1::Frame> frame = m_transport->decrypt(body);
  if (!frame) return fail(garbled_pairing_error());
  Result<PairResult> result =
      detail::verify_pair_proof(*frame, m_transport->handshake_hash(), m_partner_dh, m_self);
  if (!result) return fail(result.error());

  Result<v1::Frame> proof = detail::make_pair_proof(m_self, m_transport->handshake_hash());
  if (!proof) return fail(proof.error());
  Result<Bytes> proof_body = m_transport->encrypt(*proof);
  if (!proof_body) return fail(proof_body.error());
  m_outgoing.push_back(std::move(*proof_body));
  m_result = std::move(*result);
  m_state = State::await_done;
  return ok_status();
}

Status PairingInviter::on_done(ByteView body) {
  Result<v1::Frame> frame = m_transport->decrypt(body);
  if (!frame || !frame->has_pair_done()) {
    // The partner is already verified and stored by now (result() stays set): a missing
    // or garbled PAIR_DONE only ends the connection.
    m_state = State::failed;
    m_transport.reset();
    return garbled_pairing_error();
  }
  m_state = State::done;
  return ok_status();
}

}  // namespace pairspace::peer
