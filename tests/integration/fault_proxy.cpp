#include "fault_proxy.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "tcp_probe.hpp"

namespace pairspace::itest {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::size_t read_chunk_bytes = 65536;
constexpr std::size_t max_buffered_bytes = 256 * 1024;  // per direction, then reading waits
constexpr auto idle_poll = 50ms;                        // orphan lingers are checked this often
constexpr auto min_stall = 50ms;
constexpr std::size_t max_rate_piece_bytes = 2048;  // under a rate limit, written in pieces this big

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }


// Closing with SO_LINGER 0 sends RST instead of FIN.
void close_fd(int fd, bool reset) {
  if (fd < 0) return;
  if (reset) {
    const linger abort_now{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_now, sizeof abort_now);
  }
  ::close(fd);
}

}  // namespace

struct FaultProxy::Connection {
  int fd[2] = {-1, -1};            // 0: the dialler's side, 1: the target's side
  bool read_eof[2] = {false, false};
  bool shut[2] = {false, false};   // SHUT_WR sent to that side
  std::vector<std::uint8_t> out[2];  // bytes waiting to be written to that side
  std::size_t countdown[2] = {0, 0};  // bytes written to that side until the next fault
  std::size_t sliced[2] = {0, 0};     // bytes to that side still to forward in pieces
  Clock::time_point resume[2];        // nothing is written to that side before this
  int orphan = -1;                    // the side left open by a one-side cut
  Clock::time_point orphan_until;     // then it is reset
  bool orphan_silent = false;         // what it sends is dropped instead of answered by a reset
  bool closed = false;
};

FaultProxy::FaultProxy(std::uint16_t target_port, std::uint64_t seed) : m_target(target_port), m_rng(seed) {
  if (::pipe2(m_wake, O_CLOEXEC | O_NONBLOCK) != 0) return;
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return;
  m_port = listen_on_loopback(fd);
  if (m_port == 0) return;
  m_listen_fd = fd;
  m_thread = std::thread([this] { loop(); });
}

FaultProxy::~FaultProxy() {
  m_stop = true;
  if (m_wake[1] >= 0) (void)!::write(m_wake[1], "x", 1);
  if (m_thread.joinable()) m_thread.join();
  for (auto& c : m_connections) close_both(*c, false);
  for (int fd : {m_listen_fd, m_wake[0], m_wake[1]}) {
    if (fd >= 0) ::close(fd);
  }
}

std::string FaultProxy::address() const { return "127.0.0.1:" + std::to_string(m_port); }

template <typename T>
T FaultProxy::uniform(T low, T high) {
  return std::uniform_int_distribution<T>(low, high)(m_rng);
}

std::size_t FaultProxy::next_countdown() {
  return uniform<std::size_t>(1, std::max<std::size_t>(2, 2 * m_plan.mean_bytes_between));
}

void FaultProxy::faults_on(const FaultPlan& plan) {
  std::lock_guard lock(m_mutex);
  m_plan = plan;
  m_kinds.clear();
  m_faults = true;
  for (auto& c : m_connections) {
    for (auto& left : c->countdown) left = next_countdown();
  }
  (void)!::write(m_wake[1], "x", 1);
}

void FaultProxy::faults_off() {
  std::lock_guard lock(m_mutex);
  m_faults = false;
}

void FaultProxy::limit_rate(std::size_t bytes_per_second) {
  std::lock_guard lock(m_mutex);
  m_rate = bytes_per_second;
  (void)!::write(m_wake[1], "x", 1);
}

void FaultProxy::hold() {
  std::lock_guard lock(m_mutex);
  m_held = true;
}

void FaultProxy::release() {
  std::lock_guard lock(m_mutex);
  m_held = false;
  (void)!::write(m_wake[1], "x", 1);
}

void FaultProxy::cut_all(bool reset) {
  std::lock_guard lock(m_mutex);
  for (auto& c : m_connections) {
    if (c->closed) continue;
    close_both(*c, reset);
    ++m_counts.cuts;
    if (reset) ++m_counts.resets;
  }
  (void)!::write(m_wake[1], "x", 1);
}

