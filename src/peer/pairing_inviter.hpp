#pragma once
// The inviter's side of pairing, sans-IO. The daemon owns the invite: on a PAIR_START it
// checks it is not paired yet (else: close, no byte) and that an invite is active (else:
// send encode_pair_refused(no_active_invite) and close), then calls accept() and burns the
// invite when accept() succeeds (one attempt per code). accept() fails, with nothing to send,
// only for a malformed PAIR_START.
//
//   accept(PAIR_START) -> PAIR_REPLY
//   XX message 1       -> XX message 2
//   XX message 3       -> nothing (wrong code: PAIR_REFUSED(2) queued, then failed)
//   Frame{pair_proof}  -> Frame{pair_proof}; result() is set: store the partner now
//   Frame{pair_done}   -> done
#include <optional>
#include <string_view>
#include <vector>

#include "peer/pairing.hpp"
#include "peer/transport.hpp"

namespace pairspace::peer {

class PairingInviter {
 public:
  // active_code: the invite's code (normalised here). pair_start: the first frame body.
  static Result<PairingInviter> accept(const LocalDevice& self, std::string_view active_code,
                                       ByteView pair_start);

  PairingInviter(PairingInviter&&) noexcept = default;
  PairingInviter& operator=(PairingInviter&&) noexcept = default;

  // One received frame body. On error the machine is failed; take_outgoing() may still hold
  // a PAIR_REFUSED to send before closing.
  Status receive(ByteView body);

  std::vector<Bytes> take_outgoing();

  // Set once the joiner's proof verified (the joiner stores us a moment later). It stays set
  // if only the final PAIR_DONE goes wrong.
  const std::optional<PairResult>& result() const { return m_result; }
  bool is_done() const { return m_state == State::done; }
  bool has_failed() const { return m_state == State::failed; }

 private:
  enum class State { await_msg1, await_msg3, await_proof, await_done, done, failed };

  PairingInviter(detail::OwnIdentity self, noise::HandshakeState handshake);

  Status on_msg1(ByteView body);
  Status on_msg3(ByteView body);
  Status on_proof(ByteView body);
  Status on_done(ByteView body);
  Error fail(Error error);

  State m_state = State::await_msg1;
  detail::OwnIdentity m_self;
  std::optional<noise::HandshakeState> m_handshake;
  noise::PublicKey m_partner_dh{};
  std::optional<Transport> m_transport;
  std::optional<PairResult> m_result;
  std::vector<Bytes> m_outgoing;
};

}  // namespace pairspace::peer
