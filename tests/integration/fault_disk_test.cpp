// A full disk: Alex's home lives on a small tmpfs (mounted in a private mount namespace
// this test process makes for itself, so nothing outside sees it), which is then filled to
// the last byte. Commands that write fail with a clear sentence and no crash, the daemon
// keeps running, a sync batch it cannot store is refused whole and comes again later, and
// once space is freed everything written before is there and the two devices agree again.
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <thread>

#include "fault_support.hpp"

namespace pairspace::itest {
namespace {

constexpr const char* disk_size = "size=6m";
constexpr auto arrive_bound = 20s;
constexpr int max_writes_to_fill = 50;  // journal adds until the store cannot grow

bool write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  return static_cast<bool>(out);
}

// A private mount namespace for this process (and the daemons it starts): as root, or as an
// unprivileged user inside a user namespace of its own. Empty when it worked, else why not.
std::string enter_private_mounts() {
  if (::unshare(CLONE_NEWNS) != 0) {
    const uid_t uid = ::getuid();
    const gid_t gid = ::getgid();
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) return std::string("unshare: ") + std::strerror(errno);
    if (!write_file("/proc/self/setgroups", "deny") ||
        !write_file("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") ||
        !write_file("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1")) {
      return "cannot map this user into a user namespace";
    }
  }
  if (::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return std::string("mount --make-rprivate /: ") + std::strerror(errno);
  }
  return {};
}

class FaultDisk : public FaultDevices {
 protected:
  void SetUp() override {
    FaultDevices::SetUp();
    if (HasFatalFailure()) return;
    disk = root / "disk";
    fs::create_directory(disk);
    if (const auto why = enter_private_mounts(); !why.empty()) GTEST_SKIP() << "no private mount namespace: " << why;
    if (::mount("tmpfs", disk.c_str(), "tmpfs", 0, disk_size) != 0) {
      GTEST_SKIP() << "cannot mount a tmpfs: " << std::strerror(errno);
    }
    mounted = true;
    alex = init_device("disk/alex", alex_name);
  }
  void after_daemons() override {
    if (mounted) ::umount2(disk.c_str(), MNT_DETACH);
  }

  // Fills the tmpfs to the last byte with a ballast file.
  void fill_disk() {
    const int fd = ::open((disk / "ballast").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ASSERT_GE(fd, 0) << std::strerror(errno);
    std::vector<char> block(64 * 1024, 'x');
    for (std::size_t size = block.size(); size > 0; size /= 2) {
      while (::write(fd, block.data(), size) == static_cast<ssize_t>(size)) {
      }
    }
    ::close(fd);
  }
  std::string journal_list(const fs::path& at) { return cli_at(at, {"journal", "list", "--json"}).out; }
  bool alive(const fs::path& at) { return cli_at(at, {"daemon", "status"}).exit_code == 0; }

  fs::path disk;
  bool mounted = false;
};

TEST_F(FaultDisk, AFullDiskGivesAClearErrorAndLosesNothing) {
  ASSERT_NO_FATAL_FAILURE(start_both_tracked());
  pair();
  ASSERT_TRUE(wait_both_connected());
  for (const char* text : {"first thoughts before the disk filled", "second thoughts before the disk filled"}) {
    auto added = cli_at(alex, {"journal", "add", text});
    ASSERT_EQ(added.exit_code, 0) << added.describe();
  }
  ASSERT_EQ(cli_at(alex, {"space", "need", "--for", "1h", "--note", "before full"}).exit_code, 0);
  ASSERT_TRUE(wait_same_digest(arrive_bound));

  ASSERT_NO_FATAL_FAILURE(fill_disk());
  RunResult refused;
  for (int i = 0; i < max_writes_to_fill && refused.exit_code <= 0; ++i) {
    auto r = cli_at(alex, {"journal", "add", "while full " + std::to_string(i)});
    if (r.exit_code != 0) refused = r;
  }
  ASSERT_GT(refused.exit_code, 0) << "a journal entry was always stored on a full disk";
  EXPECT_FALSE(looks_like_crash(refused.out + refused.err)) << refused.describe();
  EXPECT_TRUE(contains(refused.err, "no room left") && contains(refused.err, "free some space"))
      << refused.describe();
  std::cout << "[fault] journal add on a full disk: " << refused.err;
  auto need = cli_at(alex, {"space", "need", "--for", "1h", "--note", "while full"});
  EXPECT_GT(need.exit_code, 0) << need.describe();
  EXPECT_TRUE(contains(need.err, "no room left")) << need.describe();
  EXPECT_FALSE(looks_like_crash(need.out + need.err)) << need.describe();
  std::cout << "[fault] space need on a full disk: " << need.err;
  // Sam's change cannot be stored on Alex's device yet.
  ASSERT_EQ(cli_at(sam, {"space", "need", "--for", "1h", "--note", "sam while alex is full"}).exit_code, 0);
  std::this_thread::sleep_for(1s);
  EXPECT_TRUE(alive(alex)) << read_file(alex / "daemon.log");
  EXPECT_FALSE(looks_like_crash(read_file(alex / "daemon.log"))) << read_file(alex / "daemon.log");

  fs::remove(disk / "ballast");
  auto after = cli_at(alex, {"journal", "add", "after the disk had room again"});
  EXPECT_EQ(after.exit_code, 0) << after.describe();
  EXPECT_TRUE(wait_same_digest(arrive_bound)) << "Sam's change arrives once there is room";
  ASSERT_NO_FATAL_FAILURE(stop(alex));
  ASSERT_TRUE(start(alex, alex_address)) << "the store opens again";
  const std::string journal_after = journal_list(alex);
  for (const char* text : {"first thoughts before the disk filled", "second thoughts before the disk filled",
                           "after the disk had room again"}) {
    EXPECT_TRUE(contains(journal_after, text)) << journal_after;
  }
  EXPECT_TRUE(wait_same_digest(arrive_bound));
  StoreDigest a, s;
  ASSERT_NO_FATAL_FAILURE(stop_both_and_compare(a, s));
  EXPECT_EQ(a.rows, a.self + a.partner) << a.raw;
  EXPECT_EQ(a.partner, 1U) << a.raw;
}

}  // namespace
}  // namespace pairspace::itest
