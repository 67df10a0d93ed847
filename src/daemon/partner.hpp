#pragma once
// The daemon's side of the partner link: it answers the link's questions (identity, invite,
// replay counters) from the store and the invite, stores a new partner, tracks the session
// and acts on an unpair from the partner. Network thread only.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "daemon/invites.hpp"
#include "daemon/reminders.hpp"
#include "daemon/shared.hpp"
#include "net/log.hpp"
#include "net/partner_link.hpp"
#include "pairspace.pb.h"
#include "store/store.hpp"
#include "util/result.hpp"

namespace pairspace::daemon {

struct DaemonContext;

class Partnership final : public net::LinkDelegate {
 public:
  Partnership(boost::asio::io_context& io, DaemonContext& context, net::LinkTimings timings = {});
  ~Partnership() override;
  Partnership(const Partnership&) = delete;
  Partnership& operator=(const Partnership&) = delete;

  // At start-up and after an unlock: keeps this device's identity for the link and pins
  // the stored partner on it. Does nothing while the store is locked.
  Status load(std::uint16_t listen_port);
  Status reload() { return load(m_listen_port); }
  // Closes the link and ends the invite; idempotent.
  void close();

  net::PartnerLink& link() { return *m_link; }
  Invites& invites() { return m_invites; }
  SharedSpace& shared() { return m_shared; }
  boost::asio::io_context& io() { return m_io; }
  const std::optional<store::Identity>& identity() const { return m_identity; }
  bool connected() const { return m_connected; }
  const std::string& notice() const { return m_notice; }
  bool joining() const { return m_joining; }
  void set_joining(bool joining) { m_joining = joining; }

  // The stored partner for a reply; nullopt when not paired.
  Result<std::optional<v1::PeerInfo>> peer_info() const;
  // A new address to dial: stored, and the link redials.
  Status set_address(const std::string& address);
  // Drops the partner from the store and the link and ends any invite. Not being paired
  // (any more) is not an error here.
  Status forget();

  // net::LinkDelegate
  peer::LocalDevice local_device() override;
  std::optional<std::string> take_invite_code() override;
  Status on_paired(const peer::PairResult& result, const std::string& address) override;
  void on_pair_failed(const Error& error) override;
  Result<std::uint64_t> last_accepted_session_ts() override;
  Status set_last_accepted_session_ts(std::uint64_t ts_ms) override;
  Result<std::uint64_t> next_session_ts(std::uint64_t now_ms) override;
  void on_session_up(const std::string& remote) override;
  void on_session_down() override;
  void on_frame(const v1::Frame& frame, peer::ByteView handshake_hash) override;
  void on_partner_clock(std::int64_t offset_ms) override;

 private:
  void on_unpair(const v1::Unpair& unpair, peer::ByteView handshake_hash);
  void note_last_seen();
  void publish(std::string kind, std::string message);

  boost::asio::io_context& m_io;
  DaemonContext& m_context;
  Invites m_invites;
  SharedSpace m_shared;
  Reminders m_reminders;
  std::optional<store::Identity> m_identity;  // while unlocked; local_device() views into it
  std::uint16_t m_listen_port = 0;
  bool m_connected = false;
  bool m_joining = false;
  bool m_closed = false;
  std::string m_notice;  // for `pairspace status`, until the next pairing
  net::RateLimit m_frame_log{std::chrono::seconds(10), 3};
  std::unique_ptr<net::PartnerLink> m_link;  // last: closed and destroyed first
};

// What a reply says about a partner (connected as given).
v1::PeerInfo to_peer_info(const store::Partner& partner, bool connected);
void set_timestamp(google::protobuf::Timestamp& out, std::chrono::system_clock::time_point t);

}  // namespace pairspace::daemon
