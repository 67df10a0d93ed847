#pragma once
// The TCP listener partners connect to. Runs on the daemon's io_context; every accepted
// socket goes to the connection handler (the partner session layer, next issue).
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <functional>
#include <memory>

#include "util/result.hpp"

namespace pairspace::net {

class Listener {
 public:
  using ConnectionHandler = std::function<void(boost::asio::ip::tcp::socket)>;

  // Binds and listens. In use: CODE_STORE "Could not listen on HOST:PORT: address in use."
  static Result<std::unique_ptr<Listener>> open(boost::asio::io_context& io,
                                                const boost::asio::ip::tcp::endpoint& endpoint);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // The bound address, with the real port when port 0 was asked for.
  boost::asio::ip::tcp::endpoint local_endpoint() const;

  // Starts accepting on the io_context; `handler` runs on its thread for each connection.
  void start(ConnectionHandler handler);
  // Stops accepting; idempotent. Connections already handed over are not touched.
  void close();

  struct State;

 private:
  explicit Listener(std::shared_ptr<State> state) : m_state(std::move(state)) {}
  std::shared_ptr<State> m_state;  // shared with the accept loop, which may outlive us briefly
};

}  // namespace pairspace::net
