#include "daemon_launcher.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>
#include <vector>

#include "daemon_client.hpp"
#include "home.hpp"
#include "output.hpp"
#include "store/store.hpp"

namespace pairspace::cli {

namespace {

using Clock = std::chrono::steady_clock;
// Start and stop ask again after 2 ms, then twice as long each time, up to 50 ms: a daemon
// usually answers (or is gone) within a few milliseconds.
constexpr auto poll_pause_first = std::chrono::milliseconds(2);
constexpr auto poll_pause_max = std::chrono::milliseconds(50);

constexpr auto probe_timeout = std::chrono::milliseconds(500);
constexpr auto slow_notice_after = std::chrono::seconds(3);
constexpr std::streamoff log_tail_bytes = 64 * 1024;
constexpr int exec_failed_status = 127;

std::chrono::milliseconds next_pause(std::chrono::milliseconds pause) {
  return std::min(pause * 2, std::chrono::milliseconds(poll_pause_max));
}

std::optional<fs::path> find_daemon_binary() {
  std::error_code ec;
  const auto self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto beside = self.parent_path() / "pairspaced";
    if (::access(beside.c_str(), X_OK) == 0) return beside;
  }
  const char* path = std::getenv("PATH");
  if (path == nullptr) return std::nullopt;
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const auto candidate = fs::path(dir) / "pairspaced";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

// The last non-empty line the daemon wrote to its log since `from`.
std::string last_log_line(const fs::path& log, std::streamoff from) {
  std::ifstream in(log, std::ios::binary);
  if (!in) return {};
  in.seekg(0, std::ios::end);
  const std::streamoff end = in.tellg();
  const std::streamoff start = std::max(from, end - log_tail_bytes);
  if (end <= start) return {};
  in.seekg(start);
  std::string text(static_cast<std::size_t>(end - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  std::string last;
  std::stringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  }
  return last;
}

std::string running_sentence(const v1::DaemonStatus& status, bool already) {
  std::string sentence = std::string(already ? "pairspaced is already running" : "pairspaced is running") +
                         " (pid " + std::to_string(status.pid());
  if (!status.listen_address().empty()) sentence += ", listening on " + status.listen_address();
  return sentence + ").";
}

void print_running(const Globals& globals, const v1::DaemonStatus& status, bool already) {
  if (globals.json) {
    print_json(status);
    return;
  }
  std::cout << running_sentence(status, already) << '\n';
  if (status.locked()) {
    std::cout << "The store is locked; unlock it with `pairspace unlock --passphrase-stdin`.\n";
  }
}

// True when nothing answers on the socket (absent, or a stale file nobody listens on).
bool socket_is_dead(const fs::path& socket_path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string path = socket_path.string();
  if (path.size() >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  const int err = errno;
  ::close(fd);
  return rc != 0 && (err == ENOENT || err == ECONNREFUSED || err == ENOTDIR);
}

// Gone, or a zombie waiting for its parent: either way it has finished.
bool process_finished(std::uint32_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string content((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto paren = content.rfind(')');
  if (paren == std::string::npos || paren + 2 >= content.size()) return true;
  const char state = content[paren + 2];
  return state == 'Z' || state == 'X';
}

int report_child_exit(const Globals& globals, int wait_status, const fs::path& log, std::streamoff from) {
  const std::string line = last_log_line(log, from);
  if (WIFEXITED(wait_status)) {
    const int code = WEXITSTATUS(wait_status);
    std::string sentence = line;
    if (sentence.empty() || code == exec_failed_status) {
      sentence = "pairspaced stopped right after starting (exit status " + std::to_string(code) +
                 "); its log is in " + log.string() + ".";
    }
    const int status = (code >= 1 && code <= 5) ? code : 5;
    return report(globals, static_cast<Code>(status), sentence);
  }
  std::string sentence = "pairspaced stopped unexpectedly right after starting";
  if (WIFSIGNALED(wait_status)) sentence += " (signal " + std::to_string(WTERMSIG(wait_status)) + ")";
  sentence += "; its log is in " + log.string() + ".";
  return report(globals, v1::CODE_STORE, sentence);
}

}  // namespace

int launch_daemon(const Globals& globals, const fs::path& home, const std::string& listen) {
  if (auto initialised = check_initialised(home); !initialised) return report(globals, initialised.error());
  if (auto running = probe_daemon(home, std::chrono::seconds(2)); running) {
    print_running(globals, running.value(), true);
    return 0;
  }
  const auto exe = find_daemon_binary();
  if (!exe) {
    return report(globals, v1::CODE_STORE,
                  "Could not find the pairspaced program next to pairspace or on your PATH; "
                  "please check the installation.");
  }
  const auto paths = store::HomePaths::of(home);
  const int log_fd = ::open(paths.log.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (log_fd < 0) {
    return report(globals, v1::CODE_STORE, "Could not open the daemon's log " + paths.log.string() + " (" +
                                               std::strerror(errno) + "); please check the home's permissions.");
  }
  const auto log_start = static_cast<std::streamoff>(::lseek(log_fd, 0, SEEK_END));
  const int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);

  // Everything the child needs is built before fork: no allocation after it.
  std::vector<std::string> args = {exe->string(), "--home", home.string()};
  if (!listen.empty()) {
    args.emplace_back("--listen");
    args.push_back(listen);
  }
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    return report(globals, v1::CODE_STORE, "Could not start pairspaced (" + std::string(std::strerror(errno)) +
                                               "); please try again.");
  }
  if (pid == 0) {
    ::setsid();
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    ::execv(argv[0], argv.data());
    constexpr char message[] = "pairspace: could not run pairspaced\n";
    [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, message, sizeof message - 1);
    ::_exit(exec_failed_status);
  }
  ::close(log_fd);
  if (null_fd >= 0) ::close(null_fd);

  const auto started = Clock::now();
  bool told_slow = false;
  auto pause = std::chrono::milliseconds(poll_pause_first);
  while (Clock::now() - started < daemon_start_timeout) {
    int wait_status = 0;
    if (::waitpid(pid, &wait_status, WNOHANG) == pid) {
      return report_child_exit(globals, wait_status, paths.log, log_start);
    }
    if (auto status = probe_daemon(home, probe_timeout); status) {
      print_running(globals, status.value(), false);
      return 0;
    }
    if (!told_slow && Clock::now() - started > slow_notice_after) {
      std::cerr << "Waiting for pairspaced to answer...\n";
      told_slow = true;
    }
    std::this_thread::sleep_for(pause);
    pause = next_pause(pause);
  }
  return report(globals, v1::CODE_UNREACHABLE,
                "pairspaced started (pid " + std::to_string(pid) + ") but has not answered yet; its log is in " +
                    paths.log.string() + ". Check again with `pairspace daemon status`.");
}

int stop_daemon(const Globals& globals, const fs::path& home) {
  const auto paths = store::HomePaths::of(home);
  auto running = probe_daemon(home, std::chrono::seconds(2));
  if (!running) {
    if (socket_is_dead(paths.socket)) {
      if (globals.json) print_empty_json();
      else std::cout << "pairspaced is not running; there is nothing to stop.\n";
      return 0;
    }
    return report(globals, running.error());
  }
  const auto pid = running->pid();
  v1::Request request;
  request.mutable_stop();
  auto answer = ask_daemon(home, request, std::chrono::seconds(10));
  if (!answer && answer.error().code != v1::CODE_UNREACHABLE) return report(globals, answer.error());

  const auto started = Clock::now();
  auto pause = std::chrono::milliseconds(poll_pause_first);
  while (Clock::now() - started < daemon_stop_timeout) {
    if (socket_is_dead(paths.socket) || !probe_daemon(home, probe_timeout)) {
      if (pid == 0 || process_finished(pid)) {
        if (globals.json) print_empty_json();
        else std::cout << "pairspaced has stopped.\n";
        return 0;
      }
    }
    std::this_thread::sleep_for(pause);
    pause = next_pause(pause);
  }
  return report(globals, v1::CODE_STORE,
                "pairspaced (pid " + std::to_string(pid) +
                    ") has not stopped yet; its log is in " + paths.log.string() +
                    ". If it stays stuck, end it with `kill " + std::to_string(pid) + "`.");
}

}  // namespace pairspace::cli
