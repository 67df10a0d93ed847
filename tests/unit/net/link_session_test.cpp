// Partner sessions between two links over loopback, and raw peers that misbehave.
#include <gtest/gtest.h>

#include <functional>

#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "link_test_support.hpp"
#include "net/framed_conn.hpp"
#include "net/partner_link.hpp"

namespace pairspace::net {
namespace {

using namespace test;
using asio::ip::tcp;

bool connected_both(Node& a, Node& b) { return a.link->connected() && b.link->connected(); }

bool same_session(Node& a, Node& b) {
  auto ha = a.link->session_handshake_hash();
  auto hb = b.link->session_handshake_hash();
  return ha && hb && *ha == *hb;
}

void pin_each_other(Node& a, Node& b, bool a_dials = true, bool b_dials = true) {
  a.link->set_partner(b.delegate.pinned(a_dials));
  b.link->set_partner(a.delegate.pinned(b_dials));
}

v1::Frame unpair_frame(const std::string& signature) {
  v1::Frame frame;
  frame.mutable_unpair()->set_signature(signature);
  return frame;
}

std::uint64_t now_for_test() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

// Acts as `as` towards `to` with a raw socket: KK handshake, then `frames` encrypted, with
// the last one's byte `flip_at` flipped when set; then reads until the other side closes.
asio::awaitable<void> raw_session(asio::io_context& io, FakeDelegate& as, FakeDelegate& to,
                                  std::vector<v1::Frame> frames, std::optional<std::size_t> flip_at,
                                  RawOutcome& out) {
  auto conn = std::make_shared<FramedConn>(tcp::socket(io));
  conn->arm(std::chrono::milliseconds(3000));
  boost::system::error_code ec;
  co_await conn->socket().async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), to.port),
                                        asio::redirect_error(asio::use_awaitable, ec));
  out.connected = !ec;
  auto initiator = peer::SessionInitiator::start({as.keys.dh_secret.span(), to.keys.dh_public},
                                                 as.next_session_ts(now_for_test()).value());
  std::optional<peer::Bytes> reply;
  if (!ec && co_await write_frame(*conn, initiator->init_body())) reply = co_await read_frame(*conn);
  if (reply) {
    Result<peer::Transport> transport = initiator->finish(*reply);
    out.handshake_ok = transport.ok();
    std::vector<peer::Bytes> bodies;
    for (const v1::Frame& frame : frames) bodies.push_back(transport->encrypt(frame).value());
    if (flip_at && !bodies.empty()) bodies.back()[*flip_at] ^= 0x01;
    if (co_await write_frames(*conn, bodies)) co_await read_to_end(*conn, out);
  }
  conn->close();
  out.finished = true;
}

class PartnerLinkSession : public ::testing::Test {
 protected:
  asio::io_context io;
};

TEST_F(PartnerLinkSession, ComesUpAndCarriesFramesBothWays) {
  Node a(io, "a");
  Node b(io, "b");
  pin_each_other(a, b);
  ASSERT_TRUE(run_until(io, [&] { return connected_both(a, b) && same_session(a, b); }));

  ASSERT_TRUE(a.link->send(unpair_frame("from a")));
  ASSERT_TRUE(b.link->send(unpair_frame("from b")));
  ASSERT_TRUE(run_until(io, [&] { return !a.delegate.frames.empty() && !b.delegate.frames.empty(); }));
  EXPECT_EQ(b.delegate.frames.back().unpair().signature(), "from a");
  EXPECT_EQ(a.delegate.frames.back().unpair().signature(), "from b");
  // on_frame gets the live session's handshake hash, the same on both sides.
  EXPECT_EQ(b.delegate.frame_hashes.back(), *b.link->session_handshake_hash());
  EXPECT_EQ(a.delegate.frame_hashes.back(), *a.link->session_handshake_hash());
  EXPECT_EQ(b.link->session_handshake_hash()->size(), 64u);
  EXPECT_EQ(a.delegate.ups - a.delegate.downs, 1);
  EXPECT_EQ(b.delegate.ups - b.delegate.downs, 1);
}

