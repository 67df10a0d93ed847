#include "daemon/lock_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "harness.hpp"

namespace pairspace::daemon::test {
namespace {

TEST(LockFile, SecondHolderIsRefusedWithThePid) {
  TempDir dir;
  const auto path = dir.path / "daemon.lock";
  auto first = LockFile::acquire(path, dir.path);
  ASSERT_TRUE(first.ok()) << first.error().message;
  std::string content;
  std::getline(std::ifstream(path), content);
  EXPECT_EQ(content, std::to_string(::getpid()));

  auto second = LockFile::acquire(path, dir.path);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code, v1::CODE_REFUSED);
  EXPECT_EQ(second.error().message, "Another pairspaced is already running for " + dir.path.string() +
                                        " (pid " + std::to_string(::getpid()) +
                                        "). Stop it with `pairspace daemon stop` first.");
}

TEST(LockFile, ReleasedOnDestructionAndAfterMove) {
  TempDir dir;
  const auto path = dir.path / "daemon.lock";
  {
    auto first = LockFile::acquire(path, dir.path);
    ASSERT_TRUE(first.ok());
    LockFile moved = std::move(first.value());
    EXPECT_FALSE(LockFile::acquire(path, dir.path).ok());
  }
  EXPECT_TRUE(LockFile::acquire(path, dir.path).ok());
}

TEST(LockFile, StalePidFromADeadDaemonDoesNotMatter) {
  TempDir dir;
  const auto path = dir.path / "daemon.lock";
  std::ofstream(path) << "999999\n";
  EXPECT_TRUE(LockFile::acquire(path, dir.path).ok());
}

TEST(LockFile, MissingDirectoryIsAStoreError) {
  TempDir dir;
  auto lock = LockFile::acquire(dir.path / "absent" / "daemon.lock", dir.path / "absent");
  ASSERT_FALSE(lock.ok());
  EXPECT_EQ(lock.error().code, v1::CODE_STORE);
}

}  // namespace
}  // namespace pairspace::daemon::test
