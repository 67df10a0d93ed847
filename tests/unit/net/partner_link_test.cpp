// PartnerLink pairing: `pair join` against a real inviter link over loopback.
#include "net/partner_link.hpp"

#include <gtest/gtest.h>

#include "link_test_support.hpp"
#include "peer/invite_code.hpp"
#include "peer/wire.hpp"

namespace pairspace::net {
namespace {

using namespace test;

class PartnerLinkPairing : public ::testing::Test {
 protected:
  asio::io_context io;
  Node inviter{io, "Ana's laptop"};
  Node joiner{io, "Ben's phone"};

  Result<peer::PairResult> join(const std::string& address, const std::string& code) {
    std::optional<Result<peer::PairResult>> out;
    spawn_into(io, joiner.link->join(address, code), out);
    EXPECT_TRUE(run_until(io, [&] { return out.has_value(); }));
    if (!out) return make_error(v1::CODE_STORE, "test: join did not finish");
    return std::move(*out);
  }
};

TEST_F(PartnerLinkPairing, JoinPairsBothSidesWithTheSameSafetyNumber) {
  const std::string code = peer::generate_invite_code();
  inviter.delegate.invite = code;
  Result<peer::PairResult> result = join(inviter.address(), code);
  ASSERT_TRUE(result) << result.error().message;
  ASSERT_TRUE(run_until(io, [&] { return !inviter.delegate.paired.empty(); }));

  ASSERT_EQ(joiner.delegate.paired.size(), 1u);
  ASSERT_EQ(inviter.delegate.paired.size(), 1u);
  const peer::PairResult& at_joiner = joiner.delegate.paired[0];
  const peer::PairResult& at_inviter = inviter.delegate.paired[0];
  EXPECT_EQ(at_joiner.safety_number, at_inviter.safety_number);
  EXPECT_FALSE(at_joiner.safety_number.empty());
  EXPECT_EQ(result->safety_number, at_joiner.safety_number);
  EXPECT_EQ(at_joiner.partner_sign_public, inviter.delegate.keys.sign_public);
  EXPECT_EQ(at_joiner.partner_dh_public, inviter.delegate.keys.dh_public);
  EXPECT_EQ(at_inviter.partner_sign_public, joiner.delegate.keys.sign_public);
  EXPECT_EQ(at_inviter.partner_dh_public, joiner.delegate.keys.dh_public);
  EXPECT_EQ(at_joiner.partner_name, "Ana's laptop");
  EXPECT_EQ(at_inviter.partner_name, "Ben's phone");
  // The joiner stores the address it dialled; the inviter the joiner's IP and listen port.
  EXPECT_EQ(joiner.delegate.paired_addresses[0], inviter.address());
  EXPECT_EQ(inviter.delegate.paired_addresses[0], joiner.address());
  EXPECT_TRUE(inviter.delegate.pair_failures.empty());
  EXPECT_FALSE(inviter.delegate.invite.has_value());
}

TEST_F(PartnerLinkPairing, WrongCodeFailsBothSidesAndBurnsTheInvite) {
  inviter.delegate.invite = "7-amber-lantern-sparrow";
  Result<peer::PairResult> result = join(inviter.address(), "8-amber-lantern-sparrow");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, v1::CODE_REFUSED);
  EXPECT_EQ(result.error().message, peer::wrong_code_error().message);
  ASSERT_TRUE(run_until(io, [&] { return !inviter.delegate.pair_failures.empty(); }));
  EXPECT_EQ(inviter.delegate.pair_failures[0].message, peer::wrong_code_error_inviter().message);
  EXPECT_TRUE(inviter.delegate.paired.empty());
  EXPECT_TRUE(joiner.delegate.paired.empty());

  // Burned: the right code now meets "no open invite".
  Result<peer::PairResult> retry = join(inviter.address(), "7-amber-lantern-sparrow");
  ASSERT_FALSE(retry);
  EXPECT_EQ(retry.error().message, peer::refusal_error(1).message);
  EXPECT_EQ(inviter.delegate.invite_takes, 2);
  EXPECT_EQ(inviter.delegate.pair_failures.size(), 1u);  // no attempt, no failure
}

TEST_F(PartnerLinkPairing, UnreachableAddressSaysSo) {
  const std::string address = joiner.address();
  joiner.listener->close();  // nobody listens there now
  Result<peer::PairResult> result = join(address, "7-amber-lantern-sparrow");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, v1::CODE_UNREACHABLE);
  EXPECT_EQ(result.error().message, "Could not reach your partner's device at " + address +
                                        ". Check the address and that their daemon is running.");
}

