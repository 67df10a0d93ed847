#include "daemon/control_server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <list>

#include "control/framing.hpp"
#include "crypto/secure.hpp"
#include "net/log.hpp"

namespace pairspace::daemon {

namespace asio = boost::asio;
using unix_socket = asio::local::stream_protocol;
using asio::redirect_error;
using asio::use_awaitable;

namespace {
constexpr auto accept_error_pause = std::chrono::milliseconds(100);
constexpr mode_t socket_mode = 0600;
constexpr auto stream_poll = std::chrono::milliseconds(500);  // a watching connection checks it is open

// One connection. The coroutine owns it; the deadline timer only holds a weak reference.
struct Session : std::enable_shared_from_this<Session> {
  explicit Session(unix_socket::socket s) : socket(std::move(s)), deadline(socket.get_executor()) {}
  unix_socket::socket socket;
  asio::steady_timer deadline;

  void arm(std::chrono::milliseconds limit) {
    deadline.expires_after(limit);
    deadline.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
      if (ec) return;
      if (auto self = weak.lock()) self->close();
    });
  }
  void disarm() { deadline.cancel(); }
  void close() {
    boost::system::error_code ignored;
    socket.close(ignored);
  }
};
}  // namespace

struct ControlServer::State {
  State(asio::io_context& io, std::filesystem::path p, ControlTimeouts t)
      : acceptor(io), pause(io), path(std::move(p)), timeouts(t) {}
  unix_socket::acceptor acceptor;
  asio::steady_timer pause;
  std::filesystem::path path;
  ControlTimeouts timeouts;
  Handler handler;
  std::function<void()> on_shutdown;
  std::list<std::weak_ptr<Session>> sessions;
  bool closed = false;
  net::RateLimit refused_log{std::chrono::seconds(10), 3};
  net::RateLimit bad_request_log{std::chrono::seconds(10), 3};
};

void ReplyStream::push(v1::Response response) {
  m_queue.push_back(std::move(response));
  m_wake.cancel();
}

asio::awaitable<std::optional<v1::Response>> ReplyStream::next(std::chrono::milliseconds max_wait) {
  if (m_queue.empty()) {
    boost::system::error_code ec;
    m_wake.expires_after(max_wait);
    co_await m_wake.async_wait(redirect_error(use_awaitable, ec));
  }
  if (m_queue.empty()) co_return std::nullopt;
  v1::Response out = std::move(m_queue.front());
  m_queue.pop_front();
  co_return out;
}

Status check_socket_path(const std::filesystem::path& socket_path) {
  constexpr std::size_t limit = sizeof(sockaddr_un::sun_path) - 1;
  if (socket_path.string().size() > limit) {
    return make_error(v1::CODE_USAGE, "The home " + socket_path.parent_path().string() +
                                          " is too long a path for its control socket (at most " +
                                          std::to_string(limit) + " bytes); please choose a shorter --home.");
  }
  return ok_status();
}

Result<std::unique_ptr<ControlServer>> ControlServer::open(asio::io_context& io,
                                                           const std::filesystem::path& socket_path,
                                                           ControlTimeouts timeouts) {
  if (auto st = check_socket_path(socket_path); !st) return st.error();
  auto state = std::make_shared<State>(io, socket_path, timeouts);
  boost::system::error_code ec;
  auto fail = [&](std::string_view what) -> Error {
    return make_error(v1::CODE_STORE, "Could not create the control socket " + socket_path.string() +
                                          ": " + std::string(what) + " failed (" + ec.message() + ").");
  };
  std::error_code remove_ec;
  std::filesystem::remove(socket_path, remove_ec);  // stale, from a daemon that died; we hold the lock
  const unix_socket::endpoint endpoint(socket_path.string());
  state->acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  state->acceptor.bind(endpoint, ec);
  if (ec) return fail("bind");
  if (::chmod(socket_path.c_str(), socket_mode) != 0) {
    ec.assign(errno, boost::system::system_category());
    return fail("chmod");
  }
  state->acceptor.listen(unix_socket::acceptor::max_listen_connections, ec);
  if (ec) return fail("listen");
  return std::unique_ptr<ControlServer>(new ControlServer(std::move(state)));
}

ControlServer::~ControlServer() { close(); }

