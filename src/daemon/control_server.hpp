#pragma once
// The daemon's side of the control API: a Unix socket in the home (0600, peer uid checked),
// one coroutine per connection reading length-prefixed v1::Request and writing v1::Response.
// Everything runs on the daemon's io_context thread.
#include <utility>  // before Boost 1.74 awaitable.hpp, which forgets it
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <optional>
#include <filesystem>
#include <functional>
#include <memory>

#include "pairspace.pb.h"
#include "util/result.hpp"

namespace pairspace::daemon {

// More responses after the first on the same connection (watch). Whoever produces them
// keeps a weak_ptr and pushes; the connection writes them in order until it closes.
class ReplyStream {
 public:
  explicit ReplyStream(boost::asio::any_io_executor executor) : m_wake(executor) {}
  void push(v1::Response response);
  // The next response, or nullopt after `max_wait` with none (the caller checks its socket).
  boost::asio::awaitable<std::optional<v1::Response>> next(std::chrono::milliseconds max_wait);

 private:
  std::deque<v1::Response> m_queue;
  boost::asio::steady_timer m_wake;
};

struct Reply {
  v1::Response response;
  bool shutdown_after = false;  // the daemon stops once this reply is written
  std::shared_ptr<ReplyStream> stream;  // set: the connection then carries its responses
};

struct ControlTimeouts {
  std::chrono::milliseconds idle{std::chrono::seconds(60)};  // waiting for the next request
  std::chrono::milliseconds io{std::chrono::seconds(10)};    // rest of a request; a reply
};

class ControlServer {
 public:
  // Takes the request by value: handlers may wipe secrets in it.
  using Handler = std::function<boost::asio::awaitable<Reply>(v1::Request)>;

  // Binds socket_path (a stale file there is removed: call only while holding the home's
  // lock), chmod 0600, listens. Too long a path is CODE_USAGE; other failures CODE_STORE.
  static Result<std::unique_ptr<ControlServer>> open(boost::asio::io_context& io,
                                                     const std::filesystem::path& socket_path,
                                                     ControlTimeouts timeouts);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Starts accepting. `on_shutdown` runs after a reply with shutdown_after was written.
  void start(Handler handler, std::function<void()> on_shutdown);
  // Stops accepting, closes every connection, removes the socket file. Idempotent.
  void close();

  struct State;

 private:
  explicit ControlServer(std::shared_ptr<State> state) : m_state(std::move(state)) {}
  std::shared_ptr<State> m_state;  // shared with the coroutines, which may outlive us briefly
};

// The sockaddr_un limit, checked up front so the daemon can refuse a long --home clearly.
Status check_socket_path(const std::filesystem::path& socket_path);

}  // namespace pairspace::daemon