TEST_F(PartnerLinkPairing, AlreadyPairedInviterStaysSilent) {
  inviter.delegate.invite = "7-amber-lantern-sparrow";
  FakeDelegate someone("someone");
  inviter.link->set_partner(someone.pinned(false));
  Result<peer::PairResult> result = join(inviter.address(), "7-amber-lantern-sparrow");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, v1::CODE_UNREACHABLE);
  EXPECT_NE(result.error().message.find("closed the connection"), std::string::npos);
  EXPECT_EQ(inviter.delegate.invite_takes, 0);  // the invite was not touched
  EXPECT_TRUE(inviter.delegate.invite.has_value());
}

TEST_F(PartnerLinkPairing, InviterStoreFailureFailsThePairing) {
  inviter.delegate.invite = "7-amber-lantern-sparrow";
  inviter.delegate.fail_on_paired = make_error(v1::CODE_STORE, "disk full");
  Result<peer::PairResult> result = join(inviter.address(), "7-amber-lantern-sparrow");
  ASSERT_FALSE(result);
  EXPECT_TRUE(joiner.delegate.paired.empty());
  ASSERT_TRUE(run_until(io, [&] { return !inviter.delegate.pair_failures.empty(); }));
  EXPECT_EQ(inviter.delegate.pair_failures[0].message, "disk full");
}

TEST_F(PartnerLinkPairing, TimesOutAgainstASilentPeer) {
  // A listener that accepts but never answers: the handshake deadline ends the join.
  LinkTimings timings = fast_timings();
  timings.handshake_timeout = 200ms;
  PartnerLink quick(io, joiner.delegate, timings);
  auto silent = Listener::open(io, asio::ip::tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  ASSERT_TRUE(silent);
  std::vector<asio::ip::tcp::socket> held;
  (*silent)->start([&held](asio::ip::tcp::socket s) { held.push_back(std::move(s)); });
  const std::string address = "127.0.0.1:" + std::to_string((*silent)->local_endpoint().port());
  std::optional<Result<peer::PairResult>> out;
  spawn_into(io, quick.join(address, "7-amber-lantern-sparrow"), out);
  ASSERT_TRUE(run_until(io, [&] { return out.has_value(); }, 3000ms));
  ASSERT_FALSE(*out);
  EXPECT_EQ(out->error().code, v1::CODE_UNREACHABLE);
  EXPECT_NE(out->error().message.find("Could not reach"), std::string::npos);
  quick.close();
  (*silent)->close();
}

TEST_F(PartnerLinkPairing, MalformedPairStartGetsNoByteAndKeepsTheInvite) {
  inviter.delegate.invite = "7-amber-lantern-sparrow";
  RawOutcome out;
  asio::co_spawn(io, send_and_watch(io, inviter.address(), {peer::Bytes{0x01, 0x01, 0x02}}, out),
                 asio::detached);
  ASSERT_TRUE(run_until(io, [&] { return out.finished; }));
  EXPECT_TRUE(out.connected);
  EXPECT_TRUE(out.eof);
  EXPECT_EQ(out.bytes, 0u);
  EXPECT_EQ(inviter.delegate.invite_takes, 0);
  EXPECT_TRUE(inviter.delegate.pair_failures.empty());
}

TEST_F(PartnerLinkPairing, CloseIsIdempotentAndEndsAJoinWithoutDelegateCalls) {
  inviter.delegate.invite = "7-amber-lantern-sparrow";
  std::optional<Result<peer::PairResult>> out;
  spawn_into(io, joiner.link->join(inviter.address(), "7-amber-lantern-sparrow"), out);
  joiner.link->close();
  joiner.link->close();
  joiner.delegate.link_closed = true;
  ASSERT_TRUE(run_until(io, [&] { return out.has_value(); }));
  EXPECT_FALSE(*out);
  EXPECT_EQ(joiner.delegate.calls_after_close, 0);
  EXPECT_FALSE(joiner.link->connected());
  EXPECT_FALSE(joiner.link->session_handshake_hash());
}

}  // namespace
}  // namespace pairspace::net
