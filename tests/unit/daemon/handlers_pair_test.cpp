// pair invite / wait / join refusals on one in-memory device (the two-device flows are in
// partner_test.cpp).
#include "handlers_fixture.hpp"
#include "peer/invite_code.hpp"

namespace pairspace::daemon::test {
namespace {

v1::Request invite(std::uint32_t expires_seconds = 0) {
  v1::Request request;
  request.mutable_pair_invite()->set_expires_seconds(expires_seconds);
  return request;
}
v1::Request join(std::string peer, std::string code) {
  v1::Request request;
  request.mutable_pair_join()->set_peer(std::move(peer));
  request.mutable_pair_join()->set_code(std::move(code));
  return request;
}

class PairHandlers : public HandlersTest {
 protected:
  void SetUp() override {
    use_store(store::Store::open_in_memory("Ana", std::chrono::system_clock::now()).value());
  }
};

TEST_F(PairHandlers, InviteGivesACodeTheAddressAndTheExpiry) {
  const auto before = std::chrono::system_clock::now();
  auto response = handle(invite()).response;
  ASSERT_EQ(response.code(), v1::CODE_OK) << response.message();
  const auto& out = response.pair_invite();
  auto canonical = peer::normalise_invite_code(out.code());
  ASSERT_TRUE(canonical.ok());
  EXPECT_EQ(*canonical, out.code());
  ASSERT_EQ(out.addresses_size(), 1);
  EXPECT_EQ(out.addresses(0), "127.0.0.1:1");
  const auto expected = std::chrono::system_clock::to_time_t(before) + 600;
  EXPECT_GE(out.expires_at().seconds(), expected - 1);
  EXPECT_LE(out.expires_at().seconds(), expected + 2);
}

TEST_F(PairHandlers, InviteLifeOutsideOneMinuteTo24HoursIsAUsageError) {
  for (std::uint32_t seconds : {1u, 59u, 24u * 3600u + 1u}) {
    auto response = handle(invite(seconds)).response;
    EXPECT_EQ(response.code(), v1::CODE_USAGE) << seconds;
    EXPECT_NE(response.message().find("24 hours"), std::string::npos);
  }
  EXPECT_EQ(handle(invite(60)).response.code(), v1::CODE_OK);
  EXPECT_EQ(handle(invite(24 * 3600)).response.code(), v1::CODE_OK);
}

TEST_F(PairHandlers, WaitWithoutAnInviteIsNotReady) {
  v1::Request wait;
  wait.mutable_pair_wait();
  auto response = handle(wait).response;
  EXPECT_EQ(response.code(), v1::CODE_NOT_READY);
  EXPECT_NE(response.message().find("pairspace pair invite"), std::string::npos);
}

TEST_F(PairHandlers, JoinChecksThePeerAndTheCodeFirst) {
  auto bad_peer = handle(join("0.0.0.0:47474", "7-amber-lantern-sparrow")).response;
  EXPECT_EQ(bad_peer.code(), v1::CODE_USAGE);
  auto no_port = handle(join("127.0.0.1", "7-amber-lantern-sparrow")).response;
  EXPECT_EQ(no_port.code(), v1::CODE_USAGE);
  auto bad_code = handle(join("127.0.0.1:47474", "not a code")).response;
  EXPECT_EQ(bad_code.code(), v1::CODE_USAGE);
  EXPECT_FALSE(bad_code.message().empty());
}

TEST_F(PairHandlers, LockedDeviceRefusesToPair) {
  TempDir dir;
  const auto home = make_home(dir, "correct horse");
  use_store(store::Store::open(store::HomePaths::of(home)).value());
  EXPECT_EQ(handle(invite()).response.code(), v1::CODE_NOT_READY);
  EXPECT_EQ(handle(join("127.0.0.1:47474", "7-amber-lantern-sparrow")).response.code(),
            v1::CODE_NOT_READY);
}

}  // namespace
}  // namespace pairspace::daemon::test
