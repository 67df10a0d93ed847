#pragma once
// PartnerLink's shared state and the internal pieces that work on it (net layer only).
// Everything runs on the io_context's thread. Coroutines hold shared_ptrs to the state and
// their session; close() cancels every timer and closes every socket, and each coroutine
// checks `closed` after every wait, so nothing lingers and no delegate call follows close().
#include <utility>  // before Boost 1.74 awaitable.hpp, which forgets it
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <string>

#include "net/framed_conn.hpp"
#include "net/log.hpp"
#include "net/partner_link.hpp"
#include "peer/transport.hpp"

namespace pairspace::net {

using Clock = std::chrono::steady_clock;

inline constexpr std::size_t max_inbound_handshakes = 16;  // unauthenticated, at once

// One live, authenticated session (Noise KK done).
struct LinkSession {
  LinkSession(std::shared_ptr<FramedConn> c, peer::Transport t, const peer::SignPublic& initiator_key,
              std::string remote_address);

  std::shared_ptr<FramedConn> conn;
  peer::Transport transport;
  peer::SignPublic initiator{};  // sign_public of the side that sent SESSION_INIT
  std::string remote;
  boost::asio::steady_timer keepalive_timer;
  boost::asio::steady_timer idle_timer;
  std::deque<peer::Bytes> queue;  // encoded frames; front() is being written when `writing`
  bool writing = false;
  bool closed = false;
  // Ending gracefully (see begin_ending): nothing more is queued, our side shuts once the
  // queue is written, and the read loop runs on to the partner's end of stream.
  bool ending = false;
  bool partner_finished = false;  // while ending: the partner's end of stream arrived
  Clock::time_point ending_until{};
  Clock::time_point started;
  Clock::time_point last_sent;
  Clock::time_point last_received;
  Clock::time_point write_started;
  std::list<boost::asio::steady_timer*> flush_waiters;  // send_last, woken by close or the end

  void close();
  void wake_flush_waiters();
};

struct PartnerLink::State : std::enable_shared_from_this<PartnerLink::State> {
  State(boost::asio::io_context& io_context, LinkDelegate& link_delegate, LinkTimings link_timings);

  boost::asio::io_context& io;
  LinkDelegate& delegate;
  LinkTimings timings;
  bool closed = false;

  std::optional<PinnedPartner> partner;
  std::uint64_t partner_generation = 0;  // bumped whenever the partner or its address changes
  std::shared_ptr<LinkSession> session;  // the live one, if any
  std::list<std::weak_ptr<LinkSession>> ending;  // sessions that lost a tie-break, still ending

  std::list<std::weak_ptr<FramedConn>> handshakes;  // every connection not yet a session
  std::size_t inbound_handshakes = 0;

  // Dialler.
  boost::asio::steady_timer dial_timer;  // the dialler waits on it; cancel() wakes it
  bool dialer_running = false;
  Clock::time_point dial_at{};
  std::chrono::milliseconds backoff{};
  std::weak_ptr<FramedConn> dial_conn;

  RateLimit remote_log{std::chrono::seconds(10), 5};  // anything a remote peer can trigger
  RateLimit session_log{std::chrono::seconds(10), 5};

  void track(const std::shared_ptr<FramedConn>& conn);
};

// link_session.cpp
// Makes `conn` the live session (or drops it when the live one wins the tie-break).
void start_session(PartnerLink::State& state, std::shared_ptr<FramedConn> conn,
                   peer::Transport transport, const peer::SignPublic& initiator);
// Closes `session`; if it was the live one: on_session_down and a redial after the initial
// backoff (unless the link is closed).
void end_session(PartnerLink::State& state, const std::shared_ptr<LinkSession>& session,
                 std::string_view why);
// Lets `session` end without losing a byte in flight: it queues nothing more, shuts our side
// once what is queued is written, and reads on (delivering only an unpair, the one frame
// that is never sent again) until the partner's end of stream or `linger`. A plain close
// would answer bytes still arriving with a reset, and a reset makes the partner's kernel drop
// what it had not read yet: an unpair sent on a session that lost the tie-break, say.
void begin_ending(LinkSession& session, Clock::duration linger);
Status queue_frame(PartnerLink::State& state, const std::shared_ptr<LinkSession>& session,
                   const v1::Frame& frame);
// Queues `frame` on the live session, shuts our side once it is written and waits, all within
// `timeout`, until the partner closes its side: it has read the frame. The session is left
// for the caller to end.
boost::asio::awaitable<Status> send_last_frame(std::shared_ptr<PartnerLink::State> state,
                                               v1::Frame frame, std::chrono::milliseconds timeout);
Error not_connected_error();

// link_inbound.cpp
void accept_inbound(PartnerLink::State& state, boost::asio::ip::tcp::socket socket);

// link_dialer.cpp
void ensure_dialer(PartnerLink::State& state);
void wake_dialer(PartnerLink::State& state);
// Redial no sooner than `jittered(delay)` from now; later failures double from there.
void schedule_redial(PartnerLink::State& state, std::chrono::milliseconds delay);
std::chrono::milliseconds jittered(std::chrono::milliseconds wait);
boost::asio::awaitable<Result<peer::PairResult>> join_partner(std::shared_ptr<PartnerLink::State> state,
                                                              std::string address, std::string code);

std::uint64_t now_ms();

}  // namespace pairspace::net
