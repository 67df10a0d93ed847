#pragma once
// What the daemon does for each control request. Runs on the network thread; only the
// passphrase derivation leaves it (for the worker pool).
// clang-format off: must come first
#include <utility>  // before Boost 1.74 awaitable.hpp, which forgets it
// clang-format on
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "daemon/control_server.hpp"
#include "daemon/events.hpp"
#include "daemon/invites.hpp"
#include "pairspace.pb.h"
#include "store/store.hpp"
#include "sync/op_log.hpp"

namespace pairspace::daemon {

// The daemon's state the handlers read and change (owned by Daemon, network thread only).
struct DaemonContext {
  std::filesystem::path home;
  std::unique_ptr<store::Store> store;
  std::string listen_address;                                      // the real HOST:PORT
  std::chrono::seconds invite_min_life = daemon::invite_min_life;  // lower in tests
  Events events;                                                   // watchers and the hook
};

class Partnership;

class Handlers {
 public:
  Handlers(DaemonContext& context, boost::asio::thread_pool& workers, Partnership& partnership)
      : m_context(context), m_workers(workers), m_partnership(partnership) {}

  boost::asio::awaitable<Reply> handle(v1::Request request);

 private:
  v1::Response status() const;
  boost::asio::awaitable<v1::Response> unlock(v1::UnlockRequest& request);
  v1::Response journal_add(const v1::JournalAddRequest& request);
  v1::Response journal_list(const v1::JournalListRequest& request) const;
  v1::Response journal_show(const v1::JournalShowRequest& request) const;
  v1::Response journal_delete(const v1::JournalDeleteRequest& request);
  // handlers_pair.cpp
  v1::Response pair_invite(const v1::PairInviteRequest& request);
  boost::asio::awaitable<v1::Response> pair_wait();
  boost::asio::awaitable<v1::Response> pair_join(v1::PairJoinRequest& request);
  // handlers_peer.cpp
  v1::Response peer_show() const;
  v1::Response peer_address(const v1::PeerAddressRequest& request);
  boost::asio::awaitable<v1::Response> peer_forget();
  // handlers_shared.cpp
  void shared_status(v1::DaemonStatus& status) const;
  v1::Response space_need(const v1::SpaceNeedRequest& request);
  v1::Response space_end(const v1::SpaceEndRequest& request);
  v1::Response space_ack(const v1::SpaceAckRequest& request);
  v1::Response check_in(const v1::CheckInRequest& request);
  v1::Response check_in_next(const v1::CheckInNextRequest& request) const;
  // handlers_agree.cpp
  v1::Response agree_propose(const v1::AgreeProposeRequest& request);
  v1::Response agree_list(const v1::AgreeListRequest& request) const;
  v1::Response agree_respond(const v1::AgreeRespondRequest& request);
  v1::Response agree_revoke(const v1::AgreeRevokeRequest& request);
  v1::Response calendar() const;
  v1::Response history(const v1::HistoryRequest& request) const;
  Reply watch();
  // The op log when paired and unlocked, else the error reply.
  Result<sync::OpLog*> shared_log() const;
  // Makes an op and the ChangeResult reply for it.
  v1::Response change(const v1::Op& body, std::string summary, std::string id = {});

  DaemonContext& m_context;
  boost::asio::thread_pool& m_workers;
  Partnership& m_partnership;
};

}  // namespace pairspace::daemon
