// Issue "Pairing and the encrypted channel", test 7: `peer forget` on one connected device
// unpairs both; afterwards a copy of the other device that still pins the first is not
// let in.
#include "relay.hpp"
#include "tcp_probe.hpp"
#include "two_devices.hpp"

namespace pairspace::itest {
namespace {

constexpr auto refused_watch = 5s;  // long enough for several redials

class Forget : public TwoDevices {
 protected:
  // Regular files only (the control socket and lock are the daemon's while it runs).
  void copy_home(const fs::path& from, const fs::path& to) {
    fs::create_directories(to);
    fs::permissions(to, fs::perms::owner_all, fs::perm_options::replace);
    for (const auto& entry : fs::directory_iterator(from)) {
      if (!entry.is_regular_file() || entry.path().filename() == "daemon.log") continue;
      fs::copy_file(entry.path(), to / entry.path().filename());
    }
  }
};

TEST_F(Forget, ForgettingUnpairsBothAndTheOldPairingIsNotLetInAgain) {
  start_both();
  pair();
  ASSERT_TRUE(wait_both_connected());

  // A snapshot of Sam that still pins Alex.
  stop_daemon_at(sam);
  const fs::path snapshot = root / "sam-snapshot";
  copy_home(sam, snapshot);
  ASSERT_GT(start_daemon_at(sam, sam_address), 0);
  ASSERT_TRUE(wait_both_connected()) << peer_json(alex).dump() << "\n" << peer_json(sam).dump();

  auto unsure = cli_at(alex, {"peer", "forget"});  // stdin is not a terminal
  EXPECT_EQ(unsure.exit_code, 1) << unsure.describe();
  EXPECT_TRUE(contains(unsure.err, "Add --yes to confirm")) << unsure.describe();
  EXPECT_TRUE(connected(alex)) << "nothing changed";
  auto declined = cli_on_terminal(alex, {"peer", "forget"}, "n\n");
  EXPECT_EQ(declined.exit_code, 0) << declined.describe();
  EXPECT_TRUE(contains(declined.err, "Stop sharing with Sam? This removes their keys and everything you share "
                                     "from this device. [y/N]"))
      << declined.describe();
  EXPECT_TRUE(contains(declined.out, "still paired with Sam")) << declined.describe();
  EXPECT_TRUE(connected(alex)) << "nothing changed";

  auto forgot = cli_at(alex, {"peer", "forget", "--yes"});
  ASSERT_EQ(forgot.exit_code, 0) << forgot.describe();
  EXPECT_TRUE(contains(forgot.out, "You're no longer paired with Sam; their device has let go too.")) << forgot.out;
  auto alex_peer = cli_at(alex, {"peer"});
  EXPECT_EQ(alex_peer.exit_code, 3) << alex_peer.describe();
  EXPECT_TRUE(eventually([&] { return cli_at(sam, {"peer"}).exit_code == 3; }, refused_watch))
      << "Sam's device let go too";
  auto sam_status = cli_at(sam, {"status"});
  EXPECT_EQ(sam_status.exit_code, 0) << sam_status.describe();
  EXPECT_TRUE(contains(sam_status.out, "Not paired yet.")) << sam_status.out;
  EXPECT_TRUE(contains(sam_status.out, "Note: ")) << "the notice tells Sam what happened\n" << sam_status.out;
  auto sam_json = nlohmann::json::parse(cli_at(sam, {"status", "--json"}).out, nullptr, false);
  ASSERT_TRUE(sam_json.is_object());
  EXPECT_FALSE(sam_json.value("notice", "").empty());
  EXPECT_FALSE(sam_json.value("paired", true));
  stop_daemon_at(sam);

  // The snapshot dials Alex with the old keys (through a relay that watches): Alex does
  // not let it in, and says nothing.
  ASSERT_GT(start_daemon_at(snapshot), 0);
  auto pinned = peer_json(snapshot);
  ASSERT_TRUE(pinned.is_object()) << "the snapshot still thinks it is paired";
  EXPECT_EQ(pinned.value("address", ""), alex_address);
  Relay watch(port_of(alex_address));
  ASSERT_EQ(cli_at(snapshot, {"peer", "address", watch.address()}).exit_code, 0);
  EXPECT_FALSE(eventually([&] { return connected(snapshot); }, refused_watch)) << "Alex let the old pairing in";
  EXPECT_GE(watch.session_attempts(), 1U) << "the snapshot did dial Alex";
  EXPECT_EQ(watch.bytes_from_target(), 0U) << "Alex answered the old pairing";
  EXPECT_EQ(watch.sessions_started(), 0U);
  EXPECT_EQ(cli_at(alex, {"peer"}).exit_code, 3);
  auto alex_status = nlohmann::json::parse(cli_at(alex, {"status", "--json"}).out, nullptr, false);
  ASSERT_TRUE(alex_status.is_object());
  EXPECT_FALSE(alex_status.value("paired", true));
  EXPECT_FALSE(alex_status.value("partner_connected", true));

  // Forgetting on the snapshot now: Alex cannot be told.
  auto alone = cli_on_terminal(snapshot, {"peer", "forget"}, "yes\n");
  ASSERT_EQ(alone.exit_code, 0) << alone.describe();
  EXPECT_TRUE(contains(alone.out, "Their device wasn't reachable, so it will simply stop hearing from this one."))
      << alone.out;
  EXPECT_EQ(cli_at(snapshot, {"peer", "forget", "--yes"}).exit_code, 3) << "nothing left to forget";
  stop_daemon_at(snapshot);
  stop_daemon_at(alex);
}

}  // namespace
}  // namespace pairspace::itest
