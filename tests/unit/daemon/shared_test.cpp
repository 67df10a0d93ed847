// Two in-process daemons share state: space signals, delivery, catch-up, agreements, watch.
#include "daemon/shared.hpp"

#include <fstream>
#include <functional>
#include <iterator>

#include "control/framing.hpp"
#include "harness.hpp"

namespace pairspace::daemon::test {
namespace {

v1::DaemonStatus status_of(const fs::path& home) {
  return must_call(home, status_request()).daemon_status();
}

v1::Request need_request(const std::string& note, std::chrono::minutes from_now) {
  v1::Request request;
  auto& need = *request.mutable_space_need();
  need.set_kind(v1::SPACE_KIND_ALONE);
  need.set_note(note);
  set_timestamp(*need.mutable_until(), std::chrono::system_clock::now() + from_now);
  return request;
}
v1::Request ack_request(const std::string& note) {
  v1::Request request;
  request.mutable_space_ack()->set_note(note);
  return request;
}
v1::Request propose_request(const std::string& spec) {
  v1::Request request;
  auto& p = *request.mutable_agree_propose();
  p.set_kind(v1::AGREEMENT_KIND_CHECKIN);
  p.set_text(spec);
  p.set_tz("Europe/Berlin");
  return request;
}
v1::Request respond_request(const std::string& id, bool accept) {
  v1::Request request;
  request.mutable_agree_respond()->set_id(id);
  request.mutable_agree_respond()->set_accept(accept);
  return request;
}
v1::Request list_request(bool all = false) {
  v1::Request request;
  request.mutable_agree_list()->set_all(all);
  return request;
}

std::optional<v1::AgreementState> state_of(const fs::path& home, const std::string& id) {
  auto list = must_call(home, list_request(true));
  for (const auto& a : list.agreements().agreements()) {
    if (a.id() == id) return a.state();
  }
  return std::nullopt;
}

class SharedSpace : public ::testing::Test {
 protected:
  SharedSpace()
      : m_ana_home(make_home(m_ana_dir, std::nullopt, "Ana")),
        m_ben_home(make_home(m_ben_dir, std::nullopt, "Ben")) {
    start_ana();
    start_ben();
  }
  void start_ana() { m_ana.emplace(create_or_abort(options(m_ana_home))); }
  void start_ben() { m_ben.emplace(create_or_abort(options(m_ben_home))); }

  static DaemonOptions options(const fs::path& home) {
    auto opts = test_options(home);
    opts.invite_min_life = std::chrono::seconds(1);
    opts.link_timings.backoff_initial = 100ms;
    opts.link_timings.backoff_max = 500ms;
    return opts;
  }
  static bool connected(const v1::DaemonStatus& s) { return s.paired() && s.partner_connected(); }

  void pair() {
    v1::Request invite;
    invite.mutable_pair_invite();
    auto invited = must_call(m_ana_home, invite);
    ASSERT_EQ(invited.code(), v1::CODE_OK) << invited.message();
    v1::Request join;
    join.mutable_pair_join()->set_peer((*m_ana)->listen_address());
    join.mutable_pair_join()->set_code(invited.pair_invite().code());
    auto joined = must_call(m_ben_home, join);
    ASSERT_EQ(joined.code(), v1::CODE_OK) << joined.message();
    ASSERT_TRUE(status_becomes(m_ana_home, connected));
    ASSERT_TRUE(status_becomes(m_ben_home, connected));
  }

