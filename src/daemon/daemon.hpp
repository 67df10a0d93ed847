#pragma once
// pairspaced: one device's daemon. Wires the home's lock, the store, the control socket, the
// partner listener and the partner link onto one io_context (the network thread); all state
// lives there.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/thread_pool.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "daemon/control_server.hpp"
#include "daemon/handlers.hpp"
#include "daemon/lock_file.hpp"
#include "daemon/partner.hpp"
#include "net/listener.hpp"
#include "net/log.hpp"
#include "util/result.hpp"

namespace pairspace::daemon {

struct DaemonOptions {
  std::filesystem::path home;
  std::string listen = "0.0.0.0:47474";  // HOST:PORT; port 0 = any free port
  bool handle_signals = true;            // SIGINT/SIGTERM stop the daemon (off in unit tests)
  ControlTimeouts control_timeouts;
  std::chrono::seconds invite_min_life = daemon::invite_min_life;  // shorter only in tests
  net::LinkTimings link_timings;
};

class Daemon {
 public:
  // Everything that can fail at start-up, in order: the listen address (CODE_USAGE), the
  // home (CODE_NOT_READY when missing), the lock (CODE_REFUSED when held), the store (its
  // own code), the TCP port and the control socket (CODE_STORE). The Code is the exit status.
  static Result<std::unique_ptr<Daemon>> create(DaemonOptions options);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Serves until a stop request or signal; returns the exit status (0 on a clean stop).
  int run();
  // Safe from any thread; harmless when already stopping.
  void request_stop();

  const std::string& listen_address() const { return m_context.listen_address; }

 private:
  explicit Daemon(LockFile lock, DaemonOptions options);
  void shutdown();  // network thread; idempotent

  LockFile m_lock;  // first member: released last
  DaemonOptions m_options;
  boost::asio::io_context m_io{1};
  boost::asio::thread_pool m_workers{1};
  DaemonContext m_context;
  Partnership m_partnership{m_io, m_context, m_options.link_timings};
  Handlers m_handlers{m_context, m_workers, m_partnership};
  std::unique_ptr<net::Listener> m_listener;
  std::unique_ptr<ControlServer> m_control;
  std::optional<boost::asio::signal_set> m_signals;
  bool m_stopping = false;
};

}  // namespace pairspace::daemon
