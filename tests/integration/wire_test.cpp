// Issue "Pairing and the encrypted channel", test 5: everything between the two devices
// crosses recording relays. The bytes carry no device name, no code and no journal text;
// a flipped byte or a replayed transport frame makes the receiver drop the connection,
// and the devices reconnect by themselves.
#include <sstream>

#include "relay.hpp"
#include "tcp_probe.hpp"
#include "two_devices.hpp"

namespace pairspace::itest {
namespace {

constexpr auto keepalive_bound = 45s;  // a keepalive (every 25 s) crosses a relay by then

class Wire : public TwoDevices {
 protected:
  Wire() {
    alex_name = "Alex Quillfeather";
    sam_name = "Sam Brightwater";
  }

  static std::size_t sessions_started(const Relay& a, const Relay& b) {
    return a.sessions_started() + b.sessions_started();
  }

  // Arms the relay that carries the live session, waits for it to tamper with the next
  // transport frame, and checks that the receiver let go and that the devices reconnect.
  void tamper_and_recover(Relay& to_alex, Relay& to_sam, Relay::Tamper tamper) {
    ASSERT_TRUE(eventually([&] { return to_alex.sessions_open() + to_sam.sessions_open() == 1; }, connect_bound))
        << "one live session across the relays";
    Relay& carrier = to_alex.sessions_open() == 1 ? to_alex : to_sam;
    const auto tampered_before = carrier.tampered();
    const auto started_before = sessions_started(to_alex, to_sam);
    carrier.arm(tamper);
    ASSERT_TRUE(eventually([&] { return carrier.tampered() > tampered_before; }, keepalive_bound))
        << "no transport frame crossed the relay";
    ASSERT_TRUE(eventually([&] { return carrier.tampered_connection_closed(); }, connect_bound))
        << "the tampered connection stayed open";
    EXPECT_TRUE(carrier.tampered_connection_closed_by_receiver()) << "the receiver should drop the connection";
    EXPECT_TRUE(eventually([&] { return sessions_started(to_alex, to_sam) > started_before; }, connect_bound))
        << "no new session after the drop";
    EXPECT_TRUE(wait_both_connected()) << peer_json(alex).dump() << "\n" << peer_json(sam).dump();
  }
};

TEST_F(Wire, RelayedBytesHoldNoSecretsAndTamperingDropsTheConnection) {
  start_both();
  Relay to_alex(port_of(alex_address));
  Relay to_sam(port_of(sam_address));
  ASSERT_TRUE(to_alex.listening() && to_sam.listening());

  const std::string code = invite(alex).value("code", "");
  ASSERT_FALSE(code.empty());
  auto joined = cli_at(sam, {"pair", "join", "--peer", to_alex.address(), code});
  ASSERT_EQ(joined.exit_code, 0) << joined.describe();
  EXPECT_TRUE(contains(joined.out, "Paired with " + alex_name + ".")) << joined.out;
  EXPECT_EQ(peer_json(sam).value("address", ""), to_alex.address());
  // Alex reaches Sam through the other relay; Sam restarts on the same port so that every
  // session from now on crosses a relay.
  auto moved = cli_at(alex, {"peer", "address", to_sam.address()});
  ASSERT_EQ(moved.exit_code, 0) << moved.describe();
  EXPECT_TRUE(contains(moved.out, to_sam.address())) << moved.out;
  stop_daemon_at(sam);
  ASSERT_GT(start_daemon_at(sam, sam_address), 0);
  ASSERT_TRUE(wait_both_connected()) << peer_json(alex).dump() << "\n" << peer_json(sam).dump();
  EXPECT_GE(sessions_started(to_alex, to_sam), 1U);

  const std::string alex_words = "Lindenblütenhonig und Wanderdünen";
  const std::string sam_words = "Saffronkettle murmurations";
  ASSERT_EQ(cli_at(alex, {"journal", "add", alex_words}).exit_code, 0);
  ASSERT_EQ(cli_at(sam, {"journal", "add", sam_words}).exit_code, 0);

  tamper_and_recover(to_alex, to_sam, Relay::Tamper::flip_byte);
  tamper_and_recover(to_alex, to_sam, Relay::Tamper::replay);

  const std::string seen = to_alex.recorded() + to_sam.recorded();
  EXPECT_GT(seen.size(), 200U) << "the relays saw the pairing and the sessions";
  std::vector<std::string> secrets = {alex_name, sam_name, "Quillfeather", "Brightwater", code,
                                      alex_words, sam_words, "Lindenbl", "Saffronkettle"};
  std::istringstream words(code.substr(code.find('-') + 1));
  for (std::string word; std::getline(words, word, '-');) {
    if (word.size() >= 5) secrets.push_back(word);
  }
  for (const auto& secret : secrets) {
    EXPECT_FALSE(contains(seen, secret)) << "the relay saw \"" << secret << "\" in the clear";
  }
  stop_daemon_at(alex);
  stop_daemon_at(sam);
}

}  // namespace
}  // namespace pairspace::itest
