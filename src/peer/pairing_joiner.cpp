#include "peer/pairing_joiner.hpp"

#include <sodium.h>

#include <algorithm>
#include <utility>

#include "peer/bytes.hpp"
#include "peer/invite_code.hpp"

namespace pairspace::peer {
using detail::as_bytes;

Result<PairingJoiner> PairingJoiner::start(const LocalDevice& self, std::string_view typed_code,
                                           std::optional<PairSid> sid) {
  Result<std::string> code = normalise_invite_code(typed_code);
  if (!code) return code.error();
  crypto::SecureBytes prs(as_bytes(*code));
  sodium_memzero(code->data(), code->size());

  Result<detail::OwnIdentity> own = detail::copy_identity(self);
  if (!own) return own.error();
  if (!sid) {
    sid.emplace();
    randombytes_buf(sid->data(), sid->size());
  }
  Result<pake::Cpace> cpace = pake::Cpace::start(
      pake::CpaceRole::initiator, {prs.span(), as_bytes(pair_label), *sid}, as_bytes(joiner_ad));
  if (!cpace) return cpace.error();

  PairingJoiner joiner(std::move(*own), std::move(*cpace), *sid);
  PairStart start;
  start.sid = *sid;
  std::copy(joiner.m_cpace->share().begin(), joiner.m_cpace->share().end(), start.ya.begin());
  joiner.m_outgoing.push_back(encode_pair_start(start));
  return joiner;
}

PairingJoiner::PairingJoiner(detail::OwnIdentity self, pake::Cpace cpace, PairSid sid)
    : m_self(std::move(self)), m_cpace(std::move(cpace)), m_sid(sid) {}

Status PairingJoiner::receive(ByteView body) {
  switch (m_state) {
    case State::await_reply:
      return on_reply(body);
    case State::await_msg2:
      return on_msg2(body);
    case State::await_proof:
      return on_proof(body);
    case State::done:
    case State::failed:
      break;
  }
  // Nothing more is expected: refuse without touching the result or the queue.
  return garbled_pairing_error();
}

std::vector<Bytes> PairingJoiner::take_outgoing() { return std::exchange(m_outgoing, {}); }

Error PairingJoiner::fail(Error error) {
  m_state = State::failed;
  m_outgoing.clear();
  m_cpace.reset();
  m_handshake.reset();
  m_transport.reset();
  m_result.reset();
  return error;
}

Status PairingJoiner::on_reply(ByteView body) {
  if (is_pair_refused(body)) return fail(refusal_error(pair_refused_reason(body)));
  Result<CpaceShare> yb = parse_pair_reply(body);
  if (!yb) return fail(yb.error());

  Result<crypto::SecureBytes> isk = m_cpace->finish(*yb, as_bytes(inviter_ad));
  if (!isk) return fail(garbled_pairing_error());
  Result<crypto::SecureBytes> psk = detail::derive_psk(*isk);
  if (!psk) return fail(psk.error());

  CpaceShare ya{};
  std::copy(m_cpace->share().begin(), m_cpace->share().end(), ya.begin());
  m_cpace.reset();
  Result<noise::HandshakeState> handshake = detail::start_pair_handshake(
      true, m_self, detail::pair_prologue(m_sid, ya, *yb), std::move(*psk));
  if (!handshake) return fail(handshake.error());
  m_handshake.emplace(std::move(*handshake));

  Result<Bytes> msg1 = m_handshake->write_message({});
  if (!msg1) return fail(msg1.error());
  m_outgoing.push_back(std::move(*msg1));
  m_state = State::await_msg2;
  return ok_status();
}

Status PairingJoiner::on_msg2(ByteView body) {
  if (is_pair_refused(body)) return fail(refusal_error(pair_refused_reason(body)));
  Result<Bytes> payload = m_handshake->read_message(body);
  if (!payload || !payload->empty()) return fail(garbled_pairing_error());
  if (!m_handshake->remote_static()) return fail(garbled_pairing_error());
  m_partner_dh = *m_handshake->remote_static();
  Result<Bytes> msg3 = m_handshake->write_message({});
  if (!msg3) return fail(msg3.error());

  Bytes h = m_handshake->handshake_hash();
  Result<noise::TransportCiphers> ciphers = m_handshake->split();
  if (!ciphers) return fail(ciphers.error());
  m_transport.emplace(std::move(*ciphers), h);

  Result<v1::Frame> proof = detail::make_pair_proof(m_self, h);
  if (!proof) return fail(proof.error());
  Result<Bytes> proof_body = m_transport->encrypt(*proof);
  if (!proof_body) return fail(proof_body.error());

  m_handshake.reset();
  m_outgoing.push_back(std::move(*msg3));
  m_outgoing.push_back(std::move(*proof_body));
  m_state = State::await_proof;
  return ok_status();
}

Status PairingJoiner::on_proof(ByteView body) {
  // Only the inviter's refusal is 2 bytes long; a transport message is at least 16.
  if (is_pair_refused(body)) return fail(refusal_error(pair_refused_reason(body)));
  Result<v1::Frame> frame = m_transport->decrypt(body);
  if (!frame) return fail(garbled_pairing_error());
  Result<PairResult> result =
      detail::verify_pair_proof(*frame, m_transport->handshake_hash(), m_partner_dh, m_self);
  if (!result) return fail(result.error());

  v1::Frame done;
  done.mutable_pair_done();
  Result<Bytes> done_body = m_transport->encrypt(done);
  if (!done_body) return fail(done_body.error());
  m_outgoing.push_back(std::move(*done_body));
  m_result = std::move(*result);
  m_state = State::done;
  return ok_status();
}

}  // namespace pairspace::peer
