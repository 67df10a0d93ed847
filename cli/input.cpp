#include "input.hpp"

#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <optional>
#include <span>

namespace pairspace::cli {

namespace {

constexpr std::size_t read_chunk_bytes = 4096;

// Turns terminal echo off for its lifetime (only when stdin is a terminal).
class NoEcho {
 public:
  NoEcho() {
    if (::tcgetattr(STDIN_FILENO, &m_saved) != 0) return;
    termios quiet = m_saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    m_active = ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
  }
  ~NoEcho() {
    if (m_active) {
      ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &m_saved);
      std::fputs("\n", stderr);
    }
  }
  NoEcho(const NoEcho&) = delete;
  NoEcho& operator=(const NoEcho&) = delete;

 private:
  termios m_saved{};
  bool m_active = false;
};

}  // namespace

bool stdin_is_terminal() { return ::isatty(STDIN_FILENO) == 1; }

Result<std::string> read_stdin_text(std::size_t max_bytes) {
  std::string text;
  char chunk[read_chunk_bytes];
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return make_error(v1::CODE_STORE, "Could not read the text from stdin; please try again.");
    }
    if (n == 0) break;
    text.append(chunk, static_cast<std::size_t>(n));
    if (text.size() > max_bytes) {
      return make_error(v1::CODE_USAGE, "That text is longer than pairspace accepts (" +
                                            std::to_string(max_bytes / 1024) +
                                            " KiB); please shorten it.");
    }
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

Result<crypto::SecureBytes> read_passphrase() {
  crypto::SecureBytes buffer(max_passphrase_bytes + 1);
  std::size_t used = 0;
  const bool terminal = stdin_is_terminal();
  {
    std::optional<NoEcho> no_echo;
    if (terminal) {
      std::fputs("Passphrase: ", stderr);
      std::fflush(stderr);
      no_echo.emplace();
    }
    while (used < buffer.size()) {
      const ssize_t n = ::read(STDIN_FILENO, buffer.data() + used, terminal ? 1 : buffer.size() - used);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        return make_error(v1::CODE_STORE, "Could not read the passphrase from stdin; please try again.");
      }
      if (n == 0) break;
      used += static_cast<std::size_t>(n);
      if (terminal && buffer.data()[used - 1] == '\n') break;
    }
  }
  if (used > max_passphrase_bytes) {
    return make_error(v1::CODE_USAGE, "That passphrase is longer than pairspace accepts (" +
                                          std::to_string(max_passphrase_bytes) +
                                          " bytes); please choose a shorter one.");
  }
  if (used > 0 && buffer.data()[used - 1] == '\n') --used;
  if (used > 0 && buffer.data()[used - 1] == '\r') --used;
  if (used == 0) {
    return make_error(v1::CODE_USAGE,
                      "The passphrase is empty; please pipe it on stdin, for example "
                      "`printf '%s\\n' \"$PASSPHRASE\" | pairspace ... --passphrase-stdin`.");
  }
  return crypto::SecureBytes(std::span<const std::uint8_t>(buffer.data(), used));
}

}  // namespace pairspace::cli
