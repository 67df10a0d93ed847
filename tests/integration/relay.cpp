#include "relay.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "tcp_probe.hpp"

namespace pairspace::itest {

namespace {

constexpr std::size_t relay_chunk_bytes = 65536;
constexpr int poll_interval_ms = 200;
constexpr std::uint8_t session_init_type = 0x10;
constexpr std::uint8_t pair_start_type = 0x01;

}  // namespace

struct Relay::Connection {
  int fd[2] = {-1, -1};           // 0: the dialler's side, 1: the target's side
  bool eof[2] = {false, false};   // read EOF from that side
  std::vector<std::uint8_t> pending[2];
  std::size_t frames[2] = {0, 0};
  bool raw[2] = {false, false};   // framing broke: forward bytes as they come
  enum class Kind { unknown, pairing, session, other } kind = Kind::unknown;
  bool session_started = false;
  bool closed = false;
  int tampered_to = -1;           // the side that received a tampered frame
  int closed_first = -1;          // the side that let go first
};

Relay::Relay(std::uint16_t target_port) : m_target(target_port) {
  if (::pipe2(m_wake, O_CLOEXEC | O_NONBLOCK) != 0) return;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  m_port = listen_on_loopback(fd);
  if (m_port == 0) return;
  m_listen_fd = fd;
  m_thread = std::thread([this] { loop(); });
}

Relay::~Relay() {
  m_stop = true;
  if (m_wake[1] >= 0) (void)!::write(m_wake[1], "x", 1);
  if (m_thread.joinable()) m_thread.join();
  for (auto& c : m_connections) close_connection(*c);
  for (int fd : {m_listen_fd, m_wake[0], m_wake[1]}) {
    if (fd >= 0) ::close(fd);
  }
}

std::string Relay::address() const { return "127.0.0.1:" + std::to_string(m_port); }

void Relay::arm(Tamper tamper) {
  std::lock_guard lock(m_mutex);
  m_armed = tamper;
}

std::size_t Relay::tampered() const {
  std::lock_guard lock(m_mutex);
  return m_tampered;
}

bool Relay::tampered_connection_closed() const {
  std::lock_guard lock(m_mutex);
  return m_last_tampered_closed;
}

bool Relay::tampered_connection_closed_by_receiver() const {
  std::lock_guard lock(m_mutex);
  return m_last_tampered_closed && m_last_tampered_by_receiver;
}

std::string Relay::recorded() const {
  std::lock_guard lock(m_mutex);
  return m_recorded;
}

std::size_t Relay::sessions_started() const {
  std::lock_guard lock(m_mutex);
  return m_sessions_started;
}

std::size_t Relay::sessions_open() const {
  std::lock_guard lock(m_mutex);
  std::size_t open = 0;
  for (const auto& c : m_connections) {
    if (c->session_started && !c->closed) ++open;
  }
  return open;
}

std::size_t Relay::session_attempts() const {
  std::lock_guard lock(m_mutex);
  return m_session_attempts;
}

std::size_t Relay::bytes_from_target() const {
  std::lock_guard lock(m_mutex);
  return m_bytes_from_target;
}

void Relay::loop() {
  while (!m_stop) {
    std::vector<pollfd> fds = {{m_wake[0], POLLIN, 0}, {m_listen_fd, POLLIN, 0}};
    std::vector<std::pair<Connection*, int>> owners;
    {
      std::lock_guard lock(m_mutex);
      for (auto& c : m_connections) {
        for (int side = 0; side < 2; ++side) {
          if (c->closed || c->eof[side]) continue;
          fds.push_back({c->fd[side], POLLIN, 0});
          owners.emplace_back(c.get(), side);
        }
      }
    }
    const int ready = ::poll(fds.data(), fds.size(), poll_interval_ms);
    if (ready <= 0) continue;
    if (fds[1].revents != 0) accept_one();
    std::lock_guard lock(m_mutex);
    for (std::size_t i = 2; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      auto [c, side] = owners[i - 2];
      if (!c->closed) pump(*c, side);
    }
  }
}

void Relay::accept_one() {
  const int client = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  if (client < 0) return;
  const int server = connect_loopback(m_target);
  if (server < 0) {
    ::close(client);
    return;
  }
  auto c = std::make_unique<Connection>();
  c->fd[0] = client;
  c->fd[1] = server;
  std::lock_guard lock(m_mutex);
  m_connections.push_back(std::move(c));
}

void Relay::pump(Connection& c, int side) {
  std::uint8_t chunk[relay_chunk_bytes];
  const ssize_t n = ::recv(c.fd[side], chunk, sizeof chunk, 0);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    if (c.closed_first < 0) c.closed_first = side;
    if (n < 0) {  // a reset: the whole connection is gone
      close_connection(c);
      return;
    }
    c.eof[side] = true;
    ::shutdown(c.fd[1 - side], SHUT_WR);
    if (c.eof[0] && c.eof[1]) close_connection(c);
    return;
  }
  m_recorded.append(reinterpret_cast<const char*>(chunk), static_cast<std::size_t>(n));
  if (side == 1) m_bytes_from_target += static_cast<std::size_t>(n);
  auto& pending = c.pending[side];
  pending.insert(pending.end(), chunk, chunk + n);
  while (!c.closed) {
    if (c.raw[side]) {
      forward(c, 1 - side, pending);
      pending.clear();
      return;
    }
    if (pending.size() < 2) return;
    const std::size_t length = (std::size_t{pending[0]} << 8U) | pending[1];
    if (length == 0) {
      c.raw[side] = true;
      continue;
    }
    if (pending.size() < 2 + length) return;
    std::vector<std::uint8_t> body(pending.begin() + 2, pending.begin() + 2 + static_cast<std::ptrdiff_t>(length));
    pending.erase(pending.begin(), pending.begin() + 2 + static_cast<std::ptrdiff_t>(length));
    on_frame(c, side, std::move(body));
  }
}

