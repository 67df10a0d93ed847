// Issue "Foundation", test 1: the private journal end to end, and nothing readable on disk.
#include <regex>

#include "harness.hpp"

namespace pairspace::itest {
namespace {

class Journal : public PairspaceTest {};

std::string entry_id(const RunResult& added) {
  std::smatch m;
  static const std::regex id_re(R"(#(\d+))");
  if (!std::regex_search(added.out, m, id_re)) return {};
  return m[1].str();
}

// The three texts carry words that appear nowhere else.
const std::string first_word = "Marzipanwolke";
const std::string second_word = "Quokkafreude";
const std::string third_word = "Zephyrgarten";

TEST_F(Journal, AddListGrepShowDeleteLeavesNoTextOnDisk) {
  init_home();
  start_daemon();

  auto a = cli({"journal", "add", "Today felt like " + first_word + " at the window"});
  ASSERT_EQ(a.exit_code, 0) << a.describe();
  RunOptions piped;
  piped.stdin_data = "A long walk,\n" + second_word + " all the way home.\n";
  auto b = cli({"journal", "add", "-"}, piped);
  ASSERT_EQ(b.exit_code, 0) << b.describe();
  RunOptions bare;
  bare.stdin_data = "Quiet evening in the " + third_word + "\n";
  auto c = cli({"journal", "add"}, bare);  // no TEXT, piped stdin
  ASSERT_EQ(c.exit_code, 0) << c.describe();
  const auto id_a = entry_id(a), id_b = entry_id(b), id_c = entry_id(c);
  ASSERT_FALSE(id_a.empty() || id_b.empty() || id_c.empty()) << a.out << b.out << c.out;
  EXPECT_NE(id_a, id_b);
  EXPECT_NE(id_b, id_c);

  auto list = cli({"journal", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.describe();
  EXPECT_TRUE(contains(list.out, first_word)) << list.out;
  EXPECT_TRUE(contains(list.out, "A long walk,")) << list.out;  // first line only in the list
  EXPECT_FALSE(contains(list.out, second_word)) << "list should show only the first line:\n" << list.out;
  EXPECT_TRUE(contains(list.out, third_word)) << list.out;
  EXPECT_TRUE(std::regex_search(list.out, std::regex(R"(#\d+  \d{4}-\d\d-\d\d \d\d:\d\d  )"))) << list.out;

  auto grep = cli({"journal", "list", "--grep", "quokkaFREUDE"});  // any case
  ASSERT_EQ(grep.exit_code, 0) << grep.describe();
  EXPECT_TRUE(contains(grep.out, "#" + id_b)) << grep.out;
  EXPECT_FALSE(contains(grep.out, first_word)) << grep.out;
  EXPECT_FALSE(contains(grep.out, third_word)) << grep.out;

  auto none = cli({"journal", "list", "--grep", "nothing-has-this-word"});
  ASSERT_EQ(none.exit_code, 0) << none.describe();
  EXPECT_FALSE(contains(none.out, "#")) << none.out;

  auto since = cli({"journal", "list", "--since", "1h"});
  ASSERT_EQ(since.exit_code, 0) << since.describe();
  EXPECT_TRUE(contains(since.out, first_word) && contains(since.out, third_word)) << since.out;

  auto show = cli({"journal", "show", id_b});
  ASSERT_EQ(show.exit_code, 0) << show.describe();
  EXPECT_TRUE(contains(show.out, second_word + " all the way home.")) << show.out;

  auto json = cli({"journal", "list", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.describe();
  EXPECT_TRUE(contains(json.out, "\"entries\"")) << json.out;
  EXPECT_TRUE(contains(json.out, "\"created_at\"")) << json.out;

  auto del = cli({"journal", "delete", id_c});
  ASSERT_EQ(del.exit_code, 0) << del.describe();
  auto after = cli({"journal", "list"});
  ASSERT_EQ(after.exit_code, 0) << after.describe();
  EXPECT_FALSE(contains(after.out, third_word)) << after.out;
  EXPECT_TRUE(contains(after.out, first_word)) << after.out;
  auto gone = cli({"journal", "show", id_c});
  EXPECT_NE(gone.exit_code, 0) << gone.describe();
  EXPECT_FALSE(gone.err.empty()) << gone.describe();
  EXPECT_FALSE(looks_like_crash(gone.out + gone.err)) << gone.describe();

  auto bad_id = cli({"journal", "show", "not-a-number"});
  EXPECT_EQ(bad_id.exit_code, 1) << bad_id.describe();

  stop_daemon_and_check();

  // The words must not be readable in any file of the home (deleted one included),
  // nor in the daemon's log.
  for (const char* name : {"store.db", "store.db-wal", "store.db-shm", "key", "daemon.log"}) {
    const auto bytes = read_file(home / name);
    for (const auto& word : {first_word, second_word, third_word, std::string("Quiet evening")}) {
      EXPECT_FALSE(contains(bytes, word)) << word << " readable in " << name;
    }
  }
  EXPECT_GT(read_file(home / "store.db").size(), 0u);
}

TEST_F(Journal, EmptyEntryIsRefusedKindly) {
  init_home();
  start_daemon();
  RunOptions empty;
  empty.stdin_data = "\n\n";
  auto r = cli({"journal", "add", "-"}, empty);
  EXPECT_EQ(r.exit_code, 1) << r.describe();
  EXPECT_FALSE(r.err.empty());
  auto j = cli({"journal", "add", "hello", "--json"});
  EXPECT_EQ(j.exit_code, 0) << j.describe();
  EXPECT_TRUE(contains(j.out, "\"id\"")) << j.out;
  stop_daemon_and_check();
}

}  // namespace
}  // namespace pairspace::itest