void FaultProxy::cut_one_side(int side, bool reset, std::chrono::milliseconds linger, bool silent) {
  std::lock_guard lock(m_mutex);
  for (auto& c : m_connections) {
    if (c->closed || c->orphan >= 0) continue;
    close_side(*c, side, reset);
    c->orphan = 1 - side;
    c->orphan_until = Clock::now() + linger;
    c->orphan_silent = silent;
    c->out[0].clear();
    c->out[1].clear();
    ++m_counts.half_cuts;
  }
  (void)!::write(m_wake[1], "x", 1);
}

FaultCounts FaultProxy::counts() const {
  std::lock_guard lock(m_mutex);
  return m_counts;
}

std::size_t FaultProxy::open_connections() const {
  std::lock_guard lock(m_mutex);
  return static_cast<std::size_t>(
      std::count_if(m_connections.begin(), m_connections.end(), [](const auto& c) { return !c->closed; }));
}

void FaultProxy::loop() {
  std::vector<pollfd> fds;
  std::vector<std::pair<Connection*, int>> owners;
  while (!m_stop) {
    fds.assign({{m_wake[0], POLLIN, 0}, {m_listen_fd, POLLIN, 0}});
    owners.clear();
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(idle_poll);
    {
      std::lock_guard lock(m_mutex);
      const auto now = Clock::now();
      std::erase_if(m_connections, [](const auto& c) { return c->closed; });
      for (auto& c : m_connections) {
        if (c->orphan >= 0 && now >= c->orphan_until) {
          close_both(*c, true);
          continue;
        }
        if (m_held) continue;  // nothing read or written, hang-ups noticed after release()
        for (int side = 0; side < 2; ++side) {
          if (c->fd[side] < 0) continue;
          short events = 0;
          const bool other_open = c->fd[1 - side] >= 0;
          if (!c->read_eof[side] &&
              (c->orphan == side || (other_open && c->out[1 - side].size() < max_buffered_bytes))) {
            events |= POLLIN;
          }
          if (!c->out[side].empty()) {
            if (now >= c->resume[side]) {
              events |= POLLOUT;
            } else {
              wait = std::min(wait, std::chrono::ceil<std::chrono::milliseconds>(c->resume[side] - now));
            }
          }
          fds.push_back({c->fd[side], events, 0});
          owners.emplace_back(c.get(), side);
        }
      }
    }
    const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(std::max<long>(wait.count(), 1)));
    if (ready < 0) continue;
    if ((fds[0].revents & POLLIN) != 0) {
      char drain[64];
      while (::read(m_wake[0], drain, sizeof drain) > 0) {
      }
    }
    if ((fds[1].revents & POLLIN) != 0) accept_one();
    std::lock_guard lock(m_mutex);
    for (std::size_t i = 2; i < fds.size(); ++i) {
      auto [c, side] = owners[i - 2];
      if (c->closed || c->fd[side] != fds[i].fd || fds[i].revents == 0) continue;
      if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) != 0 && (fds[i].events & POLLIN) != 0) read_side(*c, side);
      if (!c->closed && c->fd[side] >= 0 && (fds[i].revents & POLLOUT) != 0) write_side(*c, side);
      if (!c->closed && (fds[i].revents & POLLERR) != 0) close_both(*c, true);
    }
  }
}

void FaultProxy::accept_one() {
  const int client = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (client < 0) return;
  const int server = connect_loopback(m_target);
  if (server < 0) {  // the target is down: the dialler sees a reset, as from a closed port
    close_fd(client, true);
    return;
  }
  set_nonblocking(server);
  auto c = std::make_unique<Connection>();
  c->fd[0] = client;
  c->fd[1] = server;
  std::lock_guard lock(m_mutex);
  for (auto& left : c->countdown) left = next_countdown();
  ++m_counts.connections;
  m_connections.push_back(std::move(c));
}

void FaultProxy::read_side(Connection& c, int side) {
  std::uint8_t chunk[read_chunk_bytes];
  const ssize_t n = ::recv(c.fd[side], chunk, sizeof chunk, MSG_DONTWAIT);
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (c.orphan == side) {  // its partner is gone: whatever it says is answered with a reset
    if (c.orphan_silent && n > 0) return;
    close_both(c, n > 0);
    return;
  }
  if (n < 0) {  // a reset: pass it on
    close_both(c, true);
    return;
  }
  if (n == 0) {
    c.read_eof[side] = true;
    if (c.read_eof[1 - side] && c.out[0].empty() && c.out[1].empty()) {
      close_both(c, false);
    } else if (c.out[1 - side].empty() && !c.shut[1 - side]) {
      ::shutdown(c.fd[1 - side], SHUT_WR);
      c.shut[1 - side] = true;
    }
    return;
  }
  c.out[1 - side].insert(c.out[1 - side].end(), chunk, chunk + n);
}

