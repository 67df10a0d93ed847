#include "daemon/lock_file.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace pairspace::daemon {
namespace {

constexpr std::size_t max_pid_text = 32;

std::string read_pid(int fd) {
  char buf[max_pid_text] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return {};
  std::string text(buf, static_cast<std::size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char c : text)
    if (c < '0' || c > '9') return {};
  return text;
}

}  // namespace

Result<LockFile> LockFile::acquire(const std::filesystem::path& lock_path,
                                   const std::filesystem::path& home) {
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return make_error(v1::CODE_STORE, "Could not open the lock file " + lock_path.string() + ": " +
                                          std::strerror(errno) + ".");
  }
  LockFile lock(fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      const std::string pid = read_pid(fd);
      return make_error(v1::CODE_REFUSED,
                        "Another pairspaced is already running for " + home.string() +
                            (pid.empty() ? std::string() : " (pid " + pid + ")") +
                            ". Stop it with `pairspace daemon stop` first.");
    }
    return make_error(v1::CODE_STORE, "Could not lock " + lock_path.string() + ": " +
                                          std::strerror(errno) + ".");
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    return make_error(v1::CODE_STORE, "Could not write the lock file " + lock_path.string() +
                                          ": " + std::strerror(errno) + ".");
  }
  return lock;
}

LockFile::LockFile(LockFile&& other) noexcept : m_fd(std::exchange(other.m_fd, -1)) {}

LockFile& LockFile::operator=(LockFile&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = std::exchange(other.m_fd, -1);
  }
  return *this;
}

LockFile::~LockFile() {
  if (m_fd >= 0) ::close(m_fd);  // closing the last descriptor releases the flock
}

}  // namespace pairspace::daemon
