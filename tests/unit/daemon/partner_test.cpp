// Two in-process daemons on temporary homes pair over 127.0.0.1, keep a session and unpair.
#include "daemon/partner.hpp"

#include <functional>

#include "harness.hpp"

namespace pairspace::daemon::test {
namespace {

v1::Request invite_request(std::uint32_t expires_seconds = 0) {
  v1::Request request;
  request.mutable_pair_invite()->set_expires_seconds(expires_seconds);
  return request;
}
v1::Request wait_request() {
  v1::Request request;
  request.mutable_pair_wait();
  return request;
}
v1::Request join_request(const std::string& peer, const std::string& code) {
  v1::Request request;
  request.mutable_pair_join()->set_peer(peer);
  request.mutable_pair_join()->set_code(code);
  return request;
}
v1::Request show_request() {
  v1::Request request;
  request.mutable_peer_show();
  return request;
}
v1::Request forget_request() {
  v1::Request request;
  request.mutable_peer_forget();
  return request;
}

// "7-amber-lantern-sparrow" -> "8-amber-lantern-sparrow": valid, but not the invite's.
std::string other_code(const std::string& code) {
  const auto dash = code.find('-');
  const int n = std::stoi(code.substr(0, dash));
  return std::to_string(n % 99 + 1) + code.substr(dash);
}

class Partnership : public ::testing::Test {
 protected:
  Partnership()
      : m_ana_home(make_home(m_ana_dir, std::nullopt, "Ana")),
        m_ben_home(make_home(m_ben_dir, std::nullopt, "Ben")) {
    m_ana.emplace(create_or_abort(options(m_ana_home)));
    m_ben.emplace(create_or_abort(options(m_ben_home)));
  }

  std::string ana_address() { return (*m_ana)->listen_address(); }

  static DaemonOptions options(const fs::path& home) {
    auto opts = test_options(home);
    opts.invite_min_life = std::chrono::seconds(1);
    opts.control_timeouts.idle = 1s;  // shorter than the waits below: it must not cut them
    opts.link_timings.backoff_initial = 100ms;
    opts.link_timings.backoff_max = 500ms;
    return opts;
  }

  std::string invite(std::uint32_t expires_seconds = 0) {
    auto response = must_call(m_ana_home, invite_request(expires_seconds));
    EXPECT_EQ(response.code(), v1::CODE_OK) << response.message();
    return response.pair_invite().code();
  }
  v1::Response join(const std::string& code) {
    return must_call(m_ben_home, join_request(ana_address(), code));
  }
  void pair() {
    auto joined = join(invite());
    ASSERT_EQ(joined.code(), v1::CODE_OK) << joined.message();
  }
  static bool connected(const v1::DaemonStatus& s) { return s.paired() && s.partner_connected(); }

