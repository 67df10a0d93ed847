// Issue "Pairing and the encrypted channel", tests 1-3: pairing through the CLI, a wrong
// code, and invites that are no longer open (replaced, used, or never made).
#include <sys/socket.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <regex>

#include "tcp_probe.hpp"
#include "two_devices.hpp"

namespace pairspace::itest {
namespace {

class Pairing : public TwoDevices {
 protected:
  std::string device_id_of(const fs::path& at) {
    auto r = cli_at(at, {"status", "--json"});
    auto parsed = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_TRUE(parsed.is_object()) << r.describe();
    return parsed.is_object() ? parsed.value("device_id", "") : "";
  }
};

const std::regex safety_number_re(R"(^\d{5}( \d{5}){7}$)");

std::size_t lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

// A loopback port nobody listens on (bound, then released).
std::uint16_t closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  ::close(fd);
  return ntohs(address.sin_port);
}

TEST_F(Pairing, InviteAndJoinThroughTheCliShowTheSameSafetyNumberOnBothSides) {
  start_both();
  auto made = cli_at(alex, {"pair", "invite"});
  ASSERT_EQ(made.exit_code, 0) << made.describe();
  std::smatch m;
  const std::regex join_line(R"(pairspace pair join --peer (\S+) (\d{1,2}-[a-z]+-[a-z]+-[a-z]+))");
  ASSERT_TRUE(std::regex_search(made.out, m, join_line)) << made.out;
  const std::string address = m[1].str(), code = m[2].str();
  EXPECT_EQ(address, alex_address) << made.out;
  EXPECT_TRUE(contains(made.out, "    " + code + "\n")) << "the code stands on its own line\n" << made.out;
  EXPECT_TRUE(std::regex_search(made.out, std::regex(R"(until (\w{3} )?\d\d:\d\d)"))) << made.out;

  auto joined = cli_at(sam, {"pair", "join", "--peer", address, code});
  ASSERT_EQ(joined.exit_code, 0) << joined.describe();
  EXPECT_TRUE(contains(joined.out, "Paired with Alex.")) << joined.out;
  EXPECT_TRUE(contains(joined.out, "Compare this number with the one on your partner's screen: ")) << joined.out;

  auto on_alex = peer_json(alex);
  auto on_sam = peer_json(sam);
  ASSERT_TRUE(on_alex.is_object() && on_sam.is_object());
  EXPECT_EQ(on_alex.value("name", ""), "Sam");
  EXPECT_EQ(on_sam.value("name", ""), "Alex");
  const std::string number = on_alex.value("safety_number", "");
  EXPECT_TRUE(std::regex_match(number, safety_number_re)) << number;
  EXPECT_EQ(number, on_sam.value("safety_number", ""));
  EXPECT_TRUE(contains(joined.out, number)) << joined.out;
  EXPECT_EQ(on_alex.value("device_id", "x"), device_id_of(sam));
  EXPECT_EQ(on_sam.value("device_id", "x"), device_id_of(alex));
  EXPECT_EQ(on_sam.value("address", ""), alex_address);
  EXPECT_EQ(port_of(on_alex.value("address", "")), port_of(sam_address)) << on_alex.dump();

  ASSERT_TRUE(wait_both_connected()) << peer_json(alex).dump() << "\n" << peer_json(sam).dump();
  auto prose = cli_at(alex, {"peer"});
  ASSERT_EQ(prose.exit_code, 0) << prose.describe();
  EXPECT_TRUE(contains(prose.out, "Sam") && contains(prose.out, number) && contains(prose.out, "connected now"))
      << prose.out;
  auto sam_status = cli_at(sam, {"status"});
  ASSERT_EQ(sam_status.exit_code, 0) << sam_status.describe();
  EXPECT_TRUE(contains(sam_status.out, "Partner: Alex, connected now")) << sam_status.out;
  auto daemon = cli_at(alex, {"daemon", "status", "--json"});
  EXPECT_TRUE(contains(daemon.out, "\"partner_connected\":true")) << daemon.describe();

  // Paired devices refuse to pair again, with a sentence saying what to do.
  auto again = cli_at(alex, {"pair", "invite"});
  EXPECT_EQ(again.exit_code, 4) << again.describe();
  EXPECT_TRUE(contains(again.err, "peer forget")) << again.describe();
  auto rejoin = cli_at(sam, {"pair", "join", "--peer", alex_address, code});
  EXPECT_EQ(rejoin.exit_code, 4) << rejoin.describe();
  EXPECT_EQ(lines(rejoin.err), 1U) << rejoin.describe();

  stop_daemon_at(alex);
  stop_daemon_at(sam);
}

TEST_F(Pairing, WrongCodeFailsOnBothSidesAndBurnsTheInvite) {
  start_both();
  auto waiting = cli_background(alex, {"pair", "invite", "--wait", "--json"});
  ASSERT_TRUE(waiting->wait_for_output("\"code\"", 20s)) << waiting->out() << waiting->err();
  const auto first_line = waiting->out().substr(0, waiting->out().find('\n'));
  auto made = nlohmann::json::parse(first_line, nullptr, false);
  ASSERT_TRUE(made.is_object()) << first_line;
  const std::string code = made.value("code", "");

  auto wrong = cli_at(sam, {"pair", "join", "--peer", alex_address, another_code(code)});
  EXPECT_EQ(wrong.exit_code, 4) << wrong.describe();
  EXPECT_TRUE(contains(wrong.err, "code didn't match")) << wrong.describe();
  EXPECT_EQ(lines(wrong.err), 1U) << wrong.describe();

  auto waited = waiting->finish(30s);
  EXPECT_EQ(waited.exit_code, 4) << waited.describe();
  EXPECT_TRUE(contains(waited.err, "didn't match")) << waited.describe();
  EXPECT_EQ(lines(waited.err), 1U) << waited.describe();
  EXPECT_FALSE(contains(waited.err, code)) << "the code is not repeated in the failure";

  auto retry = cli_at(sam, {"pair", "join", "--peer", alex_address, code});
  EXPECT_EQ(retry.exit_code, 4) << "the invite allows one attempt\n" << retry.describe();
  EXPECT_TRUE(contains(retry.err, "no open invite")) << retry.describe();

  for (const auto& at : {alex, sam}) {
    auto peer = cli_at(at, {"peer"});
    EXPECT_EQ(peer.exit_code, 3) << peer.describe();
    EXPECT_TRUE(contains(peer.err, "pair invite")) << peer.describe();
  }
  stop_daemon_at(alex);
  stop_daemon_at(sam);
}

// Expiry itself needs a life shorter than the one-minute minimum of the command line; the
// daemon's unit tests cover it (tests/unit/daemon/invites_test.cpp). Here: the same refusal
// for an invite that was replaced, one that was used, and none at all.
TEST_F(Pairing, InvitesThatAreNoLongerOpenAreRefused) {
  start_both();
  auto none = cli_at(sam, {"pair", "join", "--peer", alex_address, "7-amber-lantern-sparrow"});
  EXPECT_EQ(none.exit_code, 4) << none.describe();
  EXPECT_TRUE(contains(none.err, "no open invite")) << none.describe();

  const std::string replaced = invite(alex).value("code", "");
  const std::string current = invite(alex).value("code", "");
  ASSERT_FALSE(replaced.empty() || current.empty());
  if (replaced != current) {
    auto old = cli_at(sam, {"pair", "join", "--peer", alex_address, replaced});
    EXPECT_EQ(old.exit_code, 4) << "a replaced code no longer works\n" << old.describe();
    auto used = cli_at(sam, {"pair", "join", "--peer", alex_address, current});
    EXPECT_EQ(used.exit_code, 4) << "the attempt above used the current invite\n" << used.describe();
  }

  auto too_short = cli_at(alex, {"pair", "invite", "--expires", "5s"});
  EXPECT_EQ(too_short.exit_code, 1) << too_short.describe();
  auto not_a_duration = cli_at(alex, {"pair", "invite", "--expires", "soon"});
  EXPECT_EQ(not_a_duration.exit_code, 1) << not_a_duration.describe();
  auto bad_code = cli_at(sam, {"pair", "join", "--peer", alex_address, "not-a-real-code"});
  EXPECT_EQ(bad_code.exit_code, 1) << bad_code.describe();
  auto bad_address = cli_at(sam, {"pair", "join", "--peer", "nowhere", "7-amber-lantern-sparrow"});
  EXPECT_EQ(bad_address.exit_code, 1) << bad_address.describe();
  auto spaced = cli_at(sam, {"pair", "join", "--peer", "127.0.0.1:" + std::to_string(closed_port()), "7", "amber",
                             "lantern", "sparrow"});
  EXPECT_EQ(spaced.exit_code, 2) << "nobody listens there\n" << spaced.describe();
  for (const auto* r : {&too_short, &not_a_duration, &bad_code, &bad_address, &spaced}) {
    EXPECT_EQ(lines(r->err), 1U) << r->describe();
    EXPECT_FALSE(looks_like_crash(r->out + r->err)) << r->describe();
  }

  for (const auto& at : {alex, sam}) {
    auto peer = cli_at(at, {"peer"});
    EXPECT_EQ(peer.exit_code, 3) << peer.describe();
  }
  stop_daemon_at(alex);
  stop_daemon_at(sam);
}

}  // namespace
}  // namespace pairspace::itest
