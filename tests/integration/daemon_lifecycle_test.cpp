// Issue "Foundation", test 4: one daemon per home; clear advice when none runs.
#include "harness.hpp"

namespace pairspace::itest {
namespace {

class DaemonLifecycle : public PairspaceTest {};

TEST_F(DaemonLifecycle, SecondDaemonOnSameHomeIsRefused) {
  init_home();
  start_daemon();
  ASSERT_EQ(cli({"journal", "add", "before the second daemon"}).exit_code, 0);

  RunOptions bounded;
  bounded.timeout = 30s;
  auto second = run_process({binary("pairspaced").string(), "--home", home.string(), "--listen", "127.0.0.1:0"},
                            bounded);
  EXPECT_EQ(second.exit_code, 4) << second.describe();
  EXPECT_FALSE(second.err.empty()) << second.describe();
  EXPECT_FALSE(looks_like_crash(second.out + second.err)) << second.describe();

  auto again = cli({"daemon", "start"});
  EXPECT_EQ(again.exit_code, 0) << again.describe();
  EXPECT_TRUE(contains(again.out, "already running")) << again.describe();

  // The first one keeps working.
  ASSERT_EQ(cli({"journal", "add", "after the second daemon"}).exit_code, 0);
  auto list = cli({"journal", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.describe();
  EXPECT_TRUE(contains(list.out, "before the second daemon")) << list.out;
  EXPECT_TRUE(contains(list.out, "after the second daemon")) << list.out;
  auto status = cli({"daemon", "status"});
  EXPECT_EQ(status.exit_code, 0) << status.describe();
  EXPECT_TRUE(contains(status.out, "127.0.0.1:")) << status.out;
  EXPECT_FALSE(contains(status.out, "127.0.0.1:0 ")) << "status should show the real port\n" << status.out;
  stop_daemon_and_check();
}

TEST_F(DaemonLifecycle, NoDaemonGivesAdvice) {
  init_home();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"journal", "list"}, {"daemon", "status"}, {"status"}, {"journal", "add", "x"}}) {
    auto r = cli(args);
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    EXPECT_TRUE(contains(r.err, "pairspace daemon start")) << r.describe();
  }
  auto stop = cli({"daemon", "stop"});
  EXPECT_EQ(stop.exit_code, 0) << stop.describe();
  EXPECT_TRUE(contains(stop.out, "not running")) << stop.describe();
}

TEST_F(DaemonLifecycle, UninitialisedHomeSaysInit) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"journal", "list"}, {"daemon", "start"}, {"daemon", "status"}, {"status"}}) {
    auto r = cli(args);
    EXPECT_EQ(r.exit_code, 3) << r.describe();
    EXPECT_TRUE(contains(r.err, "pairspace init")) << r.describe();
  }
  EXPECT_FALSE(fs::exists(home)) << "nothing should create the home but init";
}

TEST_F(DaemonLifecycle, StartStopStartAgain) {
  init_home();
  start_daemon();
  ASSERT_EQ(cli({"journal", "add", "kept across restarts"}).exit_code, 0);
  stop_daemon_and_check();
  start_daemon();
  auto list = cli({"journal", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.describe();
  EXPECT_TRUE(contains(list.out, "kept across restarts")) << list.out;
  stop_daemon_and_check();
}

}  // namespace
}  // namespace pairspace::itest
