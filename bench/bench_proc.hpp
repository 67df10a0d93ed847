#pragma once
// Child processes for daemon_bench: spawn, time, capture, and ALWAYS clean up. Every pid the
// bench starts (or adopts: it is a child subreaper, so daemons started by `pairspace daemon
// start` become its children) sits in a fixed table; exit, die() and SIGINT/SIGTERM/SIGHUP
// kill whatever is left in it. Header-only, bench only.
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.hpp"

extern char** environ;

namespace pairspace::bench {

namespace fs = std::filesystem;

// ---- the table of live children (async-signal-safe to walk)

inline constexpr std::size_t max_children = 64;
inline std::array<std::atomic<pid_t>, max_children> g_children{};

inline void track_child(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t empty = 0;
    if (slot.compare_exchange_strong(empty, pid)) return;
  }
}

inline void untrack_child(pid_t pid) {
  for (auto& slot : g_children) {
    pid_t expected = pid;
    if (slot.compare_exchange_strong(expected, 0)) return;
  }
}

// SIGTERM everything left, give it a moment, then SIGKILL and reap.
inline void kill_children() {
  bool any = false;
  for (auto& slot : g_children) {
    const pid_t pid = slot.load();
    if (pid > 0) {
      ::kill(pid, SIGTERM);
      any = true;
    }
  }
  if (!any) return;
  for (int i = 0; i < 100; ++i) {  // up to 2 s
    bool alive = false;
    for (auto& slot : g_children) {
      const pid_t pid = slot.load();
      if (pid <= 0) continue;
      if (::waitpid(pid, nullptr, WNOHANG) == pid || ::kill(pid, 0) != 0) {
        slot.store(0);
      } else {
        alive = true;
      }
    }
    if (!alive) return;
    ::usleep(20'000);
  }
  for (auto& slot : g_children) {
    const pid_t pid = slot.exchange(0);
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
  }
}

extern "C" inline void on_fatal_signal(int sig) {
  for (auto& slot : g_children) {
    const pid_t pid = slot.load();
    if (pid > 0) ::kill(pid, SIGKILL);
  }
  ::_exit(128 + sig);
}

inline void install_cleanup() {
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  std::atexit(kill_children);
  struct sigaction action {};
  action.sa_handler = on_fatal_signal;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &action, nullptr);
}

[[noreturn]] inline void die(const std::string& what) {
  std::cerr << "daemon_bench: " << what << "\n";
  kill_children();
  std::exit(1);
}

// ---- one watchdog thread kills a child that overstays its deadline

class Watchdog {
 public:
  Watchdog() : m_thread([this] { loop(); }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_cv.notify_all();
    m_thread.join();
  }
  void guard(pid_t pid, std::chrono::milliseconds limit) {
    {
      std::lock_guard lock(m_mutex);
      m_pid = pid;
      m_deadline = Clock::now() + limit;
    }
    m_cv.notify_all();
  }
  void release() {
    std::lock_guard lock(m_mutex);
    m_pid = 0;
  }

 private:
  void loop() {
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
      if (m_pid == 0) {
        m_cv.wait(lock);
        continue;
      }
      if (m_cv.wait_until(lock, m_deadline) == std::cv_status::timeout && m_pid != 0 &&
          Clock::now() >= m_deadline) {
        ::kill(m_pid, SIGKILL);
        m_pid = 0;
      }
    }
  }
  std::mutex m_mutex;
  std::condition_variable m_cv;
  pid_t m_pid = 0;
  Clock::time_point m_deadline;
  bool m_stop = false;
  std::thread m_thread;
};

inline Watchdog& watchdog() {
  static Watchdog w;
  return w;
}

// ---- spawning

inline pid_t spawn(const std::vector<std::string>& argv, int in_fd, int out_fd, int err_fd) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_fd, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));  // NOLINT: exec API
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) die("could not start " + argv[0]);
  track_child(pid);
  return pid;
}

struct RunResult {
  int exit_code = -1;
  double ms = 0;      // spawn -> reaped
  double cpu_ms = 0;  // the child's user + system CPU time (wait4)
  std::string out, err;
};

inline double cpu_ms_of(const rusage& u) {
  const auto ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3; };
  return ms(u.ru_utime) + ms(u.ru_stime);
}

// CPU time every thread of pid has run, in ms (/proc/PID/task/*/schedstat, nanoseconds).
inline double process_cpu_ms(pid_t pid) {
  double total = 0;
  std::error_code ec;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(task.path() / "schedstat");
    double ns = 0;
    if (in >> ns) total += ns / 1e6;
  }
  return total;
}

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline int open_null(int flags) { return ::open("/dev/null", flags | O_CLOEXEC); }

