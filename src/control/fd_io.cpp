#include "control/fd_io.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace pairspace::control {

bool wait_for(int fd, short events, IoClock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - IoClock::now());
    if (left.count() <= 0) return false;
    pollfd pfd{fd, events, 0};
    const int timeout_ms = static_cast<int>(std::min<long long>(left.count(), 1 << 30));
    const int n = ::poll(&pfd, 1, timeout_ms);
    if (n > 0) return true;  // ready, or an error/hang-up the next call reports
    if (n < 0 && errno != EINTR) return true;
  }
}

namespace {
bool is_closed_errno(int err) { return err == EPIPE || err == ECONNRESET || err == ENOTCONN; }
}  // namespace

IoOutcome write_all(int fd, std::span<const std::uint8_t> bytes, IoClock::time_point deadline) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!wait_for(fd, POLLOUT, deadline)) return IoOutcome::timeout;
      continue;
    }
    return is_closed_errno(errno) ? IoOutcome::closed : IoOutcome::failed;
  }
  return IoOutcome::ok;
}

IoOutcome read_exact(int fd, std::span<std::uint8_t> bytes, IoClock::time_point deadline) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::recv(fd, bytes.data() + done, bytes.size() - done, 0);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
      continue;
    }
    if (n == 0) return IoOutcome::closed;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!wait_for(fd, POLLIN, deadline)) return IoOutcome::timeout;
      continue;
    }
    return is_closed_errno(errno) ? IoOutcome::closed : IoOutcome::failed;
  }
  return IoOutcome::ok;
}

}  // namespace pairspace::control