void Relay::on_frame(Connection& c, int side, std::vector<std::uint8_t> body) {
  using Kind = Connection::Kind;
  if (side == 0 && c.frames[0] == 0) {
    c.kind = body[0] == session_init_type ? Kind::session : body[0] == pair_start_type ? Kind::pairing : Kind::other;
    if (c.kind == Kind::session) ++m_session_attempts;
  }
  if (c.kind == Kind::session && side == 1 && c.frames[1] == 0) {
    c.session_started = true;
    ++m_sessions_started;
  }
  const bool transport = c.kind == Kind::session && c.frames[side] >= 1;
  ++c.frames[side];
  Tamper tamper = Tamper::none;
  if (transport && m_armed != Tamper::none) {
    tamper = m_armed;
    m_armed = Tamper::none;
    ++m_tampered;
    c.tampered_to = 1 - side;
    m_last_tampered = &c;
    m_last_tampered_closed = false;
    m_last_tampered_by_receiver = false;
  }
  if (tamper == Tamper::flip_byte) body[body.size() / 2] ^= 0x5aU;
  std::vector<std::uint8_t> framed;
  framed.reserve(body.size() + 2);
  framed.push_back(static_cast<std::uint8_t>(body.size() >> 8U));
  framed.push_back(static_cast<std::uint8_t>(body.size() & 0xffU));
  framed.insert(framed.end(), body.begin(), body.end());
  forward(c, 1 - side, framed);
  if (tamper == Tamper::replay && !c.closed) forward(c, 1 - side, framed);
}

void Relay::forward(Connection& c, int to, const std::vector<std::uint8_t>& bytes) {
  std::size_t sent = 0;
  while (!c.closed && sent < bytes.size()) {
    const ssize_t n = ::send(c.fd[to], bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (c.closed_first < 0) c.closed_first = to;
      close_connection(c);
      return;
    }
    sent += static_cast<std::size_t>(n);
  }
}

void Relay::close_connection(Connection& c) {
  if (c.closed) return;
  c.closed = true;
  for (int& fd : c.fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  if (&c == m_last_tampered) {
    m_last_tampered_closed = true;
    m_last_tampered_by_receiver = c.closed_first == c.tampered_to;
  }
}

}  // namespace pairspace::itest
