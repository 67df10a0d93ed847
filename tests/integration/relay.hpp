#pragma once
// A loopback TCP forwarder for tests: accepts on 127.0.0.1:<free port>, connects each
// client to 127.0.0.1:<target>, forwards both ways frame by frame (the partner framing,
// u16 length || body) and records every byte. Armed, it tampers once with the next
// transport frame of a session (a frame after SESSION_INIT / the KK reply): flipping one
// byte, or sending it twice (a replay).
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace pairspace::itest {

class Relay {
 public:
  enum class Tamper { none, flip_byte, replay };

  explicit Relay(std::uint16_t target_port);
  ~Relay();
  Relay(const Relay&) = delete;
  Relay& operator=(const Relay&) = delete;

  bool listening() const { return m_listen_fd >= 0; }
  std::string address() const;  // "127.0.0.1:PORT"

  void arm(Tamper tamper);
  // How often tampering happened so far.
  std::size_t tampered() const;
  // After tampering: did the connection end, and was the first to let go the side that
  // received the tampered frame?
  bool tampered_connection_closed() const;
  bool tampered_connection_closed_by_receiver() const;

  // Every byte seen so far, both directions, all connections.
  std::string recorded() const;
  // Sessions whose KK reply crossed the relay (handshake done), and how many are still open.
  std::size_t sessions_started() const;
  std::size_t sessions_open() const;
  // Connections that opened with a SESSION_INIT, and bytes the target ever sent back.
  std::size_t session_attempts() const;
  std::size_t bytes_from_target() const;

  struct Connection;

 private:
  void loop();
  void accept_one();
  void pump(Connection& c, int side);
  void on_frame(Connection& c, int side, std::vector<std::uint8_t> body);
  void forward(Connection& c, int to, const std::vector<std::uint8_t>& bytes);
  void close_connection(Connection& c);

  std::uint16_t m_target = 0;
  std::uint16_t m_port = 0;
  int m_listen_fd = -1;
  int m_wake[2] = {-1, -1};
  std::atomic<bool> m_stop{false};

  mutable std::mutex m_mutex;
  std::vector<std::unique_ptr<Connection>> m_connections;
  std::string m_recorded;
  Tamper m_armed = Tamper::none;
  std::size_t m_tampered = 0;
  std::size_t m_sessions_started = 0;
  std::size_t m_session_attempts = 0;
  std::size_t m_bytes_from_target = 0;
  Connection* m_last_tampered = nullptr;
  bool m_last_tampered_closed = false;
  bool m_last_tampered_by_receiver = false;

  std::thread m_thread;  // last: starts after everything above exists
};

}  // namespace pairspace::itest