namespace {

bool same_user(unix_socket::socket& socket, uid_t& peer_uid) {
  ucred cred{};
  socklen_t len = sizeof cred;
  if (::getsockopt(socket.native_handle(), SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return false;
  peer_uid = cred.uid;
  return cred.uid == ::geteuid();
}

v1::Response unreadable_request() {
  v1::Response response;
  response.set_code(v1::CODE_USAGE);
  response.set_message("The daemon could not read this request; are pairspace and pairspaced "
                       "from the same version?");
  return response;
}

asio::awaitable<bool> write_response(Session& session, const v1::Response& response,
                                     std::chrono::milliseconds limit) {
  auto frame = control::encode_frame(response);
  if (!frame) {  // a reply over 1 MiB (e.g. a huge journal list): say so instead
    v1::Response too_big;
    too_big.set_code(v1::CODE_STORE);
    too_big.set_message("The answer is too large to send (over 1 MiB); please narrow it down, "
                        "e.g. with --grep or --since.");
    frame = control::encode_frame(too_big);
  }
  boost::system::error_code ec;
  session.arm(limit);
  co_await asio::async_write(session.socket, asio::buffer(*frame), redirect_error(use_awaitable, ec));
  session.disarm();
  co_return !ec;
}

asio::awaitable<void> serve(std::shared_ptr<ControlServer::State> state, std::shared_ptr<Session> session) {
  const ControlTimeouts limits = state->timeouts;
  for (;;) {
    boost::system::error_code ec;
    control::FrameHeader header{};
    session->arm(limits.idle);
    co_await asio::async_read(session->socket, asio::buffer(header), redirect_error(use_awaitable, ec));
    if (ec) break;  // closed by the client, by the deadline, or by shutdown
    auto length = control::decode_frame_header(header);
    if (!length) {
      net::log_limited(state->bad_request_log, "control", "closed a connection that announced an oversize request");
      break;
    }
    std::string payload(*length, '\0');
    session->arm(limits.io);
    co_await asio::async_read(session->socket, asio::buffer(payload), redirect_error(use_awaitable, ec));
    session->disarm();
    if (ec) break;
    v1::Request request;
    const bool parsed = request.ParseFromString(payload);
    crypto::wipe(payload.data(), payload.size());  // may hold a passphrase
    if (!parsed) {
      net::log_limited(state->bad_request_log, "control", "closed a connection after an unreadable request");
      const v1::Response refusal = unreadable_request();  // named: see worker.hpp on g++ 12
      co_await write_response(*session, refusal, limits.io);
      break;
    }
    Reply reply = co_await state->handler(std::move(request));
    const bool written = co_await write_response(*session, reply.response, limits.io);
    if (reply.shutdown_after && state->on_shutdown) state->on_shutdown();
    if (!written) break;
    if (reply.stream) {
      // No idle deadline while streaming: the connection lives until either side closes.
      while (session->socket.is_open() && !state->closed) {
        auto next = co_await reply.stream->next(stream_poll);
        if (!next) {
          char byte = 0;  // the client hung up: end the watch instead of waiting for an event
          if (::recv(session->socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0) break;
          continue;
        }
        if (!co_await write_response(*session, *next, limits.io)) break;
      }
      break;
    }
  }
  session->close();
}

asio::awaitable<void> accept_loop(std::shared_ptr<ControlServer::State> state) {
  while (!state->closed) {
    boost::system::error_code ec;
    unix_socket::socket socket = co_await state->acceptor.async_accept(redirect_error(use_awaitable, ec));
    if (state->closed || ec == asio::error::operation_aborted) break;
    if (ec) {
      net::log_limited(state->refused_log, "control", "accept failed: " + ec.message());
      state->pause.expires_after(accept_error_pause);
      co_await state->pause.async_wait(redirect_error(use_awaitable, ec));
      continue;
    }
    uid_t peer_uid = 0;
    if (!same_user(socket, peer_uid)) {
      net::log_limited(state->refused_log, "control",
                       "refused a connection from uid " + std::to_string(peer_uid));
      continue;  // the socket closes as it goes out of scope, without a byte
    }
    state->sessions.remove_if([](const std::weak_ptr<Session>& s) { return s.expired(); });
    auto session = std::make_shared<Session>(std::move(socket));
    state->sessions.push_back(session);
    asio::co_spawn(state->acceptor.get_executor(), serve(state, std::move(session)), asio::detached);
  }
}

}  // namespace

void ControlServer::start(Handler handler, std::function<void()> on_shutdown) {
  m_state->handler = std::move(handler);
  m_state->on_shutdown = std::move(on_shutdown);
  asio::co_spawn(m_state->acceptor.get_executor(), accept_loop(m_state), asio::detached);
}

void ControlServer::close() {
  if (m_state->closed) return;
  m_state->closed = true;
  boost::system::error_code ignored;
  m_state->acceptor.close(ignored);
  m_state->pause.cancel();
  for (auto& weak : m_state->sessions) {
    if (auto session = weak.lock()) session->close();
  }
  m_state->sessions.clear();
  std::error_code remove_ec;
  std::filesystem::remove(m_state->path, remove_ec);
}

}  // namespace pairspace::daemon
