#include "peer/transport.hpp"

#include <gtest/gtest.h>

#include "peer/session.hpp"
#include "test_devices.hpp"

namespace pairspace::peer {
namespace {

using test::make_device;

struct Pair {
  Transport initiator;
  Transport responder;
};

Pair connected_transports() {
  const auto ana = make_device("a", 1);
  const auto ben = make_device("b", 2);
  Result<SessionInitiator> initiator =
      SessionInitiator::start({ana.keys.dh_secret.span(), ben.keys.dh_public}, 1000);
  EXPECT_TRUE(initiator.ok());
  Result<AcceptedSession> accepted = SessionResponder::accept(
      {ben.keys.dh_secret.span(), ana.keys.dh_public}, initiator->init_body(), 0);
  EXPECT_TRUE(accepted.ok());
  Result<Transport> transport = initiator->finish(accepted->reply);
  EXPECT_TRUE(transport.ok());
  return Pair{std::move(*transport), std::move(accepted->transport)};
}

v1::Frame keepalive() {
  v1::Frame frame;
  frame.mutable_keepalive();
  return frame;
}

TEST(Transport, FlippedByteFailsAndTheTransportStaysFailed) {
  Pair pair = connected_transports();
  Result<Bytes> body = pair.initiator.encrypt(keepalive());
  ASSERT_TRUE(body.ok());
  for (std::size_t i = 0; i < body->size(); ++i) {
    Pair fresh = connected_transports();
    Bytes sent = *fresh.initiator.encrypt(keepalive());
    sent[i] ^= 0x01;
    EXPECT_FALSE(fresh.responder.decrypt(sent).ok()) << i;
    EXPECT_TRUE(fresh.responder.has_failed());
  }
  EXPECT_TRUE(pair.responder.decrypt(*body).ok());
}

TEST(Transport, ReplayedFrameFails) {
  Pair pair = connected_transports();
  const Bytes first = *pair.initiator.encrypt(keepalive());
  ASSERT_TRUE(pair.responder.decrypt(first).ok());
  Result<v1::Frame> replay = pair.responder.decrypt(first);
  ASSERT_FALSE(replay.ok());
  EXPECT_EQ(replay.error().code, v1::CODE_REFUSED);
  // Once failed, even the genuine next frame is refused: the caller drops the connection.
  EXPECT_FALSE(pair.responder.decrypt(*pair.initiator.encrypt(keepalive())).ok());
}

TEST(Transport, ReorderedFramesFail) {
  Pair pair = connected_transports();
  const Bytes first = *pair.initiator.encrypt(keepalive());
  const Bytes second = *pair.initiator.encrypt(keepalive());
  EXPECT_FALSE(pair.responder.decrypt(second).ok());
}

TEST(Transport, OwnFramesCannotBeReflected) {
  Pair pair = connected_transports();
  const Bytes mine = *pair.initiator.encrypt(keepalive());
  EXPECT_FALSE(pair.initiator.decrypt(mine).ok());
}

TEST(Transport, GarbageAndEmptyBodiesFail) {
  Pair pair = connected_transports();
  EXPECT_FALSE(pair.responder.decrypt(Bytes{}).ok());
  Pair other = connected_transports();
  EXPECT_FALSE(other.responder.decrypt(Bytes(100, 0x55)).ok());
}

TEST(Transport, RefusesFramesTooLargeForOneBody) {
  Pair pair = connected_transports();
  v1::Frame big;
  big.mutable_pair_proof()->set_name(std::string(max_frame_plaintext_bytes, 'x'));
  Result<Bytes> body = pair.initiator.encrypt(big);
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.error().code, v1::CODE_USAGE);
  // The largest frame that fits goes through and fills a body exactly.
  v1::Frame fits;
  // Overhead: two field tags and two 3-byte length varints.
  fits.mutable_pair_proof()->set_name(std::string(max_frame_plaintext_bytes - 8, 'x'));
  ASSERT_EQ(fits.ByteSizeLong(), max_frame_plaintext_bytes);
  Result<Bytes> full = pair.initiator.encrypt(fits);
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->size(), max_frame_body_bytes);
  EXPECT_TRUE(pair.responder.decrypt(*full).ok());
}

}  // namespace
}  // namespace pairspace::peer