void FaultProxy::write_side(Connection& c, int to) {
  auto& out = c.out[to];
  std::size_t piece = out.size();
  if (c.sliced[to] > 0) piece = std::min({piece, c.sliced[to], uniform<std::size_t>(1, m_plan.max_piece_bytes)});
  if (m_faults) piece = std::min(piece, c.countdown[to]);
  if (m_rate > 0) piece = std::min(piece, max_rate_piece_bytes);
  if (piece > 0) {
    const ssize_t n = ::send(c.fd[to], out.data(), piece, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (n <= 0) {
      close_both(c, true);
      return;
    }
    const auto sent = static_cast<std::size_t>(n);
    out.erase(out.begin(), out.begin() + n);
    m_counts.bytes += sent;
    if (m_faults) c.countdown[to] -= sent;
    if (c.sliced[to] > 0) {
      c.sliced[to] -= std::min(sent, c.sliced[to]);
      c.resume[to] = Clock::now() + std::chrono::microseconds(
                                        uniform<long>(0, static_cast<long>(m_plan.max_piece_pause.count())));
    }
    if (m_rate > 0) {
      const auto pace = std::chrono::microseconds(static_cast<long>(sent * 1'000'000 / m_rate));
      c.resume[to] = std::max(c.resume[to], Clock::now() + pace);
    }
  }
  if (m_faults && c.countdown[to] == 0) {
    fault(c, to);
    if (c.closed || c.fd[to] < 0) return;
  }
  if (out.empty() && c.read_eof[1 - to] && !c.shut[to]) {
    ::shutdown(c.fd[to], SHUT_WR);
    c.shut[to] = true;
    if (c.read_eof[to]) close_both(c, false);
  }
}

void FaultProxy::fault(Connection& c, int to) {
  c.countdown[to] = next_countdown();
  if (m_kinds.empty()) {  // a shuffled bag: every kind comes once in each three faults
    if (m_plan.cut) m_kinds.push_back(0);
    if (m_plan.stall) m_kinds.push_back(1);
    if (m_plan.slice) m_kinds.push_back(2);
    std::shuffle(m_kinds.begin(), m_kinds.end(), m_rng);
  }
  if (m_kinds.empty()) return;
  const int kind = m_kinds.back();
  m_kinds.pop_back();
  if (kind == 0) {
    const int how = uniform(0, 3);  // 0: both FIN, 1: both RST, 2-3: one side (FIN or RST)
    if (how < 2) {
      close_both(c, how == 1);
      ++m_counts.cuts;
      if (how == 1) ++m_counts.resets;
    } else {
      const int gone = uniform(0, 1);
      close_side(c, gone, how == 3);
      c.orphan = 1 - gone;
      c.orphan_until = Clock::now() + m_plan.orphan_linger;
      c.out[0].clear();
      c.out[1].clear();
      ++m_counts.half_cuts;
    }
  } else if (kind == 1) {
    const auto until = Clock::now() + std::chrono::milliseconds(uniform<long>(
                                          min_stall.count(), std::max(min_stall.count(), m_plan.max_stall.count())));
    c.resume[to] = until;
    if (uniform(0, 1) == 1) c.resume[1 - to] = until;
    ++m_counts.stalls;
  } else {
    c.sliced[to] = uniform<std::size_t>(1, m_plan.max_sliced_bytes);
    ++m_counts.slices;
  }
}

void FaultProxy::close_side(Connection& c, int side, bool reset) {
  close_fd(c.fd[side], reset);
  c.fd[side] = -1;
  if (c.fd[1 - side] < 0) c.closed = true;
}

void FaultProxy::close_both(Connection& c, bool reset) {
  for (int side = 0; side < 2; ++side) {
    close_fd(c.fd[side], reset);
    c.fd[side] = -1;
  }
  c.closed = true;
}

}  // namespace pairspace::itest
