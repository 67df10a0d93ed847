#include "daemon/options.hpp"

#include <gtest/gtest.h>

#include <map>
#include <vector>

namespace pairspace::daemon {
namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Result<CommandLine> parse(std::vector<std::string_view> args, std::map<std::string, std::string> env = {}) {
  return parse_command_line(args, env_of(std::move(env)));
}

TEST(DaemonOptions, HomeAndListenFlags) {
  auto line = parse({"--home", "/h", "--listen", "127.0.0.1:0"});
  ASSERT_TRUE(line.ok()) << line.error().message;
  EXPECT_EQ(line->options.home, "/h");
  EXPECT_EQ(line->options.listen, "127.0.0.1:0");
  EXPECT_FALSE(line->print_and_exit);
}

TEST(DaemonOptions, EqualsSpelling) {
  auto line = parse({"--home=/h2", "--listen=:0"});
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->options.home, "/h2");
  EXPECT_EQ(line->options.listen, ":0");
}

TEST(DaemonOptions, DefaultListenAddress) {
  auto line = parse({"--home", "/h"});
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->options.listen, "0.0.0.0:47474");
}

TEST(DaemonOptions, HomeFallsBackThroughTheEnvironment) {
  EXPECT_EQ(parse({}, {{"PAIRSPACE_HOME", "/p"}, {"XDG_DATA_HOME", "/x"}, {"HOME", "/u"}})->options.home, "/p");
  EXPECT_EQ(parse({}, {{"XDG_DATA_HOME", "/x"}, {"HOME", "/u"}})->options.home, "/x/pairspace");
  EXPECT_EQ(parse({}, {{"HOME", "/u"}})->options.home, "/u/.local/share/pairspace");
  EXPECT_EQ(parse({"--home", "/flag"}, {{"PAIRSPACE_HOME", "/p"}})->options.home, "/flag");
  auto none = parse({});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, v1::CODE_USAGE);
}

TEST(DaemonOptions, HelpAndVersionPrintAndExit) {
  auto help = parse({"--help"});
  ASSERT_TRUE(help.ok() && help->print_and_exit);
  EXPECT_NE(help->print_and_exit->find("--listen HOST:PORT"), std::string::npos);
  auto version = parse({"--version"});
  ASSERT_TRUE(version.ok() && version->print_and_exit);
  EXPECT_TRUE(version->print_and_exit->starts_with("pairspaced "));
}

TEST(DaemonOptions, BadFlagsAreUsageErrorsWithASentence) {
  for (const auto& args : std::vector<std::vector<std::string_view>>{
           {"--bogus"}, {"--home"}, {"--listen"}, {"--home="}, {"stray"}, {"-x"}}) {
    auto line = parse(args, {{"HOME", "/u"}});
    ASSERT_FALSE(line.ok()) << args.front();
    EXPECT_EQ(line.error().code, v1::CODE_USAGE);
    EXPECT_NE(line.error().message.find("pairspaced --help"), std::string::npos);
  }
}

}  // namespace
}  // namespace pairspace::daemon