TEST_F(PartnerLinkSession, BothDiallingAtOnceSettleOnOneSession) {
  Node a(io, "a");
  Node b(io, "b");
  pin_each_other(a, b);  // both dial at once
  ASSERT_TRUE(run_until(io, [&] { return connected_both(a, b) && same_session(a, b); }));
  run_for(io, 300ms);  // nothing flaps afterwards
  EXPECT_TRUE(connected_both(a, b));
  EXPECT_TRUE(same_session(a, b));
  EXPECT_EQ(a.delegate.ups - a.delegate.downs, 1);
  EXPECT_EQ(b.delegate.ups - b.delegate.downs, 1);
  ASSERT_TRUE(a.link->send(unpair_frame("still here")));
  ASSERT_TRUE(run_until(io, [&] { return !b.delegate.frames.empty(); }));
}

TEST_F(PartnerLinkSession, SendLastWaitsUntilThePartnerHasReadItAndClosed) {
  Node a(io, "a");
  Node b(io, "b");
  std::optional<Status> early;
  const v1::Frame frame = unpair_frame("x");
  spawn_into(io, a.link->send_last(frame, 200ms), early);
  ASSERT_TRUE(run_until(io, [&] { return early.has_value(); }));
  EXPECT_EQ(early->error().code, v1::CODE_UNREACHABLE);
  EXPECT_EQ(a.link->send(frame).error().code, v1::CODE_UNREACHABLE);

  pin_each_other(a, b);
  ASSERT_TRUE(run_until(io, [&] { return connected_both(a, b) && same_session(a, b); }));
  const int b_downs = b.delegate.downs;
  std::optional<Status> last;
  spawn_into(io, a.link->send_last(frame, 5000ms), last);
  // b reads the frame, then the end of the stream, and closes; only then is a done.
  ASSERT_TRUE(run_until(io, [&] { return last.has_value(); }));
  EXPECT_TRUE(*last) << last->error().message;
  ASSERT_EQ(b.delegate.frames.size(), 1U);
  EXPECT_EQ(b.delegate.frames[0].unpair().signature(), "x");
  EXPECT_EQ(b.delegate.downs, b_downs + 1);
}

// Two devices each on their own io_context, so one can act while the other stands still.
bool run_both_until(asio::io_context& one, asio::io_context& two, const std::function<bool()>& done,
                    std::chrono::milliseconds limit = 3000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    one.run_for(2ms);
    two.run_for(2ms);
  }
  return true;
}

// The race behind a forget that was not heard: a sends its unpair on the session b has just
// replaced with a newer one. b lets the old session end gracefully, so the unpair still
// arrives (a plain close would reset the connection and drop it unread).
TEST_F(PartnerLinkSession, AnUnpairOnASessionThePartnerJustReplacedStillArrives) {
  asio::io_context io_b;
  Node a(io, "a");
  Node b(io_b, "b");
  a.link->set_partner(b.delegate.pinned(true));  // only a dials
  b.link->set_partner(a.delegate.pinned(false));
  ASSERT_TRUE(run_both_until(io, io_b, [&] { return connected_both(a, b) && same_session(a, b); }));

  // A second session from a's keys reaches b while a's own io stands still: b replaces the
  // first, and a does not know yet.
  RawOutcome newer;
  asio::co_spawn(io_b, raw_session(io_b, a.delegate, b.delegate, {}, std::nullopt, newer),
                 asio::detached);
  ASSERT_TRUE(run_until(io_b, [&] { return b.delegate.ups == 2; }));
  ASSERT_TRUE(a.link->connected());

  std::optional<Status> last;
  spawn_into(io, a.link->send_last(unpair_frame("bye"), 3000ms), last);
  run_for(io, 20ms);  // a writes it; b stands still
  EXPECT_FALSE(a.link->send(unpair_frame("behind it")).ok());  // nothing goes after the last
  // a's last frame went out after b had shut the old session, yet b reads it there.
  EXPECT_TRUE(run_both_until(io, io_b, [&] { return last.has_value(); }));
  EXPECT_TRUE(run_both_until(io, io_b, [&] { return !b.delegate.frames.empty(); }));
  ASSERT_EQ(b.delegate.frames.size(), 1U);
  EXPECT_EQ(b.delegate.frames[0].unpair().signature(), "bye");
  ASSERT_TRUE(last.has_value());
  EXPECT_TRUE(*last) << last->error().message;
}

