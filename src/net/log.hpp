#pragma once
// Daemon logs: one line per event on stderr, prefixed with its subsystem ("net:", "control:",
// "store:"). Never pass keys, codes or user text. Anything a peer can trigger goes through
// a RateLimit.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace pairspace::net {

// Writes "subsystem: text\n" to stderr in a single write.
void log_line(std::string_view subsystem, std::string_view text);

// Allows `burst` events per `window`; counts the rest so the next allowed line can say so.
class RateLimit {
 public:
  using Clock = std::chrono::steady_clock;
  RateLimit(std::chrono::milliseconds window, std::uint32_t burst) : m_window(window), m_burst(burst) {}

  // True when this event may be logged now.
  bool allow(Clock::time_point now = Clock::now());
  // Events refused since the last allowed one (reset by the next allowed one's caller).
  std::uint64_t take_suppressed();

 private:
  std::chrono::milliseconds m_window;
  std::uint32_t m_burst;
  Clock::time_point m_window_start{};
  std::uint32_t m_in_window = 0;
  std::uint64_t m_suppressed = 0;
};

// log_line through a limiter; appends " (N similar lines suppressed)" when some were.
void log_limited(RateLimit& limit, std::string_view subsystem, std::string_view text);

}  // namespace pairspace::net
