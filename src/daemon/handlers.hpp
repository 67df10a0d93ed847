#pragma once
// What the daemon does for each control request. Runs on the network thread; only the
// passphrase derivation leaves it (for the worker pool).
#include <utility>  // before Boost 1.74 awaitable.hpp, which forgets it
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "daemon/control_server.hpp"
#include "pairspace.pb.h"
#include "store/store.hpp"

namespace pairspace::daemon {

// The daemon's state the handlers read and change (owned by Daemon, network thread only).
struct DaemonContext {
  std::filesystem::path home;
  std::unique_ptr<store::Store> store;
  std::string listen_address;  // the real HOST:PORT
};

class Handlers {
 public:
  Handlers(DaemonContext& context, boost::asio::thread_pool& workers)
      : m_context(context), m_workers(workers) {}

  boost::asio::awaitable<Reply> handle(v1::Request request);

 private:
  v1::Response status() const;
  boost::asio::awaitable<v1::Response> unlock(v1::UnlockRequest& request);
  v1::Response journal_add(const v1::JournalAddRequest& request);
  v1::Response journal_list(const v1::JournalListRequest& request) const;
  v1::Response journal_show(const v1::JournalShowRequest& request) const;
  v1::Response journal_delete(const v1::JournalDeleteRequest& request);

  DaemonContext& m_context;
  boost::asio::thread_pool& m_workers;
};

}  // namespace pairspace::daemon
