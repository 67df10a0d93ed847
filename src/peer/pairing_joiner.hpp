#pragma once
// The joiner's side of pairing (`pairspace pair join --peer HOST:PORT CODE`), sans-IO: it
// consumes received frame bodies and queues frame bodies to send. The caller dials, writes
// everything take_outgoing() returns after each call, and closes when done or failed.
//
//   start()            -> PAIR_START
//   PAIR_REPLY         -> Noise XX message 1
//   XX message 2       -> XX message 3, Frame{pair_proof}
//   Frame{pair_proof}  -> Frame{pair_done}; result() is set; done
// A PAIR_REFUSED at any point, a wrong code, a bad proof or anything malformed fails the
// machine with a CODE_REFUSED sentence for the person.
#include <optional>
#include <string_view>
#include <vector>

#include "pake/cpace.hpp"
#include "peer/pairing.hpp"
#include "peer/transport.hpp"

namespace pairspace::peer {

class PairingJoiner {
 public:
  // typed_code as the person typed it (normalised here; CODE_USAGE when it can't be a code).
  // sid: 16 random bytes unless given (tests).
  static Result<PairingJoiner> start(const LocalDevice& self, std::string_view typed_code,
                                     std::optional<PairSid> sid = std::nullopt);

  PairingJoiner(PairingJoiner&&) noexcept = default;
  PairingJoiner& operator=(PairingJoiner&&) noexcept = default;

  // One received frame body. An error leaves the machine failed (nothing more to send).
  Status receive(ByteView body);

  // Frame bodies to send, in order; empties the queue.
  std::vector<Bytes> take_outgoing();

  bool is_done() const { return m_state == State::done; }
  bool has_failed() const { return m_state == State::failed; }
  const std::optional<PairResult>& result() const { return m_result; }

 private:
  enum class State { await_reply, await_msg2, await_proof, done, failed };

  PairingJoiner(detail::OwnIdentity self, pake::Cpace cpace, PairSid sid);

  Status on_reply(ByteView body);
  Status on_msg2(ByteView body);
  Status on_proof(ByteView body);
  Error fail(Error error);

  State m_state = State::await_reply;
  detail::OwnIdentity m_self;
  std::optional<pake::Cpace> m_cpace;
  PairSid m_sid{};
  std::optional<noise::HandshakeState> m_handshake;
  noise::PublicKey m_partner_dh{};  // the inviter's Noise static, from XX message 2
  std::optional<Transport> m_transport;
  std::optional<PairResult> m_result;
  std::vector<Bytes> m_outgoing;
};

}  // namespace pairspace::peer