// Runs argv to the end (killed after `limit`). capture: stdout/stderr into files under
// scratch (else /dev/null). ms covers posix_spawn to waitpid.
inline RunResult run(const std::vector<std::string>& argv, const fs::path& scratch, bool capture = true,
                     std::chrono::milliseconds limit = std::chrono::seconds(120),
                     const std::string& stdin_text = {}) {
  RunResult r;
  const fs::path out_path = scratch / "run.out", err_path = scratch / "run.err", in_path = scratch / "run.in";
  int in_fd = -1;
  if (!stdin_text.empty()) {
    std::ofstream(in_path, std::ios::binary) << stdin_text;
    in_fd = ::open(in_path.c_str(), O_RDONLY | O_CLOEXEC);
  } else {
    in_fd = open_null(O_RDONLY);
  }
  const int out_fd = capture ? ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)
                             : open_null(O_WRONLY);
  const int err_fd = capture ? ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)
                             : open_null(O_WRONLY);
  if (in_fd < 0 || out_fd < 0 || err_fd < 0) die("could not open scratch files");
  const auto t0 = Clock::now();
  const pid_t pid = spawn(argv, in_fd, out_fd, err_fd);
  watchdog().guard(pid, limit);
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  const auto t1 = Clock::now();
  r.cpu_ms = cpu_ms_of(usage);
  watchdog().release();
  untrack_child(pid);
  ::close(in_fd);
  ::close(out_fd);
  ::close(err_fd);
  r.ms = to_ms(t1 - t0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (capture) {
    r.out = slurp(out_path);
    r.err = slurp(err_path);
  }
  return r;
}

// A child left running, its stdout on a pipe read line by line (e.g. `pairspace watch`).
class Background {
 public:
  explicit Background(const std::vector<std::string>& argv) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) die("pipe");
    const int null_in = open_null(O_RDONLY), null_err = open_null(O_WRONLY);
    m_pid = spawn(argv, null_in, fds[1], null_err);
    ::close(fds[1]);
    ::close(null_in);
    ::close(null_err);
    m_fd = fds[0];
  }
  ~Background() { stop(); }
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;

  int fd() const { return m_fd; }
  // Reads what the pipe holds now (one read; call when poll says it is readable), stamping
  // the time. False on EOF or error.
  bool pump() {
    char buf[4096];
    const ssize_t n = ::read(m_fd, buf, sizeof buf);
    if (n <= 0) return false;
    m_last_read = Clock::now();
    m_buffer.append(buf, static_cast<std::size_t>(n));
    return true;
  }
  // A whole line already read (without '\n'), and when its last bytes were read.
  std::optional<std::string> take_line(Clock::time_point* at = nullptr) {
    const auto nl = m_buffer.find('\n');
    if (nl == std::string::npos) return std::nullopt;
    std::string line = m_buffer.substr(0, nl);
    m_buffer.erase(0, nl + 1);
    if (at) *at = m_last_read;
    return line;
  }
  // The next whole line; nullopt on timeout or EOF.
  std::optional<std::string> next_line(std::chrono::milliseconds limit, Clock::time_point* at = nullptr) {
    const auto deadline = Clock::now() + limit;
    for (;;) {
      if (auto line = take_line(at)) return line;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{m_fd, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      if (!pump()) return std::nullopt;
    }
  }
  // The first line containing needle (lines before it are dropped).
  std::optional<std::string> wait_for(const std::string& needle, std::chrono::milliseconds limit,
                                      Clock::time_point* at = nullptr) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      auto line = next_line(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()), at);
      if (!line) return std::nullopt;
      if (line->find(needle) != std::string::npos) return line;
    }
    return std::nullopt;
  }
  // Waits for the exit (SIGKILL after limit); the exit code or -1.
  int finish(std::chrono::milliseconds limit, Clock::time_point* at = nullptr) {
    if (m_pid <= 0) return m_code;
    watchdog().guard(m_pid, limit);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    if (at) *at = Clock::now();
    watchdog().release();
    untrack_child(m_pid);
    m_pid = -1;
    m_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return m_code;
  }
  void stop() {
    if (m_pid > 0) {
      ::kill(m_pid, SIGINT);
      finish(std::chrono::seconds(5));
    }
    if (m_fd >= 0) ::close(m_fd);
    m_fd = -1;
  }
  pid_t pid() const { return m_pid; }

 private:
  pid_t m_pid = -1;
  int m_fd = -1;
  int m_code = -1;
  std::string m_buffer;
  Clock::time_point m_last_read;
};

// ---- /proc

// Field of /proc/PID/status in kB (VmRSS, VmHWM, ...) or count; -1 if absent.
inline long proc_status_field(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return -1;
}

// Context switches (voluntary + nonvoluntary) of every thread of pid.
inline long context_switches(pid_t pid) {
  long total = 0;
  std::error_code ec;
  for (const auto& task : fs::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(task.path() / "status");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("voluntary_ctxt_switches:", 0) == 0 || line.rfind("nonvoluntary_ctxt_switches:", 0) == 0) {
        total += std::atol(line.c_str() + line.find(':') + 1);
      }
    }
  }
  return total;
}

// ---- tiny flat-JSON reading: the value of "key" (string unquoted, or a literal)

inline std::string json_field(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  const auto at = json.find(needle);
  if (at == std::string::npos) return {};
  std::size_t i = at + needle.size();
  if (i < json.size() && json[i] == '"') {
    const auto end = json.find('"', i + 1);
    return end == std::string::npos ? std::string{} : json.substr(i + 1, end - i - 1);
  }
  const auto end = json.find_first_of(",}", i);
  return json.substr(i, end == std::string::npos ? std::string::npos : end - i);
}

}  // namespace pairspace::bench