TEST_F(PartnerLinkSession, StrangerGetsNoByteAndEof) {
  Node b(io, "b");
  FakeDelegate partner("partner");
  FakeDelegate stranger("stranger");
  b.link->set_partner(partner.pinned(false));
  RawOutcome out;
  asio::co_spawn(io, raw_session(io, stranger, b.delegate, {}, std::nullopt, out), asio::detached);
  ASSERT_TRUE(run_until(io, [&] { return out.finished; }));
  EXPECT_TRUE(out.connected);
  EXPECT_FALSE(out.handshake_ok);
  EXPECT_EQ(out.bytes, 0u);
  EXPECT_EQ(b.delegate.ups, 0);
  EXPECT_EQ(b.delegate.last_accepted, 0u);
}

TEST_F(PartnerLinkSession, UnpairedDeviceAndUnknownFramesGetNoByte) {
  Node b(io, "b");
  RawOutcome session_out;
  RawOutcome junk_out;
  FakeDelegate a("a");
  asio::co_spawn(io, raw_session(io, a, b.delegate, {}, std::nullopt, session_out), asio::detached);
  asio::co_spawn(io, send_and_watch(io, b.address(), {peer::Bytes{0x42, 1, 2, 3}}, junk_out), asio::detached);
  ASSERT_TRUE(run_until(io, [&] { return session_out.finished && junk_out.finished; }));
  EXPECT_TRUE(session_out.connected);
  EXPECT_EQ(session_out.bytes, 0u);
  EXPECT_TRUE(junk_out.connected);
  EXPECT_TRUE(junk_out.eof);
  EXPECT_EQ(junk_out.bytes, 0u);
}

TEST_F(PartnerLinkSession, ReplayedTimestampGetsNoByte) {
  Node b(io, "b");
  FakeDelegate a("a");
  b.link->set_partner(a.pinned(false));
  b.delegate.last_accepted = UINT64_MAX - 1;  // anything a sends now is "old"
  a.last_sent = 0;
  RawOutcome out;
  asio::co_spawn(io, raw_session(io, a, b.delegate, {}, std::nullopt, out), asio::detached);
  ASSERT_TRUE(run_until(io, [&] { return out.finished; }));
  EXPECT_EQ(out.bytes, 0u);
  EXPECT_EQ(b.delegate.ups, 0);
}

TEST_F(PartnerLinkSession, FlippedByteDropsTheConnection) {
  Node b(io, "b");
  FakeDelegate a("a");
  b.link->set_partner(a.pinned(false));  // accept only: b never dials back
  RawOutcome out;
  std::vector<v1::Frame> frames{unpair_frame("first"), unpair_frame("second")};
  asio::co_spawn(io, raw_session(io, a, b.delegate, frames, 5, out), asio::detached);
  ASSERT_TRUE(run_until(io, [&] { return out.finished; }));
  EXPECT_TRUE(out.handshake_ok);
  EXPECT_TRUE(out.eof);
  ASSERT_EQ(b.delegate.frames.size(), 1u);  // the intact one arrived, the flipped one did not
  EXPECT_EQ(b.delegate.frames[0].unpair().signature(), "first");
  EXPECT_EQ(b.delegate.ups, 1);
  EXPECT_EQ(b.delegate.downs, 1);
  EXPECT_FALSE(b.link->connected());
}

TEST_F(PartnerLinkSession, ReconnectsWithinTheBackoffAfterThePartnerRestarts) {
  LinkTimings timings = fast_timings();
  timings.backoff_initial = 200ms;
  Node a(io, "a", timings);
  Node b(io, "b", timings);
  a.link->set_partner(b.delegate.pinned(true));
  b.link->set_partner(a.delegate.pinned(true));
  ASSERT_TRUE(run_until(io, [&] { return connected_both(a, b) && same_session(a, b); }));
  const int b_ups = b.delegate.ups;

  a.restart_link();  // the old session dies with it; the new link only accepts
  a.link->set_partner(b.delegate.pinned(false));
  ASSERT_TRUE(run_until(io, [&] { return !b.link->connected(); }));
  const auto down_at = std::chrono::steady_clock::now();
  // b redials after the initial backoff with jitter in [0.5, 1.0]: well within 1 s.
  ASSERT_TRUE(run_until(io, [&] { return connected_both(a, b) && same_session(a, b); }, 2000ms));
  const auto took = std::chrono::steady_clock::now() - down_at;
  EXPECT_LT(took, 1000ms);
  EXPECT_GE(took, 90ms);  // not before half the initial backoff (less a tick)
  EXPECT_EQ(b.delegate.ups, b_ups + 1);
  ASSERT_TRUE(b.link->send(unpair_frame("again")));
  ASSERT_TRUE(run_until(io, [&] { return !a.delegate.frames.empty(); }));
}

