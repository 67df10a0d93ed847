#include "control/client.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <thread>

#include "control/fd_io.hpp"

namespace pairspace::control {
namespace {

constexpr auto connect_retry_pause = std::chrono::milliseconds(10);  // while the backlog is full

std::string not_running(const std::filesystem::path& home) {
  return "The pairspace daemon is not running for " + home.string() +
         ". Start it with `pairspace daemon start`.";
}
std::string other_user(const std::filesystem::path& home) {
  return "This daemon belongs to another user; use a home of your own (--home or "
         "PAIRSPACE_HOME) instead of " + home.string() + ".";
}
std::string closed_early(const std::filesystem::path& home) {
  return "The pairspace daemon for " + home.string() +
         " closed the connection before answering; it may have stopped. "
         "Check it with `pairspace daemon status`.";
}
std::string too_slow(const std::filesystem::path& home) {
  return "The pairspace daemon for " + home.string() +
         " did not answer in time. Check it with `pairspace daemon status`.";
}
std::string io_failed(const std::filesystem::path& home, int err) {
  return "Could not talk to the pairspace daemon for " + home.string() + ": " +
         std::strerror(err) + ".";
}

Error io_error(IoOutcome outcome, const std::filesystem::path& home) {
  switch (outcome) {
    case IoOutcome::timeout: return make_error(v1::CODE_UNREACHABLE, too_slow(home));
    case IoOutcome::closed: return make_error(v1::CODE_UNREACHABLE, closed_early(home));
    default: return make_error(v1::CODE_UNREACHABLE, io_failed(home, errno));
  }
}

// The daemon must run as the same user; never hand requests (passphrases) to another's.
bool peer_is_same_user(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return false;
  return cred.uid == ::geteuid();
}

Error connect_error(int err, const std::filesystem::path& home) {
  if (err == ENOENT || err == ECONNREFUSED || err == ENOTDIR) {
    return make_error(v1::CODE_UNREACHABLE, not_running(home));
  }
  if (err == EACCES || err == EPERM) return make_error(v1::CODE_UNREACHABLE, other_user(home));
  return make_error(v1::CODE_UNREACHABLE, io_failed(home, err));
}

}  // namespace

Result<Client> Client::connect(const std::filesystem::path& socket_path,
                               std::chrono::milliseconds timeout) {
  const std::filesystem::path home = socket_path.parent_path();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string path = socket_path.string();
  if (path.size() >= sizeof addr.sun_path) {
    return make_error(v1::CODE_USAGE, "The home " + home.string() +
                                          " is too long a path for its control socket (at most " +
                                          std::to_string(sizeof addr.sun_path - 1) +
                                          " bytes); please choose a shorter --home.");
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);

  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return make_error(v1::CODE_UNREACHABLE, io_failed(home, errno));
  Client client(fd, home);  // closes fd on every early return

  const auto deadline = IoClock::now() + timeout;
  for (;;) {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) break;
    const int err = errno;
    if (err == EINTR) continue;
    if (err == EAGAIN) {  // Unix sockets: the listen backlog is full for now
      if (IoClock::now() >= deadline) return make_error(v1::CODE_UNREACHABLE, too_slow(home));
      std::this_thread::sleep_for(connect_retry_pause);
      continue;
    }
    if (err == EINPROGRESS) {  // not expected for Unix sockets; handled for completeness
      if (!wait_for(fd, POLLOUT, deadline)) return make_error(v1::CODE_UNREACHABLE, too_slow(home));
      int so_error = 0;
      socklen_t len = sizeof so_error;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
      if (so_error == 0) break;
      return connect_error(so_error, home);
    }
    return connect_error(err, home);
  }
  if (!peer_is_same_user(fd)) return make_error(v1::CODE_UNREACHABLE, other_user(home));
  return client;
}

Client::Client(Client&& other) noexcept
    : m_fd(std::exchange(other.m_fd, -1)), m_home(std::move(other.m_home)) {}

Client& Client::operator=(Client&& other) noexcept {
  if (this != &other) {
    close_fd();
    m_fd = std::exchange(other.m_fd, -1);
    m_home = std::move(other.m_home);
  }
  return *this;
}

Client::~Client() { close_fd(); }

void Client::close_fd() {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
}

Result<v1::Response> Client::call(const v1::Request& request, std::chrono::milliseconds timeout) {
  if (m_fd < 0) {
    return make_error(v1::CODE_UNREACHABLE, "This connection to the pairspace daemon is closed; "
                                            "please run the command again.");
  }
  auto frame = encode_frame(request);
  if (!frame) return frame.error();
  const auto deadline = IoClock::now() + timeout;
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): bytes of a std::string
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(frame->data());
  if (auto out = write_all(m_fd, {bytes, frame->size()}, deadline); out != IoOutcome::ok) {
    close_fd();
    return io_error(out, m_home);
  }
  FrameHeader header{};
  if (auto out = read_exact(m_fd, header, deadline); out != IoOutcome::ok) {
    close_fd();
    return io_error(out, m_home);
  }
  auto length = decode_frame_header(header);
  if (!length) {
    close_fd();
    return make_error(v1::CODE_UNREACHABLE, "The pairspace daemon for " + m_home.string() +
                                                " sent a reply that is too large to read.");
  }
  std::string payload(*length, '\0');
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): bytes of a std::string
  auto* dst = reinterpret_cast<std::uint8_t*>(payload.data());
  if (auto out = read_exact(m_fd, {dst, payload.size()}, deadline); out != IoOutcome::ok) {
    close_fd();
    return io_error(out, m_home);
  }
  v1::Response response;
  if (!response.ParseFromString(payload)) {
    close_fd();
    return make_error(v1::CODE_UNREACHABLE,
                      "The pairspace daemon for " + m_home.string() +
                          " sent a reply this command cannot read; are both from the same version?");
  }
  return response;
}

}  // namespace pairspace::control
