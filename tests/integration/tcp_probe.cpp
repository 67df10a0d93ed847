#include "tcp_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

namespace pairspace::itest {

namespace {
using Clock = std::chrono::steady_clock;
constexpr std::size_t probe_chunk_bytes = 4096;
constexpr std::size_t max_body_bytes = 65535;
}  // namespace

std::uint16_t listen_on_loopback(int fd) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = 0;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  // NOLINTBEGIN(cppcoreguidelines-pro-type-reinterpret-cast)
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 16) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    // NOLINTEND(cppcoreguidelines-pro-type-reinterpret-cast)
    ::close(fd);
    return 0;
  }
  return ntohs(address.sin_port);
}

int connect_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::uint16_t port_of(const std::string& host_port) {
  const auto colon = host_port.rfind(':');
  if (colon == std::string::npos) return 0;
  unsigned value = 0;
  const char* begin = host_port.data() + colon + 1;
  const char* end = host_port.data() + host_port.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc{} || ptr != end || value == 0 || value > 65535) return 0;
  return static_cast<std::uint16_t>(value);
}

TcpProbe::TcpProbe(std::uint16_t port) : m_fd(connect_loopback(port)) {}

TcpProbe::~TcpProbe() {
  if (m_fd >= 0) ::close(m_fd);
}

bool TcpProbe::send(std::span<const std::uint8_t> bytes) {
  std::size_t sent = 0;
  while (m_fd >= 0 && sent < bytes.size()) {
    const ssize_t n = ::send(m_fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return m_fd >= 0;
}

bool TcpProbe::send_frame(std::span<const std::uint8_t> body) {
  if (body.empty() || body.size() > max_body_bytes) return false;
  Bytes framed;
  framed.reserve(body.size() + 2);
  framed.push_back(static_cast<std::uint8_t>(body.size() >> 8U));
  framed.push_back(static_cast<std::uint8_t>(body.size() & 0xffU));
  framed.insert(framed.end(), body.begin(), body.end());
  return send(framed);
}

TcpProbe::Heard TcpProbe::listen(std::chrono::milliseconds wait) {
  Heard heard;
  const auto deadline = Clock::now() + wait;
  std::uint8_t chunk[probe_chunk_bytes];
  while (m_fd >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    pollfd p{m_fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n > 0) {
      heard.bytes += static_cast<std::size_t>(n);
      continue;
    }
    heard.closed = true;  // EOF, or a reset
    break;
  }
  return heard;
}

}  // namespace pairspace::itest
