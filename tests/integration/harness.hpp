#pragma once
// Integration-test harness: runs the real `pairspace` / `pairspaced` binaries in a
// temporary home under /tmp (short, for the Unix socket path limit), with hard timeouts.
// Daemons started through `pairspace daemon start` are re-parented to this process
// (PR_SET_CHILD_SUBREAPER), so their exit status can be checked too.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
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
// This process's environment without PAIRSPACE_HOME (tests always say --home), plus `extra`.
std::vector<std::string> child_environment(const std::vector<std::string>& extra);
RunResult run_process(const std::vector<std::string>& argv, const RunOptions& options = {});

std::string read_file(const fs::path& path);  // "" when absent
bool contains(const std::string& haystack, const std::string& needle);
// Words that must never appear in output: sanitizer reports, crashes, uncaught exceptions.
bool looks_like_crash(const std::string& text);
// Waits for a child (or re-parented) process; nullopt on timeout. Returns its wait status.
std::optional<int> wait_for_exit(pid_t pid, std::chrono::milliseconds timeout);

// A process left running while the test goes on (e.g. `pair invite --wait`), its stdout and
// stderr going to files. The destructor kills it if it is still running.
class Background {
 public:
  Background(const std::vector<std::string>& argv, const fs::path& out_file, const fs::path& err_file);
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  std::string out() const { return read_file(m_out); }
  std::string err() const { return read_file(m_err); }
  // Polls stdout until it contains `needle`; false on timeout or when the process ended first.
  bool wait_for_output(const std::string& needle, std::chrono::milliseconds timeout) const;
  // Waits for the exit; a RunResult with timed_out when it did not end in time (then killed).
  RunResult finish(std::chrono::milliseconds timeout);

 private:
  pid_t m_pid = -1;
  fs::path m_out, m_err;
  bool m_done = false;
};

// Polls `condition` every 100 ms until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

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

  // Several devices: root/<dir> with `pairspace init --name NAME`; asserts success.
  fs::path init_device(const std::string& dir, const std::string& name);
  // `pairspace daemon start --listen LISTEN` for that home; returns the pid (-1 on failure).
  pid_t start_daemon_at(const fs::path& at, const std::string& listen = "127.0.0.1:0");
  // `pairspace daemon stop` for that home, with the same checks as stop_daemon_and_check.
  void stop_daemon_at(const fs::path& at);
  // The daemon's real listen address (HOST:PORT) from `daemon status --json`; "" if unknown.
  std::string listen_address_of(const fs::path& at);
  // Runs `pairspace --home AT args...` with stdin on a pseudo-terminal where `typed` was
  // typed (e.g. "y\n"); stdout and stderr are captured as usual.
  RunResult cli_on_terminal(const fs::path& at, const std::vector<std::string>& args, const std::string& typed);
  // Runs `pairspace --home AT args...` in the background (output files under root).
  std::unique_ptr<Background> cli_background(const fs::path& at, const std::vector<std::string>& args);

  fs::path root;  // the temporary directory (0700)
  fs::path home;  // root/h, created by `pairspace init`

 private:
  struct Running {
    fs::path home;
    pid_t pid;
  };
  std::vector<Running> m_daemons;
  int m_background_count = 0;
};

}  // namespace pairspace::itest
