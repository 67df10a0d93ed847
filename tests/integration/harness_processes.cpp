// The harness's longer-running processes: background commands, a CLI on a pseudo-terminal,
// and polling until something holds.
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "harness.hpp"

namespace pairspace::itest {

namespace {
using Clock = std::chrono::steady_clock;
constexpr auto poll_pause = 100ms;
}  // namespace

RunResult PairspaceTest::cli_on_terminal(const fs::path& at, const std::vector<std::string>& args,
                                         const std::string& typed) {
  RunResult result;
  const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0 || ::ptsname(master) == nullptr) {
    if (master >= 0) ::close(master);
    result.err = "harness: no pseudo-terminal";
    return result;
  }
  const std::string terminal = ::ptsname(master);
  std::vector<std::string> argv_strings = {binary("pairspace").string(), "--home", at.string()};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  auto env_strings = child_environment({});
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  const int n = ++m_background_count;
  const fs::path out_file = root / ("tty" + std::to_string(n) + ".out");
  const fs::path err_file = root / ("tty" + std::to_string(n) + ".err");
  const int out_fd = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int err_fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setsid();
    const int slave = ::open(terminal.c_str(), O_RDWR);
    ::dup2(slave, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(126);
  }
  ::close(out_fd);
  ::close(err_fd);
  if (!typed.empty()) (void)!::write(master, typed.data(), typed.size());
  auto status = wait_for_exit(pid, default_command_timeout);
  if (!status) {
    result.timed_out = true;
    ::kill(pid, SIGKILL);
    status = wait_for_exit(pid, 5s);
  }
  ::close(master);
  if (status && WIFEXITED(*status) && !result.timed_out) result.exit_code = WEXITSTATUS(*status);
  if (status && WIFSIGNALED(*status)) result.signal = WTERMSIG(*status);
  result.out = read_file(out_file);
  result.err = read_file(err_file);
  return result;
}

Background::Background(const std::vector<std::string>& argv_in, const fs::path& out_file, const fs::path& err_file)
    : m_out(out_file), m_err(err_file) {
  std::vector<std::string> args = argv_in;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  auto env_strings = child_environment({});  // built before fork: the test may run threads
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  const int out_fd = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int err_fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (out_fd < 0 || err_fd < 0 || null_fd < 0) {
    ADD_FAILURE() << "harness: cannot open output files for a background process";
    for (int fd : {out_fd, err_fd, null_fd}) {
      if (fd >= 0) ::close(fd);
    }
    return;
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(null_fd, STDIN_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_fd, STDERR_FILENO);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(126);
  }
  for (int fd : {out_fd, err_fd, null_fd}) ::close(fd);
  m_pid = pid;
}

Background::~Background() {
  if (m_pid > 0 && !m_done) {
    ::kill(-m_pid, SIGKILL);
    ::kill(m_pid, SIGKILL);
    (void)wait_for_exit(m_pid, 5s);
  }
}

bool Background::wait_for_output(const std::string& needle, std::chrono::milliseconds timeout) const {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (contains(out(), needle)) return true;
    if (Clock::now() >= deadline || m_pid <= 0) return false;
    std::this_thread::sleep_for(poll_pause);
  }
}

RunResult Background::finish(std::chrono::milliseconds timeout) {
  RunResult result;
  if (m_pid <= 0) {
    result.err = "harness: the process did not start";
    return result;
  }
  auto status = wait_for_exit(m_pid, timeout);
  if (!status) {
    result.timed_out = true;
    ::kill(-m_pid, SIGKILL);
    ::kill(m_pid, SIGKILL);
    status = wait_for_exit(m_pid, 5s);
  }
  m_done = true;
  if (status && WIFEXITED(*status) && !result.timed_out) result.exit_code = WEXITSTATUS(*status);
  if (status && WIFSIGNALED(*status)) result.signal = WTERMSIG(*status);
  result.out = out();
  result.err = err();
  return result;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(poll_pause);
  }
}

}  // namespace pairspace::itest
