#include "daemon/invites.hpp"

// clang-format off: must come first
#include <utility>  // before Boost 1.74 awaitable.hpp, which forgets it
// clang-format on
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>

#include "harness.hpp"
#include "peer/invite_code.hpp"

namespace pairspace::daemon::test {
namespace {

namespace asio = boost::asio;

// Result has no default state, which co_spawn's completion handler would need.
asio::awaitable<void> wait_into(Invites& invites, std::vector<Result<v1::PeerInfo>>& out) {
  out.push_back(co_await invites.wait());
}

class InvitesTest : public ::testing::Test {
 protected:
  // Starts a wait; run_until_done() drives the io_context until it has an outcome.
  void start_wait() {
    m_outcomes.clear();
    asio::co_spawn(m_io, wait_into(m_invites, m_outcomes), asio::detached);
  }
  void run_a_little() {
    m_io.restart();
    m_io.run_for(20ms);
  }
  Result<v1::PeerInfo> run_until_done() {
    const auto deadline = std::chrono::steady_clock::now() + test_bound;
    while (m_outcomes.empty() && std::chrono::steady_clock::now() < deadline) run_a_little();
    if (m_outcomes.empty()) {
      ADD_FAILURE() << "the wait did not finish in time";
      return make_error(v1::CODE_STORE, "timeout");
    }
    return m_outcomes.front();
  }

  asio::io_context m_io;
  Invites m_invites{m_io};
  std::vector<Result<v1::PeerInfo>> m_outcomes;
};

TEST_F(InvitesTest, CreateGivesACanonicalCodeAndExpiry) {
  const auto before = std::chrono::system_clock::now();
  auto invite = m_invites.create(std::chrono::seconds(600));
  auto canonical = peer::normalise_invite_code(invite.code);
  ASSERT_TRUE(canonical.ok());
  EXPECT_EQ(*canonical, invite.code);
  EXPECT_GE(invite.expires_at, before + std::chrono::seconds(600));
  EXPECT_LE(invite.expires_at, std::chrono::system_clock::now() + std::chrono::seconds(600));
}

TEST_F(InvitesTest, TakingTheCodeBurnsIt) {
  auto invite = m_invites.create(std::chrono::seconds(600));
  auto first = m_invites.take_code();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, invite.code);
  EXPECT_FALSE(m_invites.take_code().has_value());
}

TEST_F(InvitesTest, NoInviteNoCodeAndWaitIsNotReady) {
  EXPECT_FALSE(m_invites.take_code().has_value());
  start_wait();
  auto outcome = run_until_done();
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, v1::CODE_NOT_READY);
  EXPECT_NE(outcome.error().message.find("pairspace pair invite"), std::string::npos);
}

TEST_F(InvitesTest, ExpiredInviteGivesNoCodeAndWaitSaysExpired) {
  (void)m_invites.create(std::chrono::seconds(1));
  start_wait();
  const auto begin = std::chrono::steady_clock::now();
  auto outcome = run_until_done();
  EXPECT_GE(std::chrono::steady_clock::now() - begin, 900ms);
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, v1::CODE_REFUSED);
  EXPECT_NE(outcome.error().message.find("expired"), std::string::npos);
  EXPECT_FALSE(m_invites.take_code().has_value());
}

TEST_F(InvitesTest, WrongCodeFailureReachesTheWaiter) {
  (void)m_invites.create(std::chrono::seconds(600));
  start_wait();
  run_a_little();
  EXPECT_TRUE(m_outcomes.empty());
  ASSERT_TRUE(m_invites.take_code().has_value());
  m_invites.fail(make_error(v1::CODE_REFUSED, "mismatch"));
  auto outcome = run_until_done();
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, v1::CODE_REFUSED);
  EXPECT_NE(outcome.error().message.find("didn't match"), std::string::npos);
}

TEST_F(InvitesTest, FailureWithoutAnAttemptIsIgnored) {
  (void)m_invites.create(std::chrono::seconds(600));
  m_invites.fail(make_error(v1::CODE_REFUSED, "a stranger"));
  EXPECT_TRUE(m_invites.take_code().has_value());  // still usable
}

TEST_F(InvitesTest, SuccessReachesEveryWaiter) {
  (void)m_invites.create(std::chrono::seconds(600));
  std::vector<Result<v1::PeerInfo>> outcomes;
  for (int i = 0; i < 2; ++i) {
    asio::co_spawn(m_io, wait_into(m_invites, outcomes), asio::detached);
  }
  run_a_little();
  ASSERT_TRUE(m_invites.take_code().has_value());
  v1::PeerInfo partner;
  partner.set_name("Ben");
  m_invites.succeed(partner);
  const auto deadline = std::chrono::steady_clock::now() + test_bound;
  while (outcomes.size() < 2 && std::chrono::steady_clock::now() < deadline) run_a_little();
  ASSERT_EQ(outcomes.size(), 2u);
  for (const auto& outcome : outcomes) {
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome->name(), "Ben");
  }
}

TEST_F(InvitesTest, ANewInviteEndsTheOldOnesWait) {
  auto old_invite = m_invites.create(std::chrono::seconds(600));
  start_wait();
  run_a_little();
  auto fresh = m_invites.create(std::chrono::seconds(600));
  auto outcome = run_until_done();
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, v1::CODE_REFUSED);
  EXPECT_NE(outcome.error().message.find("newer invite"), std::string::npos);
  auto code = m_invites.take_code();
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, fresh.code);
}

TEST_F(InvitesTest, DropEndsTheWaitWithTheReason) {
  (void)m_invites.create(std::chrono::seconds(600));
  start_wait();
  run_a_little();
  m_invites.drop(make_error(v1::CODE_UNREACHABLE, "stopping"));
  auto outcome = run_until_done();
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().code, v1::CODE_UNREACHABLE);
  EXPECT_FALSE(m_invites.take_code().has_value());
}

}  // namespace
}  // namespace pairspace::daemon::test
