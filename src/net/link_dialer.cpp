// Outbound connections: the session dialler (KK initiator, redialled with jittered
// exponential backoff) and `pair join` (the joiner's side of pairing).
#include <utility>  // before Boost 1.74 awaitable.hpp, which forgets it
#include <sodium.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "net/endpoint.hpp"
#include "net/link_state.hpp"
#include "peer/pairing_joiner.hpp"
#include "peer/session.hpp"

// g++ 12 at -O2 reports a false -Wmismatched-new-delete on some Asio coroutine frames
// (they are allocated and freed by the same awaitable_frame_base operators).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace pairspace::net {

namespace asio = boost::asio;
using asio::redirect_error;
using asio::use_awaitable;
using asio::ip::tcp;

namespace {

constexpr std::uint32_t jitter_steps = 1000;  // factor resolution: 0.5 + k/2000, k in 0..1000

bool has_address(const PartnerLink::State& state) {
  return state.partner && !state.partner->address.empty();
}

asio::awaitable<void> wait_until(PartnerLink::State& state, Clock::time_point when) {
  state.dial_timer.expires_at(when);
  boost::system::error_code ec;
  co_await state.dial_timer.async_wait(redirect_error(use_awaitable, ec));
}

// One attempt: connect, SESSION_INIT, reply, session. True when a session started.
asio::awaitable<bool> dial_once(PartnerLink::State& state) {
  const PinnedPartner partner = *state.partner;
  const std::uint64_t generation = state.partner_generation;
  Result<tcp::endpoint> endpoint = parse_endpoint(partner.address);
  if (!endpoint) {
    log_limited(state.session_log, "net", "the partner's address is not usable: " + partner.address);
    co_return false;
  }
  auto conn = std::make_shared<FramedConn>(tcp::socket(state.io));
  state.track(conn);
  state.dial_conn = conn;
  conn->arm(state.timings.handshake_timeout);
  boost::system::error_code ec;
  co_await conn->socket().async_connect(*endpoint, redirect_error(use_awaitable, ec));
  if (ec || state.closed || state.partner_generation != generation) {
    conn->close();
    co_return false;
  }
  conn->set_no_delay();
  Result<std::uint64_t> timestamp = state.delegate.next_session_ts(now_ms());
  if (!timestamp || state.closed) {
    conn->close();
    co_return false;
  }
  const peer::LocalDevice local = state.delegate.local_device();
  Result<peer::SessionInitiator> initiator =
      peer::SessionInitiator::start({local.dh_secret, partner.dh_public}, *timestamp);
  if (!initiator) {
    conn->close();
    co_return false;
  }
  std::optional<peer::Bytes> reply;
  if (co_await write_frame(*conn, initiator->init_body())) reply = co_await read_frame(*conn);
  if (!reply || state.closed || state.partner_generation != generation) {
    conn->close();
    co_return false;
  }
  Result<peer::Transport> transport = initiator->finish(*reply);
  if (!transport) {
    conn->close();
    log_limited(state.remote_log, "net", "the partner's session reply did not verify");
    co_return false;
  }
  conn->disarm();
  peer::SignPublic own{};
  if (local.sign_public.size() != own.size()) {
    conn->close();
    co_return false;
  }
  std::copy(local.sign_public.begin(), local.sign_public.end(), own.begin());
  start_session(state, conn, std::move(*transport), own);
  co_return state.session != nullptr;
}

asio::awaitable<void> dial_loop(std::shared_ptr<PartnerLink::State> state) {
  while (!state->closed && has_address(*state)) {
    if (state->session) {
      co_await wait_until(*state, Clock::time_point::max());
      continue;
    }
    if (Clock::now() < state->dial_at) {
      co_await wait_until(*state, state->dial_at);
      continue;
    }
    const std::uint64_t generation = state->partner_generation;
    const bool up = co_await dial_once(*state);
    if (state->closed) break;
    if (!up && !state->session && generation == state->partner_generation) {
      schedule_redial(*state, state->backoff);
    }
  }
  state->dialer_running = false;
}

Error unreachable_error(const std::string& address) {
  return make_error(v1::CODE_UNREACHABLE, "Could not reach your partner's device at " + address +
                                              ". Check the address and that their daemon is running.");
}

Error closed_early_error(const std::string& address) {
  return make_error(v1::CODE_UNREACHABLE,
                    "Your partner's device at " + address +
                        " closed the connection before pairing finished, so nothing was paired. "
                        "If it is already paired, it has to forget that partner first; otherwise "
                        "ask for a fresh code and try again.");
}

}  // namespace

