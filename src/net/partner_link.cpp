#include "net/partner_link.hpp"

#include "net/link_state.hpp"

namespace pairspace::net {

namespace asio = boost::asio;

PartnerLink::State::State(asio::io_context& io_context, LinkDelegate& link_delegate,
                          LinkTimings link_timings)
    : io(io_context),
      delegate(link_delegate),
      timings(link_timings),
      dial_timer(io_context),
      backoff(link_timings.backoff_initial) {}

void PartnerLink::State::track(const std::shared_ptr<FramedConn>& conn) {
  handshakes.remove_if([](const std::weak_ptr<FramedConn>& weak) { return weak.expired(); });
  handshakes.push_back(conn);
}

PartnerLink::PartnerLink(asio::io_context& io, LinkDelegate& delegate, LinkTimings timings)
    : m_state(std::make_shared<State>(io, delegate, timings)) {}

PartnerLink::~PartnerLink() { close(); }

void PartnerLink::accept(asio::ip::tcp::socket socket) { accept_inbound(*m_state, std::move(socket)); }

void PartnerLink::set_partner(std::optional<PinnedPartner> partner) {
  State& state = *m_state;
  if (state.closed) return;
  const bool same_keys = partner && state.partner &&
                         partner->sign_public == state.partner->sign_public &&
                         partner->dh_public == state.partner->dh_public;
  const bool same_address = same_keys && partner->address == state.partner->address;
  if (same_address) return;

  ++state.partner_generation;  // handshakes in flight for the old partner or address are dropped
  if (auto dialing = state.dial_conn.lock()) dialing->close();
  state.partner = std::move(partner);
  if (!same_keys && state.session) {
    std::shared_ptr<LinkSession> session = state.session;
    end_session(state, session, "the partner changed");
    if (state.closed) return;
  }
  state.dial_at = Clock::now();
  state.backoff = state.timings.backoff_initial;
  wake_dialer(state);
  ensure_dialer(state);
}

asio::awaitable<Result<peer::PairResult>> PartnerLink::join(std::string address, std::string code) {
  // Not a coroutine itself: the work runs in one that owns the state, so it survives us.
  return join_partner(m_state, std::move(address), std::move(code));
}

Status PartnerLink::send(const v1::Frame& frame) {
  if (m_state->closed || !m_state->session) return not_connected_error();
  return queue_frame(*m_state, m_state->session, frame);
}

std::optional<peer::Bytes> PartnerLink::session_handshake_hash() const {
  if (m_state->closed || !m_state->session) return std::nullopt;
  const peer::ByteView hash = m_state->session->transport.handshake_hash();
  return peer::Bytes(hash.begin(), hash.end());
}

asio::awaitable<Status> PartnerLink::send_last(v1::Frame frame, std::chrono::milliseconds timeout) {
  return send_last_frame(m_state, std::move(frame), timeout);
}

void PartnerLink::drop_session(std::string_view why) {
  if (m_state->closed || !m_state->session) return;
  std::shared_ptr<LinkSession> session = m_state->session;
  end_session(*m_state, session, why);
}

bool PartnerLink::connected() const { return !m_state->closed && m_state->session != nullptr; }

void PartnerLink::close() {
  State& state = *m_state;
  if (state.closed) return;
  state.closed = true;
  state.dial_timer.cancel();
  for (const auto& weak : state.handshakes) {
    if (auto conn = weak.lock()) conn->close();
  }
  state.handshakes.clear();
  for (const auto& weak : state.ending) {
    if (auto session = weak.lock()) session->close();
  }
  state.ending.clear();
  if (state.session) {
    std::shared_ptr<LinkSession> session = std::move(state.session);
    state.session.reset();
    session->close();
  }
}

}  // namespace pairspace::net
