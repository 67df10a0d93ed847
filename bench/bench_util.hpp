#pragma once
// Small helpers both bench programs share: statistics over samples, and blocking loopback
// TCP sockets with TCP_NODELAY (the floor every figure is set beside). Header-only, bench only.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace pairspace::bench {

using Clock = std::chrono::steady_clock;

inline double to_us(Clock::duration d) { return std::chrono::duration<double, std::micro>(d).count(); }
inline double to_ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Stats {
  std::size_t n = 0;
  double median = 0;
  double p99 = 0;
  double mean = 0;
  double min = 0;
  double max = 0;
};

// Median is the upper middle sample; p99 is the sample at rank ceil(0.99 n).
inline Stats stats_of(std::vector<double> v) {
  Stats s;
  s.n = v.size();
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  s.median = v[v.size() / 2];
  const auto rank = static_cast<std::size_t>(std::ceil(0.99 * static_cast<double>(v.size())));
  s.p99 = v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / static_cast<double>(v.size());
  s.min = v.front();
  s.max = v.back();
  return s;
}

inline std::string fmt(double x, int decimals = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

// ---- blocking loopback TCP

inline void set_nodelay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

inline sockaddr_in loopback_address(std::uint16_t port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  return addr;
}

// A listening socket on 127.0.0.1:0; fills port. -1 on failure.
inline int listen_loopback(std::uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in addr = loopback_address(0);
  socklen_t len = sizeof addr;
  // NOLINTNEXTLINE: the sockets API
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd, 16) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return -1;
  }
  port = ntohs(addr.sin_port);
  return fd;
}

inline int dial_loopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  set_nodelay(fd);
  sockaddr_in addr = loopback_address(port);
  // NOLINTNEXTLINE: the sockets API
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

inline int accept_one(int listen_fd) {
  const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd >= 0) set_nodelay(fd);
  return fd;
}

inline bool write_all(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

inline bool read_exact(int fd, std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::recv(fd, data, size, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Round trips of `bytes`-byte messages between two threads of this process over one
// loopback connection with TCP_NODELAY, in microseconds (the floor for everything on the wire).
inline std::vector<double> loopback_round_trips(int count, std::size_t bytes = 64) {
  std::vector<double> samples;
  std::uint16_t port = 0;
  const int lfd = listen_loopback(port);
  if (lfd < 0) return samples;
  std::thread echo([lfd, count, bytes] {
    const int fd = accept_one(lfd);
    if (fd < 0) return;
    std::vector<std::uint8_t> buf(bytes);
    for (int i = 0; i < count + 100; ++i) {
      if (!read_exact(fd, buf.data(), bytes) || !write_all(fd, buf.data(), bytes)) break;
    }
    ::close(fd);
  });
  const int fd = dial_loopback(port);
  if (fd >= 0) {
    std::vector<std::uint8_t> buf(bytes, 0x5a);
    for (int i = 0; i < count + 100; ++i) {  // the first 100 warm up
      const auto t0 = Clock::now();
      if (!write_all(fd, buf.data(), bytes) || !read_exact(fd, buf.data(), bytes)) break;
      if (i >= 100) samples.push_back(to_us(Clock::now() - t0));
    }
    ::close(fd);
  }
  echo.join();
  ::close(lfd);
  return samples;
}

}  // namespace pairspace::bench
