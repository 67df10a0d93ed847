#pragma once
// Integration-test harness: runs the real `pairspace` / `pairspaced` binaries in a
// temporary home under /tmp (short, for the Unix socket path limit), with hard timeouts.
// Daemons started through `pairspace daemon start` are re-parented to this process
// (PR_SET_CHILD_SUBREAPER), so their exit status can be checked too.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pairspace::itest {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto default_command_timeout = 60s;  // generous: sanitizer builds are slow
constexpr auto daemon_exit_timeout = 20s;

struct RunOptions {
  std::string stdin_data;
  std::vector<std::string> env;              // extra NAME=VALUE entries
  std::chrono::milliseconds timeout = default_command_timeout;
  std::vector<std::string> prefix;           // e.g. {"setpriv", "--reuid=65534", ...}
};

struct RunResult {
  int exit_code = -1;  // -1: killed by a signal or timed out
  int signal = 0;
  bool timed_out = false;
  std::string out;
  std::string err;
  std::string describe() const;  // for assertion messages
};

fs::path binary(const std::string& name);  // PAIRSPACE_BIN_DIR/name
RunResult run_process(const std::vector<std::string>& argv, const RunOptions& options = {});

std::string read_file(const fs::path& path);  // "" when absent
bool contains(const std::string& haystack, const std::string& needle);
// Words that must never appear in output: sanitizer reports, crashes, uncaught exceptions.
bool looks_like_crash(const std::string& text);
// Waits for a child (or re-parented) process; nullopt on timeout. Returns its wait status.
std::optional<int> wait_for_exit(pid_t pid, std::chrono::milliseconds timeout);

class PairspaceTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // `pairspace --home <home> args...`
  RunResult cli(const std::vector<std::string>& args, const RunOptions& options = {});
  RunResult cli_at(const fs::path& home, const std::vector<std::string>& args, const RunOptions& options = {});

  // `pairspace init` (key-file mode unless a passphrase is given); asserts success.
  void init_home(const std::optional<std::string>& passphrase = std::nullopt);
  // `pairspace daemon start --listen 127.0.0.1:0`; asserts success; returns the daemon pid.
  pid_t start_daemon();
  // `pairspace daemon stop`; asserts success, exit status 0 and a log without sanitizer reports.
  void stop_daemon_and_check();

  fs::path root;  // the temporary directory (0700)
  fs::path home;  // root/h, created by `pairspace init`

 private:
  std::vector<pid_t> m_daemons;
};

}  // namespace pairspace::itest
