#pragma once
// Runs a Daemon in-process on a temporary home, on its own thread, for unit tests.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <future>
#include <string>
#include <thread>

#include "control/client.hpp"
#include "daemon/daemon.hpp"
#include "store/store.hpp"

namespace pairspace::daemon::test {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr auto test_bound = std::chrono::seconds(20);  // every wait in these tests

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "psd-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// A device home with a fresh identity; a passphrase makes it passphrase-protected.
inline fs::path make_home(const TempDir& dir, std::optional<std::string> passphrase = std::nullopt,
                          const std::string& name = "Ana") {
  const fs::path home = dir.path / ("home-" + name);
  store::InitOptions options;
  options.name = name;
  if (passphrase) {
    options.passphrase = crypto::SecureBytes(std::span<const std::uint8_t>(
        reinterpret_cast<const std::uint8_t*>(passphrase->data()), passphrase->size()));  // NOLINT
  }
  auto identity = store::init_home(home, std::move(options), std::chrono::system_clock::now());
  EXPECT_TRUE(identity.ok()) << (identity.ok() ? "" : identity.error().message);
  return home;
}

inline DaemonOptions test_options(const fs::path& home) {
  DaemonOptions options;
  options.home = home;
  options.listen = "127.0.0.1:0";
  options.handle_signals = false;
  options.control_timeouts.idle = 5s;
  options.control_timeouts.io = 2s;
  return options;
}

// Owns a created Daemon and the thread running it.
class RunningDaemon {
 public:
  explicit RunningDaemon(std::unique_ptr<Daemon> daemon) : m_daemon(std::move(daemon)) {
    m_exit = std::async(std::launch::async, [d = m_daemon.get()] { return d->run(); });
  }
  ~RunningDaemon() {
    if (!m_exit.valid()) return;
    m_daemon->request_stop();
    (void)wait_exit();
  }
  Daemon& operator*() { return *m_daemon; }
  Daemon* operator->() { return m_daemon.get(); }

  // The exit status, or -1 when run() did not return in time (then the test process aborts
  // rather than hang: a daemon thread cannot be abandoned safely).
  int wait_exit() {
    if (m_exit.wait_for(test_bound) != std::future_status::ready) {
      ADD_FAILURE() << "the daemon did not stop in time";
      std::abort();
    }
    return m_exit.get();
  }

 private:
  std::unique_ptr<Daemon> m_daemon;
  std::future<int> m_exit;
};

inline std::unique_ptr<Daemon> create_or_abort(const DaemonOptions& options) {
  auto daemon = Daemon::create(options);
  if (!daemon) {
    ADD_FAILURE() << daemon.error().message;
    std::abort();
  }
  return std::move(daemon.value());
}

inline RunningDaemon start(const DaemonOptions& options) {
  return RunningDaemon(create_or_abort(options));
}

inline Result<v1::Response> call(const fs::path& home, const v1::Request& request) {
  auto client = control::Client::connect(store::HomePaths::of(home).socket, 5s);
  if (!client) return client.error();
  return client->call(request, 10s);
}

inline v1::Request status_request() {
  v1::Request request;
  request.mutable_status();
  return request;
}

// call() that records a test failure (and answers CODE_UNREACHABLE) when the call fails.
inline v1::Response must_call(const fs::path& home, const v1::Request& request) {
  auto response = call(home, request);
  if (!response) {
    ADD_FAILURE() << response.error().message;
    v1::Response failed;
    failed.set_code(v1::CODE_UNREACHABLE);
    return failed;
  }
  return std::move(response.value());
}

// Polls `home`'s status until `done` holds (bounded by test_bound).
inline bool status_becomes(const fs::path& home,
                           const std::function<bool(const v1::DaemonStatus&)>& done) {
  const auto deadline = std::chrono::steady_clock::now() + test_bound;
  while (std::chrono::steady_clock::now() < deadline) {
    auto response = call(home, status_request());
    if (response && response->code() == v1::CODE_OK && done(response->daemon_status())) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

// A raw connection to the control socket, for sending bytes no client would.
inline int raw_connect(const fs::path& socket_path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  timeval tv{5, 0};  // bound every read
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return fd;
}

// Reads until EOF (or the 5 s receive timeout); returns the bytes, and whether EOF came.
inline std::string read_to_eof(int fd, bool& eof) {
  std::string all;
  char buf[4096];
  eof = false;
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) {
      eof = true;
      break;
    }
    if (n < 0) break;
    all.append(buf, static_cast<std::size_t>(n));
  }
  return all;
}

}  // namespace pairspace::daemon::test
