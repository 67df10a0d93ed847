#include "harness.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

extern char** environ;

namespace pairspace::itest {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto reap_pause = 20ms;
constexpr auto term_grace = 10s;
constexpr std::size_t output_chunk_bytes = 65536;

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

}  // namespace

std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    if (entry.rfind("PAIRSPACE_HOME=", 0) == 0) continue;  // tests always say --home
    env.push_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::string RunResult::describe() const {
  std::ostringstream s;
  s << "exit " << exit_code;
  if (signal != 0) s << " (signal " << signal << ")";
  if (timed_out) s << " (TIMED OUT)";
  s << "\n--- stdout ---\n" << out << "--- stderr ---\n" << err;
  return s.str();
}

fs::path binary(const std::string& name) { return fs::path(PAIRSPACE_BIN_DIR) / name; }

RunResult run_process(const std::vector<std::string>& argv_in, const RunOptions& options) {
  std::vector<std::string> args = options.prefix;
  args.insert(args.end(), argv_in.begin(), argv_in.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  auto env_strings = child_environment(options.env);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  int in_pipe[2], out_pipe[2], err_pipe[2];
  RunResult result;
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    result.err = "harness: pipe failed";
    return result;
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(in_pipe[0], STDIN_FILENO);
    ::dup2(out_pipe[1], STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    ::execvpe(argv[0], argv.data(), envp.data());
    ::_exit(126);
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  int in_fd = in_pipe[1], out_fd = out_pipe[0], err_fd = err_pipe[0];
  set_nonblocking(in_fd);
  set_nonblocking(out_fd);
  set_nonblocking(err_fd);
  std::size_t written = 0;
  if (options.stdin_data.empty()) {
    ::close(in_fd);
    in_fd = -1;
  }
  ::signal(SIGPIPE, SIG_IGN);

  const auto deadline = Clock::now() + options.timeout;
  char chunk[output_chunk_bytes];
  while (out_fd >= 0 || err_fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd fds[3] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}, {in_fd, POLLOUT, 0}};
    ::poll(fds, 3, static_cast<int>(std::min<long>(left.count(), 200)));
    for (int i = 0; i < 2; ++i) {
      int& fd = i == 0 ? out_fd : err_fd;
      if (fd < 0 || fds[i].revents == 0) continue;
      const ssize_t n = ::read(fd, chunk, sizeof chunk);
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(chunk, static_cast<std::size_t>(n));
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        ::close(fd);
        fd = -1;
      }
    }
    if (in_fd >= 0 && fds[2].revents != 0) {
      const ssize_t n = ::write(in_fd, options.stdin_data.data() + written, options.stdin_data.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n < 0 && errno != EAGAIN && errno != EINTR) written = options.stdin_data.size();
      if (written == options.stdin_data.size()) {
        ::close(in_fd);
        in_fd = -1;
      }
    }
  }
  for (int fd : {in_fd, out_fd, err_fd}) {
    if (fd >= 0) ::close(fd);
  }
  auto status = wait_for_exit(pid, result.timed_out ? 5s : std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                  deadline - Clock::now() + 5s));
  if (!status) {
    ::kill(pid, SIGKILL);
    status = wait_for_exit(pid, 5s);
    result.timed_out = true;
  }
  if (status && WIFEXITED(*status)) result.exit_code = result.timed_out ? -1 : WEXITSTATUS(*status);
  if (status && WIFSIGNALED(*status)) result.signal = WTERMSIG(*status);
  return result;
}

std::optional<int> wait_for_exit(pid_t pid, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) return std::nullopt;  // not our child (any more)
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(reap_pause);
  }
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

bool looks_like_crash(const std::string& text) {
  for (const char* marker : {"Sanitizer", "runtime error:", "terminate called", "Segmentation", "Aborted",
                             "core dumped", "what():", "Assertion"}) {
    if (contains(text, marker)) return true;
  }
  return false;
}

void PairspaceTest::SetUp() {
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  std::string pattern = "/tmp/psXXXXXX";
  ASSERT_NE(::mkdtemp(pattern.data()), nullptr) << std::strerror(errno);
  root = pattern;
  home = root / "h";
}

