// Issue "Foundation", test 7: every command of CLI.md exists, answers --help, and says
// kindly how to start the daemon when the shared-state commands find none; usage errors and a second init are refused.
#include <map>

#include "harness.hpp"

namespace pairspace::itest {
namespace {

class CliContract : public PairspaceTest {
 protected:
  std::map<std::string, std::string> snapshot(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::directory_iterator(dir)) files[entry.path().filename()] = read_file(entry.path());
    return files;
  }
};

using Args = std::vector<std::string>;

const std::vector<Args> every_command = {
    {},
    {"init"},
    {"daemon"},
    {"daemon", "start"},
    {"daemon", "stop"},
    {"daemon", "status"},
    {"unlock"},
    {"pair"},
    {"pair", "invite"},
    {"pair", "join"},
    {"peer"},
    {"peer", "address"},
    {"peer", "forget"},
    {"space"},
    {"space", "need"},
    {"space", "end"},
    {"space", "ack"},
    {"status"},
    {"checkin"},
    {"checkin", "next"},
    {"agree"},
    {"agree", "propose"},
    {"agree", "list"},
    {"agree", "accept"},
    {"agree", "decline"},
    {"agree", "revoke"},
    {"agree", "amend"},
    {"calendar"},
    {"history"},
    {"watch"},
    {"journal"},
    {"journal", "add"},
    {"journal", "list"},
    {"journal", "show"},
    {"journal", "delete"},
};

TEST_F(CliContract, EveryCommandAnswersHelp) {
  for (auto args : every_command) {
    const std::string name = args.empty() ? "pairspace" : args.back();
    args.push_back("--help");
    auto r = cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    EXPECT_TRUE(contains(r.out, name)) << r.describe();
    EXPECT_TRUE(contains(r.out, "--help")) << r.describe();
  }
}

TEST_F(CliContract, FlagsFromTheContractAreAccepted) {
  const std::map<std::string, std::vector<std::string>> flags = {
      {"init", {"--name", "--passphrase-stdin"}},
      {"start", {"--listen"}},
      {"unlock", {"--passphrase-stdin"}},
      {"invite", {"--expires", "--wait"}},
      {"join", {"--peer", "CODE"}},
      {"forget", {"--yes"}},
      {"need", {"--for", "--until", "--kind", "--note"}},
      {"end", {"--note"}},
      {"ack", {"--note"}},
      {"checkin", {"--mood", "--note"}},
      {"next", {"--count"}},
      {"propose", {"--checkin", "--tz", "--note", "--ritual", "--boundary"}},
      {"amend", {"--checkin", "--tz", "--note", "--ritual", "--boundary", "ID"}},
      {"decline", {"ID", "--note"}},
      {"calendar", {"--out"}},
      {"history", {"--limit"}},
      {"list", {"--grep", "--since"}},
  };
  for (const auto& args : every_command) {
    if (args.empty() || !flags.contains(args.back())) continue;
    if (args.back() == "list" && args.front() != "journal") continue;
    auto with_help = args;
    with_help.push_back("--help");
    auto r = cli(with_help);
    for (const auto& flag : flags.at(args.back())) EXPECT_TRUE(contains(r.out, flag)) << flag << "\n" << r.describe();
  }
  auto agree_list = cli({"agree", "list", "--help"});
  EXPECT_TRUE(contains(agree_list.out, "--all")) << agree_list.describe();
}

TEST_F(CliContract, SharedStateCommandsWithoutADaemonSayHowToStartIt) {
  init_home();
  const std::vector<Args> later = {
      {"space", "need", "--for", "2h", "--kind", "quiet", "--note", "tired"},
      {"space", "need", "--until", "20:00"},
      {"space", "end", "--note", "back"},
      {"space", "ack"},
      {"checkin", "--mood", "4", "--note", "ok"},
      {"checkin", "next", "--count", "3"},
      {"agree", "propose", "--checkin", "daily 21:00", "--tz", "Europe/Berlin"},
      {"agree", "propose", "--ritual", "Sunday walk"},
      {"agree", "propose", "--boundary", "no phones at dinner"},
      {"agree", "list", "--all"},
      {"agree", "accept", "a1b2"},
      {"agree", "decline", "a1b2", "--note", "not yet"},
      {"agree", "revoke", "a1b2"},
      {"agree", "amend", "a1b2", "--checkin", "mon,wed,fri 08:30"},
      {"calendar", "--out", "/tmp/never-written.ics"},
      {"history", "--limit", "5"},
      {"watch"},
  };
  for (const auto& args : later) {
    auto r = cli(args);
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    EXPECT_TRUE(contains(r.err, "pairspace daemon start")) << r.describe();
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one sentence\n" << r.describe();
  }
  auto json = cli({"watch", "--json"});
  EXPECT_EQ(json.exit_code, 2) << json.describe();
  EXPECT_TRUE(contains(json.out, "\"code\"")) << json.describe();
  EXPECT_FALSE(fs::exists("/tmp/never-written.ics"));
}

TEST_F(CliContract, UsageErrorsExitOneWithASentence) {
  const std::vector<Args> wrong = {
      {"journal", "list", "--bogus"},
      {"--no-such-flag", "status"},
      {"frobnicate"},
      {},
      {"journal"},
      {"journal", "show"},
      {"space", "need", "--kind", "sulky"},
      {"space", "need", "--for", "1h", "--until", "20:00"},
      {"checkin", "--mood", "9"},
      {"agree", "propose", "--ritual", "a", "--boundary", "b"},
  };
  for (const auto& args : wrong) {
    auto r = cli(args);
    EXPECT_EQ(r.exit_code, 1) << r.describe();
    EXPECT_FALSE(r.err.empty()) << r.describe();
    EXPECT_TRUE(contains(r.err, "--help")) << r.describe();
    EXPECT_FALSE(looks_like_crash(r.out + r.err)) << r.describe();
  }
  auto version = cli({"--version"});
  EXPECT_EQ(version.exit_code, 0) << version.describe();
  EXPECT_TRUE(contains(version.out, "pairspace")) << version.describe();
}

TEST_F(CliContract, AMistypedCommandIsNamedWithWhatThereIs) {
  auto typo = cli({"journal", "lst"});
  EXPECT_EQ(typo.exit_code, 1) << typo.describe();
  EXPECT_TRUE(contains(typo.err, "`pairspace journal` has no command \"lst\"")) << typo.describe();
  EXPECT_TRUE(contains(typo.err, "add, list, show or delete")) << typo.describe();

  auto top = cli({"jornal"});
  EXPECT_EQ(top.exit_code, 1) << top.describe();
  EXPECT_TRUE(contains(top.err, "no command \"jornal\"")) << top.describe();
  EXPECT_TRUE(contains(top.err, "journal")) << top.describe();

  auto none = cli({"space"});
  EXPECT_EQ(none.exit_code, 1) << none.describe();
  EXPECT_TRUE(contains(none.err, "Please choose a command: need, end or ack")) << none.describe();
}

TEST_F(CliContract, InitTwiceIsRefusedAndTheFirstHomeIsUntouched) {
  auto first = cli({"init", "--name", "first"});
  ASSERT_EQ(first.exit_code, 0) << first.describe();
  EXPECT_TRUE(contains(first.out, "first")) << first.out;
  EXPECT_TRUE(contains(first.out, "pairspace daemon start")) << first.out;
  const auto before = snapshot(home);
  ASSERT_FALSE(before.empty());

  auto second = cli({"init", "--name", "second"});
  EXPECT_EQ(second.exit_code, 4) << second.describe();
  EXPECT_FALSE(second.err.empty()) << second.describe();
  EXPECT_FALSE(looks_like_crash(second.out + second.err)) << second.describe();
  RunOptions pass;
  pass.stdin_data = "another secret\n";
  auto third = cli({"init", "--passphrase-stdin"}, pass);
  EXPECT_EQ(third.exit_code, 4) << third.describe();
  EXPECT_TRUE(snapshot(home) == before) << "a refused init changed the home";
}

TEST_F(CliContract, InitJsonAndEmptyPassphrase) {
  RunOptions empty;
  empty.stdin_data = "\n";
  auto blank = cli({"init", "--passphrase-stdin"}, empty);
  EXPECT_EQ(blank.exit_code, 1) << blank.describe();
  EXPECT_FALSE(blank.err.empty());
  EXPECT_FALSE(fs::exists(home / "store.db"));

  auto json = cli({"init", "--name", "jsonbox", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.describe();
  EXPECT_TRUE(contains(json.out, "\"device_id\"")) << json.out;
  EXPECT_TRUE(contains(json.out, "jsonbox")) << json.out;
}

}  // namespace
}  // namespace pairspace::itest