  TempDir m_ana_dir, m_ben_dir;
  fs::path m_ana_home, m_ben_home;
  std::optional<RunningDaemon> m_ana, m_ben;
};

TEST_F(Partnership, InviteAndJoinPairBothDevicesWithTheSameSafetyNumber) {
  const std::string code = invite();
  auto waiting =
      std::async(std::launch::async, [&] { return must_call(m_ana_home, wait_request()); });
  auto joined = join(code);
  ASSERT_EQ(joined.code(), v1::CODE_OK) << joined.message();
  EXPECT_EQ(joined.peer_info().name(), "Ana");
  EXPECT_EQ(joined.peer_info().address(), ana_address());
  EXPECT_EQ(joined.peer_info().safety_number().size(), 8u * 5u + 7u);
  EXPECT_GT(joined.peer_info().paired_at().seconds(), 0);

  ASSERT_EQ(waiting.wait_for(test_bound), std::future_status::ready);
  auto waited = waiting.get();
  ASSERT_EQ(waited.code(), v1::CODE_OK) << waited.message();
  EXPECT_EQ(waited.peer_info().name(), "Ben");
  EXPECT_EQ(waited.peer_info().safety_number(), joined.peer_info().safety_number());
  EXPECT_TRUE(waited.peer_info().address().starts_with("127.0.0.1:"));

  auto ana_show = must_call(m_ana_home, show_request());
  auto ben_show = must_call(m_ben_home, show_request());
  ASSERT_EQ(ana_show.code(), v1::CODE_OK);
  ASSERT_EQ(ben_show.code(), v1::CODE_OK);
  EXPECT_EQ(ana_show.peer_info().safety_number(), ben_show.peer_info().safety_number());
  EXPECT_EQ(ana_show.peer_info().device_id().size(), ben_show.peer_info().device_id().size());
  EXPECT_FALSE(ana_show.peer_info().device_id().empty());

  EXPECT_TRUE(status_becomes(m_ana_home, connected));
  EXPECT_TRUE(status_becomes(m_ben_home, connected));
  auto status = must_call(m_ben_home, status_request());
  EXPECT_EQ(status.daemon_status().partner().name(), "Ana");
  EXPECT_TRUE(status.daemon_status().partner().has_last_seen());
  EXPECT_TRUE(status.daemon_status().notice().empty());
}

TEST_F(Partnership, WrongCodeBurnsTheInviteAndStoresNothing) {
  const std::string code = invite();
  auto waiting =
      std::async(std::launch::async, [&] { return must_call(m_ana_home, wait_request()); });
  auto wrong = join(other_code(code));
  EXPECT_EQ(wrong.code(), v1::CODE_REFUSED) << wrong.message();
  ASSERT_EQ(waiting.wait_for(test_bound), std::future_status::ready);
  auto waited = waiting.get();
  EXPECT_EQ(waited.code(), v1::CODE_REFUSED);
  EXPECT_NE(waited.message().find("didn't match"), std::string::npos) << waited.message();

  auto retry = join(code);  // the right code, but the invite is used up
  EXPECT_NE(retry.code(), v1::CODE_OK);
  EXPECT_EQ(must_call(m_ana_home, show_request()).code(), v1::CODE_NOT_READY);
  EXPECT_EQ(must_call(m_ben_home, show_request()).code(), v1::CODE_NOT_READY);
}

TEST_F(Partnership, ExpiredInviteIsRefusedAndTheWaitOutlivesTheIdleDeadline) {
  const std::string code = invite(2);
  const auto begin = std::chrono::steady_clock::now();
  auto waited = must_call(m_ana_home, wait_request());  // 2 s: longer than the idle deadline
  EXPECT_GE(std::chrono::steady_clock::now() - begin, 1500ms);
  EXPECT_EQ(waited.code(), v1::CODE_REFUSED);
  EXPECT_NE(waited.message().find("expired"), std::string::npos) << waited.message();
  auto late = join(code);
  EXPECT_NE(late.code(), v1::CODE_OK);
  EXPECT_EQ(must_call(m_ben_home, show_request()).code(), v1::CODE_NOT_READY);
}

TEST_F(Partnership, PairedDevicesRefuseAnotherInviteOrJoin) {
  pair();
  auto again = must_call(m_ana_home, invite_request());
  EXPECT_EQ(again.code(), v1::CODE_REFUSED);
  EXPECT_NE(again.message().find("already paired with Ben"), std::string::npos) << again.message();
  EXPECT_NE(again.message().find("pairspace peer forget"), std::string::npos);
  auto rejoin = join("7-amber-lantern-sparrow");
  EXPECT_EQ(rejoin.code(), v1::CODE_REFUSED);
  EXPECT_NE(rejoin.message().find("already paired with Ana"), std::string::npos)
      << rejoin.message();
}

TEST_F(Partnership, ForgetWhileConnectedUnpairsBothSides) {
  pair();
  ASSERT_TRUE(status_becomes(m_ana_home, connected));
  ASSERT_TRUE(status_becomes(m_ben_home, connected));
  auto forgot = must_call(m_ben_home, forget_request());
  ASSERT_EQ(forgot.code(), v1::CODE_OK) << forgot.message();
  EXPECT_TRUE(forgot.peer_forget().partner_told());
  EXPECT_EQ(must_call(m_ben_home, show_request()).code(), v1::CODE_NOT_READY);

  EXPECT_TRUE(status_becomes(m_ana_home, [](const v1::DaemonStatus& s) { return !s.paired(); }));
  auto status = must_call(m_ana_home, status_request());
  EXPECT_FALSE(status.daemon_status().partner_connected());
  EXPECT_NE(status.daemon_status().notice().find("Your partner ended the pairing at "),
            std::string::npos);
  EXPECT_EQ(must_call(m_ana_home, show_request()).code(), v1::CODE_NOT_READY);
  EXPECT_TRUE(must_call(m_ben_home, status_request()).daemon_status().notice().empty());

  // Both can pair again, and the notice is gone with the new pairing.
  pair();
  EXPECT_TRUE(must_call(m_ana_home, status_request()).daemon_status().notice().empty());
}

TEST_F(Partnership, ForgetWhileThePartnerIsDownSaysItWasNotTold) {
  pair();
  m_ana.reset();  // stops Ana's daemon
  ASSERT_TRUE(
      status_becomes(m_ben_home, [](const v1::DaemonStatus& s) { return !s.partner_connected(); }));
  auto forgot = must_call(m_ben_home, forget_request());
  ASSERT_EQ(forgot.code(), v1::CODE_OK) << forgot.message();
  EXPECT_FALSE(forgot.peer_forget().partner_told());
  EXPECT_EQ(must_call(m_ben_home, show_request()).code(), v1::CODE_NOT_READY);
  EXPECT_EQ(must_call(m_ben_home, forget_request()).code(), v1::CODE_NOT_READY);
}

TEST_F(Partnership, StoppingWhileSomeoneWaitsForTheInviteEndsTheWait) {
  (void)invite();
  auto waiting = std::async(std::launch::async, [&] { return call(m_ana_home, wait_request()); });
  std::this_thread::sleep_for(
      200ms);  // the wait is in the daemon by now (if not, it finds no daemon)
  (*m_ana)->request_stop();
  EXPECT_EQ(m_ana->wait_exit(), 0);
  ASSERT_EQ(waiting.wait_for(test_bound), std::future_status::ready);
  auto waited = waiting.get();
  EXPECT_TRUE(!waited.ok() || waited->code() != v1::CODE_OK);
  m_ana.reset();
}

TEST_F(Partnership, PairingSurvivesARestartAndTheSessionComesBack) {
  pair();
  ASSERT_TRUE(status_becomes(m_ben_home, connected));
  m_ana.reset();
  m_ana.emplace(create_or_abort(options(m_ana_home)));
  // Ana has a new port; Ben learns it with `peer address`, Ana dials Ben anyway.
  v1::Request address;
  address.mutable_peer_address()->set_address(ana_address());
  auto updated = must_call(m_ben_home, address);
  ASSERT_EQ(updated.code(), v1::CODE_OK) << updated.message();
  EXPECT_EQ(updated.peer_info().address(), ana_address());
  EXPECT_TRUE(status_becomes(m_ana_home, connected));
  EXPECT_TRUE(status_becomes(m_ben_home, connected));
}

}  // namespace
}  // namespace pairspace::daemon::test