void PairspaceTest::TearDown() {
  for (const auto& [daemon_home, pid] : m_daemons) {
    if (::kill(pid, 0) != 0) continue;
    ::kill(pid, SIGTERM);
    if (!wait_for_exit(pid, term_grace)) {
      ADD_FAILURE() << "pairspaced " << pid << " ignored SIGTERM; killing it";
      ::kill(pid, SIGKILL);
      (void)wait_for_exit(pid, 5s);
    }
  }
  m_daemons.clear();
  std::error_code ec;
  fs::remove_all(root, ec);
}

RunResult PairspaceTest::cli(const std::vector<std::string>& args, const RunOptions& options) {
  return cli_at(home, args, options);
}

RunResult PairspaceTest::cli_at(const fs::path& at, const std::vector<std::string>& args, const RunOptions& options) {
  std::vector<std::string> argv = {binary("pairspace").string(), "--home", at.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, options);
}

void PairspaceTest::init_home(const std::optional<std::string>& passphrase) {
  RunResult r;
  if (passphrase) {
    RunOptions o;
    o.stdin_data = *passphrase + "\n";
    r = cli({"init", "--name", "testbox", "--passphrase-stdin"}, o);
  } else {
    r = cli({"init", "--name", "testbox"});
  }
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  ASSERT_TRUE(fs::exists(home / "store.db")) << r.describe();
}

pid_t PairspaceTest::start_daemon() { return start_daemon_at(home); }

pid_t PairspaceTest::start_daemon_at(const fs::path& at, const std::string& listen) {
  auto r = cli_at(at, {"daemon", "start", "--listen", listen, "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_FALSE(looks_like_crash(r.out + r.err)) << r.describe();
  std::smatch m;
  static const std::regex pid_re(R"re("pid"\s*:\s*(\d+))re");
  if (!std::regex_search(r.out, m, pid_re)) {
    ADD_FAILURE() << "no pid in `daemon start --json` output\n" << r.describe();
    return -1;
  }
  const auto pid = static_cast<pid_t>(std::stol(m[1].str()));
  m_daemons.push_back({at, pid});
  return pid;
}

void PairspaceTest::stop_daemon_and_check() { stop_daemon_at(home); }

void PairspaceTest::stop_daemon_at(const fs::path& at) {
  auto r = cli_at(at, {"daemon", "stop"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  for (auto it = m_daemons.begin(); it != m_daemons.end();) {
    if (it->home != at) {
      ++it;
      continue;
    }
    const pid_t pid = it->pid;
    it = m_daemons.erase(it);
    auto status = wait_for_exit(pid, daemon_exit_timeout);
    ASSERT_TRUE(status.has_value()) << "pairspaced " << pid << " did not exit after `daemon stop`";
    EXPECT_TRUE(WIFEXITED(*status)) << "pairspaced ended by signal " << WTERMSIG(*status);
    if (WIFEXITED(*status)) {
      EXPECT_EQ(WEXITSTATUS(*status), 0);
    }
  }
  const auto log = read_file(at / "daemon.log");
  EXPECT_FALSE(looks_like_crash(log)) << "daemon.log:\n" << log;
}

fs::path PairspaceTest::init_device(const std::string& dir, const std::string& name) {
  const fs::path at = root / dir;
  auto r = cli_at(at, {"init", "--name", name});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  EXPECT_TRUE(fs::exists(at / "store.db")) << r.describe();
  return at;
}

std::string PairspaceTest::listen_address_of(const fs::path& at) {
  auto r = cli_at(at, {"daemon", "status", "--json"});
  std::smatch m;
  static const std::regex listen_re(R"re("listen_address"\s*:\s*"([^"]+)")re");
  if (r.exit_code != 0 || !std::regex_search(r.out, m, listen_re)) {
    ADD_FAILURE() << "no listen address in `daemon status --json`\n" << r.describe();
    return {};
  }
  return m[1].str();
}

std::unique_ptr<Background> PairspaceTest::cli_background(const fs::path& at, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {binary("pairspace").string(), "--home", at.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const int n = ++m_background_count;
  return std::make_unique<Background>(argv, root / ("bg" + std::to_string(n) + ".out"),
                                      root / ("bg" + std::to_string(n) + ".err"));
}

}  // namespace pairspace::itest
