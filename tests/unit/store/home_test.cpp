// init_home: private folder and key file, refuses to overwrite, all or nothing.
#include <gtest/gtest.h>

#include "store/store.hpp"
#include "store/store_impl.hpp"
#include "test_home.hpp"

namespace pairspace::store {
namespace {

using testing::at_ms;
using testing::TempDir;

TEST(Home, PathsLiveInTheHome) {
  const auto p = HomePaths::of("/h");
  EXPECT_EQ(p.database, fs::path("/h/store.db"));
  EXPECT_EQ(p.key_file, fs::path("/h/key"));
  EXPECT_EQ(p.socket, fs::path("/h/control.sock"));
  EXPECT_EQ(p.lock, fs::path("/h/daemon.lock"));
  EXPECT_EQ(p.log, fs::path("/h/daemon.log"));
}

TEST(Home, InitCreatesPrivateFolderKeyAndStore) {
  TempDir dir;
  const auto paths = HomePaths::of(dir.path() / "a" / "b" / "home");
  auto created = init_home(paths.home, {}, at_ms(1));
  ASSERT_TRUE(created.ok()) << created.error().message;
  EXPECT_EQ(testing::mode_of(paths.home), 0700u);
  EXPECT_EQ(testing::mode_of(dir.path() / "a"), 0700u);
  EXPECT_EQ(testing::mode_of(paths.key_file), 0600u);
  EXPECT_EQ(testing::mode_of(paths.database), 0600u);
  EXPECT_EQ(fs::file_size(paths.key_file), 48u);
  // Closed cleanly: no WAL left behind, and nothing else in the folder.
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(paths.home)) names.push_back(e.path().filename());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"key", "store.db"}));
}

TEST(Home, RefusesToInitOverAnExistingDevice) {
  TempDir dir;
  const auto paths = HomePaths::of(dir.path() / "d");
  auto first = init_home(paths.home, {}, at_ms(1));
  ASSERT_TRUE(first.ok());
  const auto db_before = testing::hash_file(paths.database);
  const auto key_before = testing::hash_file(paths.key_file);
  auto second = init_home(paths.home, {}, at_ms(2));
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, v1::CODE_REFUSED);
  EXPECT_EQ(second.error().message, "There is already a pairspace device in " +
                                        paths.home.string() + "; nothing was changed.");
  EXPECT_EQ(testing::hash_file(paths.database), db_before);
  EXPECT_EQ(testing::hash_file(paths.key_file), key_before);
  auto store = Store::open(paths);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->identity()->device_id, first->device_id);
}

TEST(Home, RefusesWhenOnlyAKeyFileIsThere) {
  TempDir dir;
  const auto home = dir.path() / "d";
  fs::create_directory(home);
  testing::write_bytes(home / "key", {1, 2, 3});
  auto created = init_home(home, {}, at_ms(1));
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, v1::CODE_REFUSED);
  EXPECT_EQ(testing::read_bytes(home / "key"), (std::vector<std::uint8_t>{1, 2, 3}));
}

TEST(Home, EmptyExistingFolderIsUsedAndMadePrivate) {
  TempDir dir;
  const auto home = dir.path() / "d";
  fs::create_directory(home);
  fs::permissions(home, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                            fs::perms::others_read | fs::perms::others_exec);
  ASSERT_TRUE(init_home(home, {}, at_ms(1)).ok());
  EXPECT_EQ(testing::mode_of(home), 0700u);
}

TEST(Home, RejectsOverlongOrInvalidNames) {
  TempDir dir;
  EXPECT_EQ(init_home(dir.path() / "a", InitOptions{std::string(101, 'n'), std::nullopt}, at_ms(1))
                .error()
                .code,
            v1::CODE_USAGE);
  EXPECT_EQ(init_home(dir.path() / "b", InitOptions{"bad\xc0", std::nullopt}, at_ms(1)).error().code,
            v1::CODE_USAGE);
  EXPECT_FALSE(fs::exists(dir.path() / "a"));
  EXPECT_FALSE(fs::exists(dir.path() / "b"));
}

TEST(Home, FailureAtAnyStepLeavesNothingBehind) {
  const std::vector<std::string> steps = {"create the home folder", "write the key file",
                                          "create the store", "fill the store",
                                          "check the store", "finish"};
  for (const auto& step : steps) {
    TempDir dir;
    const auto home = dir.path() / "parent" / "home";
    bool reached = false;
    auto created = detail::init_home(home, {}, at_ms(1), [&](std::string_view s) {
      if (s == step) reached = true;
      return s == step;
    });
    EXPECT_TRUE(reached) << step;
    ASSERT_FALSE(created.ok()) << step;
    EXPECT_EQ(created.error().code, v1::CODE_STORE);
    EXPECT_FALSE(fs::exists(dir.path() / "parent")) << step;
    EXPECT_TRUE(fs::is_empty(dir.path())) << step;
    // And a later init in the same place works.
    EXPECT_TRUE(init_home(home, {}, at_ms(1)).ok()) << step;
  }
}

TEST(Home, FailureInAnExistingFolderKeepsTheFolderAndItsFiles) {
  TempDir dir;
  testing::write_bytes(dir.path() / "notes.txt", {'h', 'i'});
  auto created = detail::init_home(dir.path(), {}, at_ms(1),
                                   [](std::string_view s) { return s == "check the store"; });
  ASSERT_FALSE(created.ok());
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir.path())) names.push_back(e.path().filename());
  EXPECT_EQ(names, (std::vector<std::string>{"notes.txt"}));
}

TEST(Home, UnwritableParentIsAClearStoreError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores permissions";
  TempDir dir;
  const auto parent = dir.path() / "ro";
  fs::create_directory(parent);
  fs::permissions(parent, fs::perms::owner_read | fs::perms::owner_exec);
  auto created = init_home(parent / "home", {}, at_ms(1));
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.error().code, v1::CODE_STORE);
  EXPECT_NE(created.error().message.find((parent / "home").string()), std::string::npos);
}

}  // namespace
}  // namespace pairspace::store
