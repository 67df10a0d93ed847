// The live session: read loop, write queue (one write in flight), keepalive and idle deadline,
// and the tie-break between two sessions that came up at once.
#include <utility>  // before Boost 1.74 awaitable.hpp, which forgets it
#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "net/endpoint.hpp"
#include "net/link_state.hpp"

namespace pairspace::net {

namespace asio = boost::asio;
using asio::redirect_error;
using asio::use_awaitable;

LinkSession::LinkSession(std::shared_ptr<FramedConn> c, peer::Transport t,
                         const peer::SignPublic& initiator_key, std::string remote_address)
    : conn(std::move(c)),
      transport(std::move(t)),
      initiator(initiator_key),
      remote(std::move(remote_address)),
      keepalive_timer(conn->socket().get_executor()),
      idle_timer(conn->socket().get_executor()),
      started(Clock::now()),
      last_sent(Clock::now()),
      last_received(Clock::now()) {}

void LinkSession::close() {
  if (closed) return;
  closed = true;
  conn->close();
  keepalive_timer.cancel();
  idle_timer.cancel();
  wake_flush_waiters();
}

void LinkSession::wake_flush_waiters() {
  for (asio::steady_timer* waiter : flush_waiters) waiter->cancel();
}

Error not_connected_error() {
  return make_error(v1::CODE_UNREACHABLE,
                    "Your partner's device is not connected right now; pairspace keeps trying "
                    "and will catch up once it is.");
}

namespace {

// A keepalive carrying this device's clock (docs/protocol.md §5).
v1::Frame clock_keepalive() {
  v1::Frame frame;
  frame.mutable_keepalive()->set_now_ms(static_cast<std::int64_t>(now_ms()));
  return frame;
}

asio::awaitable<void> write_loop(std::shared_ptr<PartnerLink::State> state,
                                 std::shared_ptr<LinkSession> session) {
  boost::system::error_code ec;
  while (!session->closed && !session->queue.empty()) {
    session->write_started = Clock::now();
    // The deque keeps front() in place while more frames are pushed behind it.
    co_await asio::async_write(session->conn->socket(), asio::buffer(session->queue.front()),
                               redirect_error(use_awaitable, ec));
    if (ec || session->closed) break;
    session->queue.pop_front();
  }
  session->writing = false;
  if (ec && !session->closed) {
    end_session(*state, session, "write failed");
  } else if (session->ending && !session->closed) {
    session->conn->shutdown_send();
    session->wake_flush_waiters();
    if (session->partner_finished && state->session != session) session->close();
  }
}

asio::awaitable<void> read_loop(std::shared_ptr<PartnerLink::State> state,
                                std::shared_ptr<LinkSession> session) {
  const char* why = "closed by the partner";
  for (;;) {
    std::optional<peer::Bytes> body = co_await read_frame(*session->conn);
    if (session->closed || state->closed) break;
    if (!body && session->ending) {  // the partner has read all we sent: send_last wakes
      session->partner_finished = true;
      session->wake_flush_waiters();
      // A farewell is its caller's to end; the write loop ends one still writing.
      if (state->session == session || session->writing) co_return;
      break;
    }
    if (!body) break;
    session->last_received = Clock::now();
    Result<v1::Frame> frame = session->transport.decrypt(*body);
    if (!frame) {
      why = "a frame did not decrypt";
      break;
    }
    if (session->ending && !frame->has_unpair()) continue;
    if (frame->has_keepalive()) {
      if (const std::int64_t at = frame->keepalive().now_ms(); at > 0) {
        state->delegate.on_partner_clock(at - static_cast<std::int64_t>(now_ms()));
        if (session->closed || state->closed) break;
      }
      continue;
    }
    // The session stays alive through the call even if the delegate closes the link.
    state->delegate.on_frame(*frame, session->transport.handshake_hash());
    if (session->closed || state->closed) break;
  }
  end_session(*state, session, why);
}

asio::awaitable<void> keepalive_loop(std::shared_ptr<PartnerLink::State> state,
                                     std::shared_ptr<LinkSession> session) {
  const auto every = state->timings.keepalive;
  while (!session->closed && !state->closed && !session->ending) {
    session->keepalive_timer.expires_at(session->last_sent + every);
    boost::system::error_code ec;
    co_await session->keepalive_timer.async_wait(redirect_error(use_awaitable, ec));
    if (session->closed || state->closed || session->ending) break;
    if (Clock::now() < session->last_sent + every) continue;
    if (!queue_frame(*state, session, clock_keepalive())) {
      end_session(*state, session, "a keepalive could not be sent");
      break;
    }
  }
}

// Drops a session that has received nothing for idle_timeout, or whose write has been stuck
// that long (a partner that stopped reading).
asio::awaitable<void> idle_loop(std::shared_ptr<PartnerLink::State> state,
                                std::shared_ptr<LinkSession> session) {
  const auto idle = state->timings.idle_timeout;
  while (!session->closed && !state->closed) {
    auto due = session->last_received + idle;
    if (session->writing) due = std::min(due, session->write_started + idle);
    if (session->ending) due = std::min(due, session->ending_until);
    session->idle_timer.expires_at(due);
    boost::system::error_code ec;
    co_await session->idle_timer.async_wait(redirect_error(use_awaitable, ec));
    if (session->closed || state->closed) break;
    const auto now = Clock::now();
    if (now >= session->last_received + idle) {
      end_session(*state, session, "the partner was silent too long");
      break;
    }
    if (session->writing && now >= session->write_started + idle) {
      end_session(*state, session, "a write was stuck too long");
      break;
    }
    if (session->ending && now >= session->ending_until) {
      end_session(*state, session, "the partner did not close a finished session in time");
      break;
    }
  }
}

std::string remote_of(FramedConn& conn) {
  boost::system::error_code ec;
  const auto endpoint = conn.socket().remote_endpoint(ec);
  return ec ? std::string("unknown") : format_endpoint(endpoint);
}

// Two sessions that come up within this of each other were dialled at once (a handshake
// takes a round trip or two); later, a new session means the partner lost the old one.
constexpr auto dialled_at_once = std::chrono::seconds(3);

// Of two sessions dialled at once, both devices keep the one whose initiator has the
// bytewise smaller sign_public. Otherwise the new one replaces the old: a device dials only
// while it has no session, so the old one is dead on the partner's side (say a middlebox
// forgot the connection and this side was not told) and would only end at the idle timeout.
bool new_one_wins(const LinkSession& live, const LinkSession& fresh, Clock::duration window) {
  if (live.initiator == fresh.initiator) return true;
  if (fresh.started - live.started > window) return true;
  return std::lexicographical_compare(fresh.initiator.begin(), fresh.initiator.end(),
                                      live.initiator.begin(), live.initiator.end());
}

void run_loops(PartnerLink::State& state, const std::shared_ptr<LinkSession>& session) {
  auto self = state.shared_from_this();
  auto executor = session->conn->socket().get_executor();
  asio::co_spawn(executor, read_loop(self, session), asio::detached);
  asio::co_spawn(executor, keepalive_loop(self, session), asio::detached);
  asio::co_spawn(executor, idle_loop(self, session), asio::detached);
}

// A session that lost the tie-break ends gracefully; PartnerLink::close() closes it if
// it has not ended by then.
void retire(PartnerLink::State& state, const std::shared_ptr<LinkSession>& session,
            Clock::duration linger) {
  state.ending.remove_if([](const std::weak_ptr<LinkSession>& weak) { return weak.expired(); });
  state.ending.push_back(session);
  begin_ending(*session, linger);
}

}  // namespace

void begin_ending(LinkSession& session, Clock::duration linger) {
  if (session.closed || session.ending) return;
  session.ending = true;
  session.ending_until = Clock::now() + linger;
  session.keepalive_timer.cancel();
  session.idle_timer.cancel();  // the idle loop now also waits for ending_until
  if (!session.writing) session.conn->shutdown_send();
}

void start_session(PartnerLink::State& state, std::shared_ptr<FramedConn> conn,
                   peer::Transport transport, const peer::SignPublic& initiator) {
  if (state.closed) {
    conn->close();
    return;
  }
  std::string remote = remote_of(*conn);
  auto fresh = std::make_shared<LinkSession>(std::move(conn), std::move(transport), initiator,
                                             std::move(remote));
  if (state.session) {
    const Clock::duration window =
        std::min<Clock::duration>(dialled_at_once, state.timings.handshake_timeout);
    if (!new_one_wins(*state.session, *fresh, window)) {
      log_limited(state.session_log, "net", "closed a second partner session (kept the first)");
      run_loops(state, fresh);  // the partner may have sent on it before it heard of ours
      retire(state, fresh, window);
      return;
    }
    log_limited(state.session_log, "net", "replacing the partner session with a newer one");
    std::shared_ptr<LinkSession> old = std::move(state.session);
    state.session.reset();
    retire(state, old, window);
    state.delegate.on_session_down();
    if (state.closed) {
      fresh->close();
      return;
    }
  }
  state.session = fresh;
  state.backoff = state.timings.backoff_initial;
  wake_dialer(state);  // it goes back to waiting while the session lives

  run_loops(state, fresh);
  log_limited(state.session_log, "net", "partner session up with " + fresh->remote);
  (void)queue_frame(state, fresh, clock_keepalive());  // first: the partner learns our clock
  state.delegate.on_session_up(fresh->remote);
}

void end_session(PartnerLink::State& state, const std::shared_ptr<LinkSession>& session,
                 std::string_view why) {
  const bool was_live = state.session == session;
  session->close();
  if (!was_live) return;
  state.session.reset();
  if (state.closed) return;
  log_limited(state.session_log, "net", "partner session down: " + std::string(why));
  schedule_redial(state, state.timings.backoff_initial);
  state.delegate.on_session_down();
}

Status queue_frame(PartnerLink::State& state, const std::shared_ptr<LinkSession>& session,
                   const v1::Frame& frame) {
  if (session->closed || session->ending) return not_connected_error();
  Result<peer::Bytes> body = session->transport.encrypt(frame);
  if (!body) return body.error();
  Result<peer::Bytes> encoded = peer::encode_frame(*body);
  if (!encoded) return encoded.error();
  session->queue.push_back(std::move(*encoded));
  session->last_sent = Clock::now();
  if (!session->writing) {
    session->writing = true;
    asio::co_spawn(session->conn->socket().get_executor(),
                   write_loop(state.shared_from_this(), session), asio::detached);
  }
  return ok_status();
}

asio::awaitable<Status> send_last_frame(std::shared_ptr<PartnerLink::State> state,
                                        v1::Frame frame, std::chrono::milliseconds timeout) {
  std::shared_ptr<LinkSession> session = state->closed ? nullptr : state->session;
  if (!session) co_return not_connected_error();
  Status queued = queue_frame(*state, session, frame);
  if (!queued) co_return queued;
  const auto deadline = Clock::now() + timeout;
  begin_ending(*session, timeout);
  asio::steady_timer waiter(state->io);
  session->flush_waiters.push_back(&waiter);
  const auto registration = std::prev(session->flush_waiters.end());
  // Written, and the partner's end read after it: the partner has read the frame.
  auto told = [&] { return session->partner_finished && session->queue.empty(); };
  while (!session->closed && !told() && Clock::now() < deadline) {
    waiter.expires_at(deadline);
    boost::system::error_code ec;
    co_await waiter.async_wait(redirect_error(use_awaitable, ec));
  }
  session->flush_waiters.erase(registration);
  if (told()) co_return ok_status();
  co_return make_error(v1::CODE_UNREACHABLE,
                       "The message could not be delivered to your partner's device in time.");
}

}  // namespace pairspace::net
