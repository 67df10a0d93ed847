#include "peer/session.hpp"

#include <gtest/gtest.h>

#include "test_devices.hpp"

namespace pairspace::peer {
namespace {

using test::make_device;
using test::TestDevice;

SessionKeys keys_of(const TestDevice& self, const TestDevice& partner) {
  return SessionKeys{self.keys.dh_secret.span(), partner.keys.dh_public};
}

constexpr std::uint64_t t0 = 1'700'000'000'000;  // ms since the epoch

TEST(Session, HandshakeGivesBothSidesMatchingTransports) {
  const auto ana = make_device("a", 1);
  const auto ben = make_device("b", 2);
  Result<SessionInitiator> initiator = SessionInitiator::start(keys_of(ana, ben), t0);
  ASSERT_TRUE(initiator.ok());
  EXPECT_EQ(initiator->init_body().size(), 73u);
  EXPECT_EQ(initiator->init_body()[0], 0x10);
  EXPECT_EQ(classify_first_frame(initiator->init_body()), ConnectionKind::session);

  Result<AcceptedSession> accepted =
      SessionResponder::accept(keys_of(ben, ana), initiator->init_body(), 0);
  ASSERT_TRUE(accepted.ok()) << accepted.error().message;
  EXPECT_EQ(accepted->timestamp_ms, t0);
  EXPECT_EQ(accepted->reply.size(), 48u);

  Result<Transport> at_ana = initiator->finish(accepted->reply);
  ASSERT_TRUE(at_ana.ok());
  Transport& at_ben = accepted->transport;
  ASSERT_EQ(at_ana->handshake_hash().size(), 64u);
  EXPECT_TRUE(std::equal(at_ana->handshake_hash().begin(), at_ana->handshake_hash().end(),
                         at_ben.handshake_hash().begin(), at_ben.handshake_hash().end()));

  for (int i = 0; i < 3; ++i) {
    v1::Frame ping;
    ping.mutable_keepalive();
    Result<Bytes> a_to_b = at_ana->encrypt(ping);
    ASSERT_TRUE(a_to_b.ok());
    Result<v1::Frame> got_b = at_ben.decrypt(*a_to_b);
    ASSERT_TRUE(got_b.ok());
    EXPECT_TRUE(got_b->has_keepalive());

    v1::Frame unpair;
    unpair.mutable_unpair()->set_signature(std::string(64, static_cast<char>(i)));
    Result<Bytes> b_to_a = at_ben.encrypt(unpair);
    ASSERT_TRUE(b_to_a.ok());
    Result<v1::Frame> got_a = at_ana->decrypt(*b_to_a);
    ASSERT_TRUE(got_a.ok());
    EXPECT_EQ(got_a->unpair().signature(), std::string(64, static_cast<char>(i)));
  }
}

TEST(Session, AnotherDevicesInitGetsNoAnswer) {
  const auto ana = make_device("a", 1);
  const auto ben = make_device("b", 2);
  const auto eve = make_device("e", 3);
  // Eve knows Ben's public key and sends a well-formed SESSION_INIT from her own key.
  Result<SessionInitiator> from_eve = SessionInitiator::start(keys_of(eve, ben), t0);
  ASSERT_TRUE(from_eve.ok());
  Result<AcceptedSession> accepted =
      SessionResponder::accept(keys_of(ben, ana), from_eve->init_body(), 0);
  ASSERT_FALSE(accepted.ok());
  EXPECT_EQ(accepted.error().code, v1::CODE_REFUSED);
}

TEST(Session, ReplayedInitIsRefused) {
  const auto ana = make_device("a", 1);
  const auto ben = make_device("b", 2);
  Result<SessionInitiator> initiator = SessionInitiator::start(keys_of(ana, ben), t0);
  ASSERT_TRUE(initiator.ok());
  Result<AcceptedSession> first =
      SessionResponder::accept(keys_of(ben, ana), initiator->init_body(), t0 - 1);
  ASSERT_TRUE(first.ok());
  // The responder persisted t0; the same message again (or an older one) is refused.
  EXPECT_FALSE(SessionResponder::accept(keys_of(ben, ana), initiator->init_body(), t0).ok());
  EXPECT_FALSE(
      SessionResponder::accept(keys_of(ben, ana), initiator->init_body(), t0 + 5000).ok());
  // A fresh init with the same timestamp is refused too; a later one is accepted.
  Result<SessionInitiator> same_time = SessionInitiator::start(keys_of(ana, ben), t0);
  EXPECT_FALSE(SessionResponder::accept(keys_of(ben, ana), same_time->init_body(), t0).ok());
  Result<SessionInitiator> later =
      SessionInitiator::start(keys_of(ana, ben), next_session_timestamp(t0 - 10, t0));
  Result<AcceptedSession> again =
      SessionResponder::accept(keys_of(ben, ana), later->init_body(), t0);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->timestamp_ms, t0 + 1);
}

TEST(Session, NextTimestampNeverGoesBackwards) {
  EXPECT_EQ(next_session_timestamp(1000, 0), 1000u);
  EXPECT_EQ(next_session_timestamp(1000, 999), 1000u);
  EXPECT_EQ(next_session_timestamp(1000, 1000), 1001u);
  EXPECT_EQ(next_session_timestamp(5, 1000), 1001u);
  EXPECT_EQ(next_session_timestamp(0, UINT64_MAX), UINT64_MAX);
}

TEST(Session, AnyChangedByteInTheInitIsRefused) {
  const auto ana = make_device("a", 1);
  const auto ben = make_device("b", 2);
  Result<SessionInitiator> initiator = SessionInitiator::start(keys_of(ana, ben), t0);
  const Bytes init = initiator->init_body();
  for (std::size_t i = 0; i < init.size(); ++i) {
    Bytes changed = init;
    changed[i] ^= 0x20;
    EXPECT_FALSE(SessionResponder::accept(keys_of(ben, ana), changed, 0).ok()) << i;
  }
  EXPECT_FALSE(
      SessionResponder::accept(keys_of(ben, ana), ByteView(init).first(72), 0).ok());
}

TEST(Session, InitiatorRefusesAReplyFromAnImpostor) {
  const auto ana = make_device("a", 1);
  const auto ben = make_device("b", 2);
  const auto eve = make_device("e", 3);
  Result<SessionInitiator> initiator = SessionInitiator::start(keys_of(ana, ben), t0);
  // Eve pretends to be Ben: she can read nothing, but answers as if she pinned Ana.
  Result<SessionInitiator> decoy = SessionInitiator::start(keys_of(ana, eve), t0);
  Result<AcceptedSession> eve_side =
      SessionResponder::accept(keys_of(eve, ana), decoy->init_body(), 0);
  ASSERT_TRUE(eve_side.ok());
  EXPECT_FALSE(initiator->finish(eve_side->reply).ok());
  EXPECT_FALSE(initiator->finish(eve_side->reply).ok());  // once only
}

TEST(Session, RefusesKeysOfTheWrongSize) {
  const auto ana = make_device("a", 1);
  const std::array<std::uint8_t, 31> short_key{};
  EXPECT_EQ(SessionInitiator::start({ana.keys.dh_secret.span(), short_key}, t0).error().code,
            v1::CODE_USAGE);
}

}  // namespace
}  // namespace pairspace::peer
