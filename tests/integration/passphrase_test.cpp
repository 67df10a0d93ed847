// Issue "Foundation", test 2: a passphrase-protected store starts locked.
#include "harness.hpp"

namespace pairspace::itest {
namespace {

class Passphrase : public PairspaceTest {};

const std::string passphrase = "correct horse battery staple";

TEST_F(Passphrase, StartsLockedRefusesWrongAndUnlocksWithRight) {
  init_home(passphrase);
  EXPECT_FALSE(fs::exists(home / "key")) << "passphrase mode keeps no key file";
  start_daemon();

  auto status = cli({"daemon", "status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.describe();
  EXPECT_TRUE(contains(status.out, "\"locked\": true") || contains(status.out, "\"locked\":true")) << status.out;

  auto locked = cli({"journal", "list"});
  EXPECT_EQ(locked.exit_code, 3) << locked.describe();
  EXPECT_TRUE(contains(locked.err, "unlock")) << locked.describe();

  auto locked_json = cli({"journal", "list", "--json"});
  EXPECT_EQ(locked_json.exit_code, 3) << locked_json.describe();
  EXPECT_TRUE(contains(locked_json.out, "\"code\"") && contains(locked_json.out, "\"message\""))
      << locked_json.describe();

  RunOptions wrong;
  wrong.stdin_data = "not the passphrase\n";
  auto bad = cli({"unlock", "--passphrase-stdin"}, wrong);
  EXPECT_EQ(bad.exit_code, 3) << bad.describe();
  EXPECT_FALSE(bad.err.empty()) << bad.describe();
  EXPECT_FALSE(looks_like_crash(bad.out + bad.err)) << bad.describe();
  EXPECT_EQ(cli({"journal", "list"}).exit_code, 3) << "still locked after a wrong passphrase";

  RunOptions empty;
  empty.stdin_data = "\n";
  auto blank = cli({"unlock", "--passphrase-stdin"}, empty);
  EXPECT_EQ(blank.exit_code, 1) << blank.describe();
  EXPECT_FALSE(blank.err.empty());

  RunOptions right;
  right.stdin_data = passphrase + "\n";
  auto good = cli({"unlock", "--passphrase-stdin"}, right);
  ASSERT_EQ(good.exit_code, 0) << good.describe();

  ASSERT_EQ(cli({"journal", "add", "Lanternfish evening"}).exit_code, 0);
  auto list = cli({"journal", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.describe();
  EXPECT_TRUE(contains(list.out, "Lanternfish evening")) << list.out;
  auto me = cli({"status"});
  EXPECT_EQ(me.exit_code, 0) << me.describe();
  EXPECT_TRUE(contains(me.out, "testbox")) << me.out;
  EXPECT_TRUE(contains(me.out, "Not paired yet.")) << me.out;

  stop_daemon_and_check();
  for (const char* name : {"store.db", "store.db-wal", "daemon.log"}) {
    const auto bytes = read_file(home / name);
    EXPECT_FALSE(contains(bytes, "Lanternfish")) << name;
    EXPECT_FALSE(contains(bytes, passphrase)) << name;
  }
}

}  // namespace
}  // namespace pairspace::itest
