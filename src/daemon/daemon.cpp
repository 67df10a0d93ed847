#include "daemon/daemon.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/post.hpp>
#include <cerrno>
#include <csignal>
#include <cstring>

#include "net/endpoint.hpp"
#include "net/log.hpp"

namespace pairspace::daemon {

namespace asio = boost::asio;

namespace {

constexpr mode_t home_mode = 0700;

// The home must exist, belong to us and be private (forced to 0700, with a log line).
Status prepare_home(const std::filesystem::path& home) {
  struct stat st {};
  if (::stat(home.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return make_error(v1::CODE_NOT_READY, "No pairspace device in " + home.string() +
                                                " yet — create one with `pairspace init`.");
    }
    return make_error(v1::CODE_STORE,
                      "Could not read " + home.string() + ": " + std::strerror(errno) + ".");
  }
  if (!S_ISDIR(st.st_mode)) {
    return make_error(
        v1::CODE_STORE,
        home.string() + " is not a directory; please point --home at a pairspace home.");
  }
  if (st.st_uid != ::geteuid()) {
    return make_error(v1::CODE_STORE,
                      home.string() + " belongs to another user; please use a home of your own.");
  }
  if ((st.st_mode & 07777) != home_mode) {
    if (::chmod(home.c_str(), home_mode) != 0) {
      return make_error(v1::CODE_STORE, "Could not make " + home.string() +
                                            " private (chmod 0700): " + std::strerror(errno) + ".");
    }
    net::log_line("store", "made the home directory private again (0700)");
  }
  return ok_status();
}

}  // namespace

Daemon::Daemon(LockFile lock, DaemonOptions options)
    : m_lock(std::move(lock)), m_options(std::move(options)) {}

Result<std::unique_ptr<Daemon>> Daemon::create(DaemonOptions options) {
  auto endpoint = net::parse_endpoint(options.listen);
  if (!endpoint) return endpoint.error();
  const auto paths = store::HomePaths::of(options.home);
  if (auto st = check_socket_path(paths.socket); !st) return st.error();
  if (auto st = prepare_home(paths.home); !st) return st.error();
  auto lock = LockFile::acquire(paths.lock, paths.home);
  if (!lock) return lock.error();

  auto store = store::Store::open(paths);
  if (!store) return store.error();
  for (const auto& warning : (*store)->warnings()) net::log_line("store", warning);

  std::unique_ptr<Daemon> daemon(new Daemon(std::move(lock.value()), std::move(options)));
  daemon->m_context.home = paths.home;
  daemon->m_context.store = std::move(store.value());

  auto listener = net::Listener::open(daemon->m_io, *endpoint);
  if (!listener) return listener.error();
  daemon->m_listener = std::move(listener.value());
  daemon->m_context.listen_address = net::format_endpoint(daemon->m_listener->local_endpoint());
  daemon->m_context.invite_min_life = daemon->m_options.invite_min_life;
  daemon->m_context.events.set_hook(read_hook_config(paths.home.string()));
  if (auto st = daemon->m_partnership.load(daemon->m_listener->local_endpoint().port()); !st)
    return st.error();

  auto control =
      ControlServer::open(daemon->m_io, paths.socket, daemon->m_options.control_timeouts);
  if (!control) return control.error();
  daemon->m_control = std::move(control.value());
  return daemon;
}

Daemon::~Daemon() {
  // Never ran, or stopped: either way nothing may be left listening or dialling.
  m_partnership.close();
  if (m_control) m_control->close();
  if (m_listener) m_listener->close();
  m_workers.join();  // a running derivation finishes; its result is dropped with m_io
}

int Daemon::run() {
  m_listener->start(
      [this](asio::ip::tcp::socket socket) { m_partnership.link().accept(std::move(socket)); });
  m_control->start([this](v1::Request request) { return m_handlers.handle(std::move(request)); },
                   [this] { shutdown(); });
  if (m_options.handle_signals) {
    m_signals.emplace(m_io, SIGINT, SIGTERM);
    m_signals->async_wait([this](boost::system::error_code ec, int) {
      if (!ec) {
        net::log_line("pairspaced", "stopping on signal");
        shutdown();
      }
    });
  }
  net::log_line("net", "listening on " + m_context.listen_address);
  net::log_line("control", "listening on " + store::HomePaths::of(m_context.home).socket.string() +
                               (m_context.store->locked() ? " (store locked)" : ""));
  m_io.run();
  net::log_line("pairspaced", "stopped");
  return 0;
}

void Daemon::request_stop() {
  asio::post(m_io, [this] { shutdown(); });
}

void Daemon::shutdown() {
  if (m_stopping) return;
  m_stopping = true;
  m_partnership.close();  // first: no session or pairing outlives the stop
  m_listener->close();
  m_control->close();  // closes every control connection and removes the socket file
  if (m_signals) {
    boost::system::error_code ignored;
    m_signals->cancel(ignored);
  }
}

}  // namespace pairspace::daemon
