#pragma once
// The CLI's side of the control API: a blocking client on the daemon's Unix socket.
// Wire format: 4-byte big-endian length, then a serialised v1::Request / v1::Response.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <utility>

#include "control/framing.hpp"  // max_message_bytes
#include "pairspace.pb.h"
#include "util/result.hpp"

namespace pairspace::control {

class Client {
 public:
  // CODE_UNREACHABLE with advice ("start it with `pairspace daemon start`") when nothing
  // listens; a permission problem says so plainly.
  static Result<Client> connect(const std::filesystem::path& socket_path,
                                std::chrono::milliseconds timeout = std::chrono::seconds(5));
  Client(Client&& other) noexcept;
  Client& operator=(Client&& other) noexcept;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client();

  // Sends one request and waits for its response (CODE_UNREACHABLE if the daemon closes).
  Result<v1::Response> call(const v1::Request& request,
                            std::chrono::milliseconds timeout = std::chrono::seconds(30));

 private:
  Client(int fd, std::filesystem::path home) : m_fd(fd), m_home(std::move(home)) {}
  void close_fd();
  int m_fd = -1;
  std::filesystem::path m_home;  // for messages: the socket's directory
};

}  // namespace pairspace::control
