#include "net/listener.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "net/endpoint.hpp"
#include "net/log.hpp"

namespace pairspace::net {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {
constexpr auto accept_error_pause = std::chrono::milliseconds(100);  // e.g. out of descriptors
constexpr int listen_backlog = 64;
}  // namespace

struct Listener::State {
  explicit State(asio::io_context& io) : acceptor(io), pause(io) {}
  tcp::acceptor acceptor;
  asio::steady_timer pause;
  ConnectionHandler handler;
  bool closed = false;
  RateLimit error_log{std::chrono::seconds(10), 3};
};

Result<std::unique_ptr<Listener>> Listener::open(asio::io_context& io, const tcp::endpoint& endpoint) {
  auto state = std::make_shared<State>(io);
  boost::system::error_code ec;
  auto fail = [&](std::string_view what) -> Error {
    if (ec == asio::error::address_in_use) {
      return make_error(v1::CODE_STORE, "Could not listen on " + format_endpoint(endpoint) +
                                            ": address in use. Choose another with --listen HOST:PORT.");
    }
    return make_error(v1::CODE_STORE, "Could not listen on " + format_endpoint(endpoint) + ": " +
                                          std::string(what) + " failed (" + ec.message() + ").");
  };
  state->acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  state->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (ec) return fail("setsockopt");
  state->acceptor.bind(endpoint, ec);
  if (ec) return fail("bind");
  state->acceptor.listen(listen_backlog, ec);
  if (ec) return fail("listen");
  return std::unique_ptr<Listener>(new Listener(std::move(state)));
}

Listener::~Listener() { close(); }

tcp::endpoint Listener::local_endpoint() const {
  boost::system::error_code ec;
  return m_state->acceptor.local_endpoint(ec);
}

namespace {
asio::awaitable<void> accept_loop(std::shared_ptr<Listener::State> state) {
  while (!state->closed) {
    boost::system::error_code ec;
    tcp::socket socket = co_await state->acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (state->closed || ec == asio::error::operation_aborted) break;
    if (ec) {
      log_limited(state->error_log, "net", "accept failed: " + ec.message());
      state->pause.expires_after(accept_error_pause);
      co_await state->pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (state->handler) state->handler(std::move(socket));
  }
}
}  // namespace

void Listener::start(ConnectionHandler handler) {
  m_state->handler = std::move(handler);
  asio::co_spawn(m_state->acceptor.get_executor(), accept_loop(m_state), asio::detached);
}

void Listener::close() {
  if (m_state->closed) return;
  m_state->closed = true;
  boost::system::error_code ignored;
  m_state->acceptor.close(ignored);
  m_state->pause.cancel();
}

}  // namespace pairspace::net