std::uint64_t now_ms() {
  const auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count());
}

std::chrono::milliseconds jittered(std::chrono::milliseconds wait) {
  const auto k = static_cast<std::int64_t>(randombytes_uniform(jitter_steps + 1));
  return std::chrono::milliseconds(wait.count() / 2 + wait.count() * k / (2 * std::int64_t{jitter_steps}));
}

void schedule_redial(PartnerLink::State& state, std::chrono::milliseconds delay) {
  state.dial_at = Clock::now() + jittered(delay);
  state.backoff = std::min(delay * 2, state.timings.backoff_max);
  wake_dialer(state);
}

void wake_dialer(PartnerLink::State& state) { state.dial_timer.cancel(); }

void ensure_dialer(PartnerLink::State& state) {
  if (state.closed || state.dialer_running || !has_address(state)) return;
  state.dialer_running = true;
  asio::co_spawn(state.io, dial_loop(state.shared_from_this()), asio::detached);
}

asio::awaitable<Result<peer::PairResult>> join_partner(std::shared_ptr<PartnerLink::State> state,
                                                       std::string address, std::string code) {
  Result<tcp::endpoint> endpoint = parse_endpoint(address);
  if (!endpoint) co_return endpoint.error();
  if (state->closed) co_return unreachable_error(address);
  Result<peer::PairingJoiner> started = peer::PairingJoiner::start(state->delegate.local_device(), code);
  sodium_memzero(code.data(), code.size());
  if (!started) co_return started.error();
  peer::PairingJoiner joiner = std::move(*started);

  auto conn = std::make_shared<FramedConn>(tcp::socket(state->io));
  state->track(conn);
  conn->arm(state->timings.handshake_timeout);
  boost::system::error_code ec;
  co_await conn->socket().async_connect(*endpoint, redirect_error(use_awaitable, ec));
  if (ec || state->closed) {
    conn->close();
    co_return unreachable_error(address);
  }
  conn->set_no_delay();
  for (;;) {
    std::vector<peer::Bytes> outgoing = joiner.take_outgoing();
    const bool sent = co_await write_frames(*conn, outgoing);
    if (state->closed) co_return unreachable_error(address);
    if (!sent) {
      conn->close();
      co_return conn->timed_out() ? unreachable_error(address) : closed_early_error(address);
    }
    std::optional<peer::Bytes> body = co_await read_frame(*conn);
    if (state->closed) co_return unreachable_error(address);
    if (!body) {
      conn->close();
      co_return conn->timed_out() ? unreachable_error(address) : closed_early_error(address);
    }
    Status received = joiner.receive(*body);
    if (!received) {
      conn->close();
      co_return received.error();
    }
    if (joiner.is_done()) break;
  }
  if (state->closed) co_return unreachable_error(address);
  peer::PairResult result = *joiner.result();
  Status saved = state->delegate.on_paired(result, address);
  if (!saved) {
    conn->close();
    co_return saved.error();
  }
  std::vector<peer::Bytes> done = joiner.take_outgoing();  // PAIR_DONE
  co_await write_frames(*conn, done);
  conn->close();
  log_line("net", "paired with a partner device");
  co_return result;
}

}  // namespace pairspace::net