TEST_F(PartnerLinkSession, KeepalivesHoldAnIdleSession) {
  LinkTimings timings = fast_timings();
  timings.keepalive = 60ms;
  timings.idle_timeout = 250ms;
  Node a(io, "a", timings);
  Node b(io, "b", timings);
  pin_each_other(a, b);
  ASSERT_TRUE(run_until(io, [&] { return connected_both(a, b) && same_session(a, b); }));
  const int a_ups = a.delegate.ups;
  run_for(io, 1000ms);  // four idle timeouts, no traffic but keepalives
  EXPECT_TRUE(connected_both(a, b));
  EXPECT_EQ(a.delegate.ups, a_ups);
  EXPECT_EQ(a.delegate.downs, a_ups - 1);
  EXPECT_TRUE(a.delegate.frames.empty());  // keepalives are not delivered
  EXPECT_TRUE(b.delegate.frames.empty());
}

TEST_F(PartnerLinkSession, SilentPartnerIsDroppedAfterTheIdleTimeout) {
  LinkTimings quiet = fast_timings();
  quiet.keepalive = 10'000ms;  // a never sends keepalives in this test
  LinkTimings strict = fast_timings();
  strict.idle_timeout = 200ms;
  Node a(io, "a", quiet);
  Node b(io, "b", strict);
  a.link->set_partner(b.delegate.pinned(true));
  b.link->set_partner(a.delegate.pinned(false));
  ASSERT_TRUE(run_until(io, [&] { return connected_both(a, b); }));
  const auto up_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until(io, [&] { return b.delegate.downs >= 1; }, 2000ms));
  EXPECT_GE(std::chrono::steady_clock::now() - up_at, 150ms);
}

TEST_F(PartnerLinkSession, ForgettingThePartnerClosesTheSessionAndStopsDialling) {
  Node a(io, "a");
  Node b(io, "b");
  pin_each_other(a, b);
  ASSERT_TRUE(run_until(io, [&] { return connected_both(a, b); }));
  a.link->set_partner(std::nullopt);
  EXPECT_FALSE(a.link->connected());
  EXPECT_EQ(a.delegate.ups, a.delegate.downs);
  run_for(io, 500ms);  // b keeps redialling; a answers nothing
  EXPECT_FALSE(a.link->connected());
  EXPECT_FALSE(b.link->connected());
}

TEST_F(PartnerLinkSession, CloseEndsEverythingWithoutDelegateCalls) {
  Node a(io, "a");
  Node b(io, "b");
  pin_each_other(a, b);
  ASSERT_TRUE(run_until(io, [&] { return connected_both(a, b); }));
  a.link->close();
  a.link->close();
  a.delegate.link_closed = true;
  EXPECT_FALSE(a.link->connected());
  EXPECT_EQ(a.link->send(unpair_frame("x")).error().code, v1::CODE_UNREACHABLE);
  ASSERT_TRUE(run_until(io, [&] { return !b.link->connected(); }));
  run_for(io, 300ms);
  EXPECT_EQ(a.delegate.calls_after_close, 0);
}

TEST_F(PartnerLinkSession, ExtraUnauthenticatedConnectionsAreClosed) {
  LinkTimings timings = fast_timings();
  timings.handshake_timeout = 3000ms;
  Node b(io, "b", timings);
  std::vector<std::unique_ptr<RawOutcome>> outs;
  for (int i = 0; i < 20; ++i) {
    outs.push_back(std::make_unique<RawOutcome>());
    // Sends nothing, so each holds a handshake slot until the deadline.
    asio::co_spawn(io, send_and_watch(io, b.address(), {}, *outs.back()), asio::detached);
  }
  auto finished = [&] {
    int n = 0;
    for (auto& out : outs) n += out->finished ? 1 : 0;
    return n;
  };
  ASSERT_TRUE(run_until(io, [&] { return finished() >= 4; }, 1500ms));
  run_for(io, 200ms);
  EXPECT_EQ(finished(), 4);  // 20 - 16 closed at once, silently; the rest wait for the deadline
  for (auto& out : outs) {
    if (out->finished) {
      EXPECT_EQ(out->bytes, 0u);
    }
  }
}

}  // namespace
}  // namespace pairspace::net
