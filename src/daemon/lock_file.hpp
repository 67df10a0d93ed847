#pragma once
// One daemon per home: an exclusive flock on HOME/daemon.lock, held for the daemon's
// lifetime, with its pid written inside for the message a second daemon prints.
#include <filesystem>

#include "util/result.hpp"

namespace pairspace::daemon {

class LockFile {
 public:
  // Held by another process (or another LockFile in this one): CODE_REFUSED
  // "Another pairspaced is already running for HOME (pid N). Stop it with ...".
  static Result<LockFile> acquire(const std::filesystem::path& lock_path,
                                  const std::filesystem::path& home);
  LockFile(LockFile&& other) noexcept;
  LockFile& operator=(LockFile&& other) noexcept;
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;
  ~LockFile();  // releases the lock (the file stays: unlinking lock files races)

 private:
  explicit LockFile(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

}  // namespace pairspace::daemon
