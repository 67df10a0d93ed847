#pragma once
// Blocking reads and writes on a non-blocking file descriptor, each bounded by a deadline
// (poll). Used by the control client; small enough to reuse in tests.
#include <chrono>
#include <cstdint>
#include <span>

namespace pairspace::control {

using IoClock = std::chrono::steady_clock;

enum class IoOutcome {
  ok,
  timeout,  // the deadline passed first
  closed,   // the other side closed (EOF, EPIPE, ECONNRESET)
  failed,   // any other error (errno is kept)
};

// Writes every byte (MSG_NOSIGNAL: a closed peer is `closed`, never SIGPIPE).
IoOutcome write_all(int fd, std::span<const std::uint8_t> bytes, IoClock::time_point deadline);

// Reads exactly bytes.size() bytes.
IoOutcome read_exact(int fd, std::span<std::uint8_t> bytes, IoClock::time_point deadline);

// Waits until fd is readable/writable (events as for poll); false on timeout.
bool wait_for(int fd, short events, IoClock::time_point deadline);

}  // namespace pairspace::control
