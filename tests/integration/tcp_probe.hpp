#pragma once
// Raw TCP on loopback for tests that talk to a daemon's partner port directly.
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace pairspace::itest {

using Bytes = std::vector<std::uint8_t>;

// Binds the TCP socket fd to 127.0.0.1 on a free port and listens: the port, or 0 (fd closed)
// when that failed.
std::uint16_t listen_on_loopback(int fd);

// A blocking TCP socket connected to 127.0.0.1:port, or -1.
int connect_loopback(std::uint16_t port);

// "127.0.0.1:4100" -> 4100; 0 when there is no port.
std::uint16_t port_of(const std::string& host_port);

// A connected socket to 127.0.0.1:port, closed by the destructor.
class TcpProbe {
 public:
  explicit TcpProbe(std::uint16_t port);
  ~TcpProbe();
  TcpProbe(const TcpProbe&) = delete;
  TcpProbe& operator=(const TcpProbe&) = delete;

  bool connected() const { return m_fd >= 0; }
  bool send(std::span<const std::uint8_t> bytes);
  // The partner framing: u16 big-endian length || body.
  bool send_frame(std::span<const std::uint8_t> body);

  struct Heard {
    std::size_t bytes = 0;  // how many bytes arrived
    bool closed = false;    // the other side closed (EOF or reset)
  };
  // Reads for up to `wait`, stopping early when the other side closes.
  Heard listen(std::chrono::milliseconds wait);

 private:
  int m_fd = -1;
};

}  // namespace pairspace::itest
