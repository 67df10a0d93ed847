// Issue "Pairing and the encrypted channel", test 6: restarting either daemon, the two
// devices find each other again by themselves, within the backoff bound.
#include "two_devices.hpp"

namespace pairspace::itest {
namespace {

class Reconnect : public TwoDevices {};

TEST_F(Reconnect, AfterEitherDaemonRestartsBothReconnectByThemselves) {
  start_both();
  pair();
  ASSERT_TRUE(wait_both_connected()) << peer_json(alex).dump() << "\n" << peer_json(sam).dump();

  // Alex comes back on the same port; Sam comes back on a new one (Alex's note of Sam's
  // address is stale then, so Sam's own dialling has to do it).
  struct Restart {
    const fs::path* who;
    const fs::path* other;
    std::string listen;
  };
  for (const auto& step : {Restart{&alex, &sam, alex_address}, Restart{&sam, &alex, "127.0.0.1:0"}}) {
    SCOPED_TRACE("restarting " + step.who->filename().string());
    stop_daemon_at(*step.who);
    EXPECT_TRUE(eventually([&] { return !connected(*step.other); }, connect_bound)) << "the partner noticed";
    auto while_away = cli_at(*step.other, {"peer"});
    EXPECT_EQ(while_away.exit_code, 0) << while_away.describe();
    EXPECT_TRUE(contains(while_away.out, "last seen ")) << while_away.out;
    ASSERT_GT(start_daemon_at(*step.who, step.listen), 0);
    EXPECT_TRUE(wait_both_connected()) << peer_json(alex).dump() << "\n" << peer_json(sam).dump();
  }
  stop_daemon_at(alex);
  stop_daemon_at(sam);
}

}  // namespace
}  // namespace pairspace::itest
