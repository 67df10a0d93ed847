#include "net/log.hpp"

#include <unistd.h>

namespace pairspace::net {

void log_line(std::string_view subsystem, std::string_view text) {
  std::string line;
  line.reserve(subsystem.size() + text.size() + 3);
  line.append(subsystem).append(": ").append(text).push_back('\n');
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(STDERR_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) return;  // logging never fails the daemon
    done += static_cast<std::size_t>(n);
  }
}

bool RateLimit::allow(Clock::time_point now) {
  if (now - m_window_start >= m_window) {
    m_window_start = now;
    m_in_window = 0;
  }
  if (m_in_window < m_burst) {
    ++m_in_window;
    return true;
  }
  ++m_suppressed;
  return false;
}

std::uint64_t RateLimit::take_suppressed() {
  const std::uint64_t n = m_suppressed;
  m_suppressed = 0;
  return n;
}

void log_limited(RateLimit& limit, std::string_view subsystem, std::string_view text) {
  if (!limit.allow()) return;
  const std::uint64_t suppressed = limit.take_suppressed();
  if (suppressed == 0) {
    log_line(subsystem, text);
    return;
  }
  log_line(subsystem, std::string(text) + " (" + std::to_string(suppressed) +
                          " similar lines suppressed)");
}

}  // namespace pairspace::net