  bool same_digest() {
    const auto deadline = std::chrono::steady_clock::now() + test_bound;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto a = status_of(m_ana_home).state_digest();
      if (!a.empty() && a == status_of(m_ben_home).state_digest()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  TempDir m_ana_dir, m_ben_dir;
  fs::path m_ana_home, m_ben_home;
  std::optional<RunningDaemon> m_ana, m_ben;
};

TEST_F(SharedSpace, SpaceNeedReachesThePartnerAndTheAckComesBack) {
  pair();
  auto asked = must_call(m_ana_home, need_request("recharging", 90min));
  ASSERT_EQ(asked.code(), v1::CODE_OK) << asked.message();
  EXPECT_NE(asked.change().summary().find("some time alone"), std::string::npos);
  ASSERT_TRUE(status_becomes(m_ben_home, [](const v1::DaemonStatus& s) {
    return s.partner_space().state() == v1::SPACE_STATE_NEED_SPACE &&
           s.partner_space().note() == "recharging";
  }));
  EXPECT_TRUE(status_becomes(m_ana_home, [](const v1::DaemonStatus& s) {
    return s.me().delivery() == v1::DELIVERY_DELIVERED && s.me().has_delivered_at();
  }));
  auto acked = must_call(m_ben_home, ack_request("take your time"));
  ASSERT_EQ(acked.code(), v1::CODE_OK) << acked.message();
  EXPECT_TRUE(status_becomes(m_ana_home, [](const v1::DaemonStatus& s) {
    return s.me().acknowledged() && s.me().ack_note() == "take your time" &&
           s.me().delivery() == v1::DELIVERY_ACKNOWLEDGED;
  }));
  // Nothing to acknowledge on Ana's side: Ben asked for nothing.
  EXPECT_EQ(must_call(m_ana_home, ack_request("")).code(), v1::CODE_NOT_READY);
}

TEST_F(SharedSpace, PendingWhileThePartnerIsDownDeliveredOnceItIsBack) {
  pair();
  m_ben.reset();
  ASSERT_TRUE(status_becomes(m_ana_home, [](const v1::DaemonStatus& s) { return !s.partner_connected(); }));
  ASSERT_EQ(must_call(m_ana_home, need_request("", 60min)).code(), v1::CODE_OK);
  std::this_thread::sleep_for(300ms);
  auto me = status_of(m_ana_home).me();
  EXPECT_EQ(me.delivery(), v1::DELIVERY_PENDING);
  EXPECT_FALSE(me.has_delivered_at());
  start_ben();
  EXPECT_TRUE(status_becomes(m_ana_home, [](const v1::DaemonStatus& s) {
    return s.me().delivery() == v1::DELIVERY_DELIVERED;
  }));
  EXPECT_TRUE(status_becomes(m_ben_home, [](const v1::DaemonStatus& s) {
    return s.partner_space().state() == v1::SPACE_STATE_NEED_SPACE;
  }));
}

TEST_F(SharedSpace, OfflineCatchUpBothWaysEndsInTheSameState) {
  pair();
  m_ben.reset();
  for (int i = 0; i < 200; ++i) {
    v1::Request request;
    if (i % 2 == 0) {
      request = need_request("n" + std::to_string(i), 30min);
    } else {
      request.mutable_space_end()->set_note("back " + std::to_string(i));
    }
    ASSERT_EQ(must_call(m_ana_home, request).code(), v1::CODE_OK);
  }
  start_ben();
  ASSERT_TRUE(same_digest());
  auto ben = status_of(m_ben_home);
  EXPECT_EQ(ben.partner_space().state(), v1::SPACE_STATE_BACK);
  EXPECT_EQ(ben.partner_space().note(), "back 199");

  m_ana.reset();
  for (int i = 0; i < 200; ++i) {
    v1::Request request;
    request.mutable_check_in()->set_mood(static_cast<std::uint32_t>(i % 5 + 1));
    ASSERT_EQ(must_call(m_ben_home, request).code(), v1::CODE_OK);
  }
  start_ana();
  // Both got new ports on restart (port 0): Ben learns Ana's, as `peer address` would.
  v1::Request address;
  address.mutable_peer_address()->set_address((*m_ana)->listen_address());
  ASSERT_EQ(must_call(m_ben_home, address).code(), v1::CODE_OK);
  EXPECT_TRUE(same_digest());
  v1::Request history;
  history.mutable_history()->set_limit(1);
  EXPECT_EQ(must_call(m_ana_home, history).history().entries(0).text(), "Ben checked in (mood 5 of 5).");
}

TEST_F(SharedSpace, AgreementsNeedTheOtherPartnerAndRevokeReachesBoth) {
  pair();
  auto proposed = must_call(m_ana_home, propose_request("daily 21:00"));
  ASSERT_EQ(proposed.code(), v1::CODE_OK) << proposed.message();
  const std::string id = proposed.change().id();
  ASSERT_EQ(id.size(), 6u);
  auto self_accept = must_call(m_ana_home, respond_request(id, true));
  EXPECT_EQ(self_accept.code(), v1::CODE_REFUSED);
  EXPECT_FALSE(self_accept.message().empty());
  EXPECT_EQ(must_call(m_ana_home, respond_request("zzzzzz", true)).code(), v1::CODE_USAGE);

  ASSERT_TRUE(status_becomes(m_ben_home, [&](const v1::DaemonStatus&) {
    return state_of(m_ben_home, id) == v1::AGREEMENT_STATE_PROPOSED;
  }));
  auto accepted = must_call(m_ben_home, respond_request(id, true));
  ASSERT_EQ(accepted.code(), v1::CODE_OK) << accepted.message();
  EXPECT_EQ(state_of(m_ben_home, id), v1::AGREEMENT_STATE_ACTIVE);
  ASSERT_TRUE(status_becomes(m_ana_home, [&](const v1::DaemonStatus&) {
    return state_of(m_ana_home, id) == v1::AGREEMENT_STATE_ACTIVE;
  }));
  v1::Request next;
  next.mutable_check_in_next()->set_count(3);
  auto times = must_call(m_ana_home, next);
  ASSERT_EQ(times.check_in_times().times_size(), 3);
  EXPECT_LT(times.check_in_times().times(0).at().seconds(), times.check_in_times().times(1).at().seconds());
  v1::Request cal;
  cal.mutable_calendar();
  EXPECT_NE(must_call(m_ben_home, cal).calendar().ics().find("BEGIN:VCALENDAR"), std::string::npos);

  v1::Request revoke;
  revoke.mutable_agree_revoke()->set_id(id);
  ASSERT_EQ(must_call(m_ana_home, revoke).code(), v1::CODE_OK);
  EXPECT_EQ(state_of(m_ana_home, id), v1::AGREEMENT_STATE_REVOKED);
  EXPECT_TRUE(status_becomes(m_ben_home, [&](const v1::DaemonStatus&) {
    return state_of(m_ben_home, id) == v1::AGREEMENT_STATE_REVOKED;
  }));
  EXPECT_EQ(must_call(m_ben_home, list_request(false)).agreements().agreements_size(), 0);

  v1::Request history;
  history.mutable_history()->set_limit(10);
  auto h = must_call(m_ben_home, history);
  ASSERT_GE(h.history().entries_size(), 3);
  EXPECT_EQ(h.history().entries(0).text().rfind("Ana ended", 0), 0u) << h.history().entries(0).text();
  EXPECT_FALSE(h.history().entries(0).mine());
}

// Reads one length-prefixed Response from fd (bounded by the socket's receive timeout).
std::optional<v1::Response> read_response(int fd) {
  control::FrameHeader header{};
  std::size_t got = 0;
  while (got < header.size()) {
    const ssize_t n = ::recv(fd, header.data() + got, header.size() - got, 0);
    if (n <= 0) return std::nullopt;
    got += static_cast<std::size_t>(n);
  }
  auto length = control::decode_frame_header(header);
  if (!length) return std::nullopt;
  std::string body(*length, '\0');
  got = 0;
  while (got < body.size()) {
    const ssize_t n = ::recv(fd, body.data() + got, body.size() - got, 0);
    if (n <= 0) return std::nullopt;
    got += static_cast<std::size_t>(n);
  }
  v1::Response response;
  if (!response.ParseFromString(body)) return std::nullopt;
  return response;
}

// A watching connection on `home`, past its first (empty) response; -1 on failure.
int start_watch(const fs::path& home) {
  const int fd = raw_connect(store::HomePaths::of(home).socket);
  v1::Request watch;
  watch.mutable_watch();
  auto frame = control::encode_frame(watch);
  EXPECT_TRUE(frame.ok());
  EXPECT_EQ(::send(fd, frame->data(), frame->size(), 0), static_cast<ssize_t>(frame->size()));
  auto subscribed = read_response(fd);
  EXPECT_TRUE(subscribed.has_value());
  if (!subscribed) return -1;
  EXPECT_EQ(subscribed->code(), v1::CODE_OK);
  EXPECT_FALSE(subscribed->has_event());
  return fd;
}

// The next event of `kind` on a watching connection (at most 20 events, each read bounded).
std::optional<v1::Event> next_event(int fd, const std::string& kind) {
  for (int i = 0; i < 20; ++i) {
    auto next = read_response(fd);
    if (!next) return std::nullopt;
    if (next->event().kind() == kind) return next->event();
  }
  return std::nullopt;
}

TEST_F(SharedSpace, HookGetsTheEventAsJsonOnStdin) {
  pair();
  m_ben.reset();
  const fs::path out = m_ben_dir.path / "hook.out";
  {
    std::ofstream config(m_ben_home / "config");
    config << "# comment\nhook = cat >> '" << out.string() << "'\n";
  }
  start_ben();
  ASSERT_TRUE(status_becomes(m_ben_home, connected));
  ASSERT_EQ(must_call(m_ana_home, need_request("", 60min)).code(), v1::CODE_OK);
  const auto deadline = std::chrono::steady_clock::now() + test_bound;
  std::string seen;
  while (std::chrono::steady_clock::now() < deadline && seen.find("partner_status") == std::string::npos) {
    std::this_thread::sleep_for(50ms);
    std::ifstream in(out);
    seen.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  EXPECT_NE(seen.find("\"kind\":\"partner_status\""), std::string::npos) << seen;
  EXPECT_NE(seen.find("SPACE_STATE_NEED_SPACE"), std::string::npos) << seen;
}

TEST_F(SharedSpace, WatchHearsWhenThePartnersSpaceEnds) {
  pair();
  const int fd = start_watch(m_ben_home);
  ASSERT_GE(fd, 0);
  v1::Request request = need_request("", 0min);
  set_timestamp(*request.mutable_space_need()->mutable_until(),
                std::chrono::system_clock::now() + 1500ms);
  ASSERT_EQ(must_call(m_ana_home, request).code(), v1::CODE_OK);
  auto ended = next_event(fd, "space_ended");
  ::close(fd);
  ASSERT_TRUE(ended.has_value());
  EXPECT_NE(ended->message().find("Ana"), std::string::npos);
  EXPECT_TRUE(status_of(m_ben_home).partner_space().ended());
}

TEST_F(SharedSpace, WatchHearsThePartnersSpaceRequest) {
  pair();
  const int fd = start_watch(m_ben_home);
  ASSERT_GE(fd, 0);
  // Longer than the control idle deadline (5 s here would be slow; the watch has none).
  ASSERT_EQ(must_call(m_ana_home, need_request("recharging", 60min)).code(), v1::CODE_OK);
  std::optional<v1::Event> seen;
  for (int i = 0; i < 10 && !seen; ++i) {
    auto next = read_response(fd);
    if (!next) break;
    if (next->event().kind() == "partner_status") seen = next->event();
  }
  ::close(fd);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->partner_space().state(), v1::SPACE_STATE_NEED_SPACE);
  EXPECT_NE(seen->message().find("Ana asked for some time alone"), std::string::npos) << seen->message();
  EXPECT_NE(seen->message().find("pairspace space ack"), std::string::npos);
}

}  // namespace
}  // namespace pairspace::daemon::test
