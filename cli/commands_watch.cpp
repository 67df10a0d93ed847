// `pairspace watch`: one line per event (JSON lines with --json) until SIGINT/SIGTERM or
// until the daemon goes away. Keeps its own connection open: the daemon answers the
// WatchRequest with OK, then sends one Response{event} per event.
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "control/fd_io.hpp"
#include "control/framing.hpp"
#include "home.hpp"
#include "output.hpp"
#include "shared_commands.hpp"
#include "shared_output.hpp"
#include "store/store.hpp"

namespace pairspace::cli {

namespace {

constexpr auto stop_check = std::chrono::milliseconds(200);  // how often a signal is noticed
constexpr auto frame_timeout = std::chrono::seconds(10);     // rest of a frame once it began
constexpr auto first_answer_timeout = std::chrono::seconds(30);

volatile std::sig_atomic_t g_stop = 0;

extern "C" void on_stop_signal(int /*signal*/) { g_stop = 1; }

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: poll returns EINTR
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

class Fd {
 public:
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (m_fd >= 0) ::close(m_fd);
  }
  int get() const { return m_fd; }

 private:
  int m_fd;
};

Error gone(const fs::path& home) {
  return make_error(v1::CODE_UNREACHABLE, "The pairspace daemon for " + home.string() +
                                              " is not running (or stopped); start it with `pairspace daemon start`.");
}

int connect_socket(const fs::path& socket_path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string path = socket_path.string();
  if (path.size() >= sizeof addr.sun_path) return -1;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0 || cred.uid != ::geteuid()) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Reads one whole Response; false when the daemon closed or sent something unreadable.
bool read_response(int fd, v1::Response& response) {
  const auto deadline = control::IoClock::now() + frame_timeout;
  control::FrameHeader header{};
  if (control::read_exact(fd, header, deadline) != control::IoOutcome::ok) return false;
  auto length = control::decode_frame_header(header);
  if (!length) return false;
  std::vector<std::uint8_t> payload(length.value());
  if (control::read_exact(fd, payload, deadline) != control::IoOutcome::ok) return false;
  return response.ParseFromArray(payload.data(), static_cast<int>(payload.size()));
}

void print_event(const Globals& globals, const v1::Event& event) {
  if (globals.json) {
    print_json(event);
    return;
  }
  std::cout << (event.has_at() ? local_time(event.at()) : std::string("now")) << "  " << event.message() << '\n'
            << std::flush;
}

int watch(const Globals& globals) {
  auto home = resolve_home(globals);
  if (!home) return report(globals, home.error());
  if (auto initialised = check_initialised(home.value()); !initialised) return report(globals, initialised.error());
  install_stop_handlers();
  Fd fd(connect_socket(store::HomePaths::of(home.value()).socket));
  if (fd.get() < 0) return report(globals, gone(home.value()));

  v1::Request request;
  request.mutable_watch();
  auto frame = control::encode_frame(request);
  if (!frame) return report(globals, frame.error());
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): bytes of a std::string
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(frame->data()), frame->size());
  if (control::write_all(fd.get(), bytes, control::IoClock::now() + frame_timeout) != control::IoOutcome::ok) {
    return report(globals, gone(home.value()));
  }
  if (!control::wait_for(fd.get(), POLLIN, control::IoClock::now() + first_answer_timeout)) {
    return g_stop != 0 ? 0 : report(globals, gone(home.value()));
  }
  v1::Response first;
  if (!read_response(fd.get(), first)) return report(globals, gone(home.value()));
  if (first.code() != v1::CODE_OK) {
    return report(globals, first.code(),
                  first.message().empty() ? "The daemon could not start watching; please try again." : first.message());
  }
  if (!globals.json) {
    std::cout << "Watching for changes; press Ctrl-C to stop.\n" << std::flush;
  }
  while (g_stop == 0) {
    if (!control::wait_for(fd.get(), POLLIN, control::IoClock::now() + stop_check)) continue;
    if (g_stop != 0) break;
    v1::Response next;
    if (!read_response(fd.get(), next)) {
      if (g_stop != 0) break;
      return report(globals, gone(home.value()));
    }
    if (next.has_event()) print_event(globals, next.event());
  }
  return 0;
}

}  // namespace

void add_watch_command(CLI::App& app, Globals& globals, Commands& commands) {
  auto* watch_cmd = app.add_subcommand("watch", "Stream events until interrupted (JSON lines with --json)");
  commands.on(watch_cmd, [&globals] { return watch(globals); });
}

}  // namespace pairspace::cli
