// Inbound connections: the first frame decides. PAIR_START -> pairing as the inviter;
// SESSION_INIT -> Noise KK responder; anything else -> closed without a byte.
#include <utility>  // before Boost 1.74 awaitable.hpp, which forgets it
#include <sodium.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "net/endpoint.hpp"
#include "net/link_state.hpp"
#include "peer/pairing_inviter.hpp"
#include "peer/session.hpp"
#include "peer/wire.hpp"

// g++ 12 at -O2 reports a false -Wmismatched-new-delete on some Asio coroutine frames
// (they are allocated and freed by the same awaitable_frame_base operators).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace pairspace::net {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

Error pairing_interrupted_error() {
  return make_error(v1::CODE_UNREACHABLE,
                    "A pairing attempt stopped before it finished, so nothing was paired and the "
                    "code can't be used again. Make a fresh one with `pairspace pair invite`.");
}

asio::awaitable<void> run_inviter(PartnerLink::State& state, FramedConn& conn, const peer::Bytes& first) {
  if (state.partner) {  // already paired: silence
    conn.close();
    co_return;
  }
  if (!peer::parse_pair_start(first)) {  // malformed: silence, and the invite stays unused
    conn.close();
    log_limited(state.remote_log, "net", "closed a connection with a malformed pairing request");
    co_return;
  }
  std::optional<std::string> code = state.delegate.take_invite_code();
  if (state.closed) co_return;
  if (!code) {
    const peer::Bytes refusal = peer::encode_pair_refused(peer::RefusalReason::no_active_invite);
    co_await write_frame(conn, refusal);
    conn.close();
    log_limited(state.remote_log, "net", "refused a pairing attempt: no open invite");
    co_return;
  }
  boost::system::error_code ec;
  const tcp::endpoint joiner = conn.socket().remote_endpoint(ec);
  Result<peer::PairingInviter> started =
      peer::PairingInviter::accept(state.delegate.local_device(), *code, first);
  sodium_memzero(code->data(), code->size());
  code.reset();
  if (!started || ec) {
    conn.close();
    if (!state.closed) state.delegate.on_pair_failed(started ? pairing_interrupted_error() : started.error());
    co_return;
  }
  peer::PairingInviter inviter = std::move(*started);
  bool stored = false;
  for (;;) {
    std::vector<peer::Bytes> outgoing = inviter.take_outgoing();
    const bool sent = co_await write_frames(conn, outgoing);
    if (state.closed) co_return;
    if (inviter.is_done() || inviter.has_failed()) break;
    std::optional<peer::Bytes> body;
    if (sent) body = co_await read_frame(conn);
    if (state.closed) co_return;
    if (!body) {
      conn.close();
      if (!stored) {
        log_limited(state.remote_log, "net", "a pairing attempt was interrupted");
        state.delegate.on_pair_failed(pairing_interrupted_error());
      }
      co_return;
    }
    Status received = inviter.receive(*body);
    if (!received) {
      if (stored) break;  // only the final PAIR_DONE went wrong: the pairing stands
      std::vector<peer::Bytes> refusal = inviter.take_outgoing();  // PAIR_REFUSED(2) on a wrong code
      co_await write_frames(conn, refusal);
      conn.close();
      if (state.closed) co_return;
      log_limited(state.remote_log, "net", "a pairing attempt failed");
      state.delegate.on_pair_failed(received.error());
      co_return;
    }
    if (inviter.result() && !stored) {
      const tcp::endpoint partner_endpoint(joiner.address(), inviter.result()->partner_listen_port);
      Status saved = state.delegate.on_paired(*inviter.result(), format_endpoint(partner_endpoint));
      if (state.closed) co_return;
      if (!saved) {
        conn.close();  // our proof is never sent: the joiner stores nothing either
        state.delegate.on_pair_failed(saved.error());
        co_return;
      }
      stored = true;
      log_line("net", "paired with a partner device");
    }
  }
  conn.close();
}

asio::awaitable<void> run_responder(PartnerLink::State& state, const std::shared_ptr<FramedConn>& conn,
                                    const peer::Bytes& first) {
  if (!state.partner) {
    conn->close();
    co_return;
  }
  const PinnedPartner partner = *state.partner;
  const std::uint64_t generation = state.partner_generation;
  Result<std::uint64_t> last = state.delegate.last_accepted_session_ts();
  if (!last) {
    conn->close();
    co_return;
  }
  const peer::LocalDevice local = state.delegate.local_device();
  Result<peer::AcceptedSession> accepted =
      peer::SessionResponder::accept({local.dh_secret, partner.dh_public}, first, *last);
  if (!accepted) {
    conn->close();  // not our partner, or a replay: no byte
    log_limited(state.remote_log, "net", "ignored a session request that was not from the partner");
    co_return;
  }
  if (!state.delegate.set_last_accepted_session_ts(accepted->timestamp_ms)) {
    conn->close();
    co_return;
  }
  const bool sent = co_await write_frame(*conn, accepted->reply);
  if (!sent || state.closed || state.partner_generation != generation) {
    conn->close();
    co_return;
  }
  conn->disarm();
  start_session(state, conn, std::move(accepted->transport), partner.sign_public);
}

asio::awaitable<void> inbound_handshake(PartnerLink::State& state, const std::shared_ptr<FramedConn>& conn) {
  conn->arm(state.timings.handshake_timeout);
  std::optional<peer::Bytes> first = co_await read_frame(*conn);
  if (state.closed) co_return;
  if (!first) {
    conn->close();
    co_return;
  }
  switch (peer::classify_first_frame(*first)) {
    case peer::ConnectionKind::pairing:
      co_await run_inviter(state, *conn, *first);
      break;
    case peer::ConnectionKind::session:
      co_await run_responder(state, conn, *first);
      break;
    case peer::ConnectionKind::unknown:
      conn->close();
      log_limited(state.remote_log, "net", "closed a connection that did not speak pairspace");
      break;
  }
}

asio::awaitable<void> inbound(std::shared_ptr<PartnerLink::State> state, std::shared_ptr<FramedConn> conn) {
  co_await inbound_handshake(*state, conn);
  --state->inbound_handshakes;
}

}  // namespace

void accept_inbound(PartnerLink::State& state, tcp::socket socket) {
  if (state.closed || state.inbound_handshakes >= max_inbound_handshakes) {
    boost::system::error_code ignored;
    socket.close(ignored);
    if (!state.closed) log_limited(state.remote_log, "net", "too many partner handshakes at once; closed one");
    return;
  }
  ++state.inbound_handshakes;
  auto conn = std::make_shared<FramedConn>(std::move(socket));
  state.track(conn);
  asio::co_spawn(state.io, inbound(state.shared_from_this(), std::move(conn)), asio::detached);
}

}  // namespace pairspace::net
