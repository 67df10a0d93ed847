#pragma once
// Partner connections on the daemon's io_context (the network thread):
//   inbound  — pairing as the inviter, sessions as the Noise KK responder;
//   outbound — `pair join`, and sessions as the KK initiator, redialled with backoff;
// at most one live session, with keepalives and an idle deadline.
// Wire format and rules: docs/protocol.md. Everything here runs on the io_context's thread.
#include <utility>  // before Boost 1.74 awaitable.hpp, which forgets it
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "pairspace.pb.h"
#include "peer/frame_codec.hpp"  // peer::Bytes, peer::ByteView
#include "peer/pairing.hpp"
#include "util/result.hpp"

namespace pairspace::net {

// The partner this device is paired with: whom to accept sessions from and where to dial.
struct PinnedPartner {
  peer::SignPublic sign_public{};
  peer::DhPublic dh_public{};
  std::string address;  // "HOST:PORT" to dial; empty: only accept
};

// What the link needs from its owner (the daemon: store, invites, the person). Every call
// happens on the network thread.
class LinkDelegate {
 public:
  virtual ~LinkDelegate() = default;

  // This device's identity; the views must stay valid until the link is closed.
  virtual peer::LocalDevice local_device() = 0;

  // Inviter side: the active invite's code, BURNED by this call (one attempt per invite);
  // nullopt when there is none or it expired.
  virtual std::optional<std::string> take_invite_code() = 0;
  // Either side: pairing finished; store the partner. `address` is where to reach it:
  // the dialled address (joiner) or the joiner's source IP with its listen port (inviter).
  // An error here fails the pairing.
  virtual Status on_paired(const peer::PairResult& result, const std::string& address) = 0;
  // Inviter side: an attempt failed (wrong code, malformed, dropped), for `pair invite --wait`.
  virtual void on_pair_failed(const Error& error) = 0;

  // Replay guard for SESSION_INIT timestamps (milliseconds), persisted by the store.
  virtual Result<std::uint64_t> last_accepted_session_ts() = 0;
  virtual Status set_last_accepted_session_ts(std::uint64_t ts_ms) = 0;
  virtual Result<std::uint64_t> next_session_ts(std::uint64_t now_ms) = 0;

  // Session life. `remote` is the peer's "IP:PORT" as seen on the socket.
  virtual void on_session_up(const std::string& remote) = 0;
  virtual void on_session_down() = 0;
  // Every frame but keepalives, with the live session's 64-byte handshake hash (for the
  // unpair signature check).
  virtual void on_frame(const v1::Frame& frame, peer::ByteView handshake_hash) = 0;
  // The partner's clock minus this device's (milliseconds), from a keepalive's timestamp;
  // short by the one-way delay. Every session starts with one. Default: not used.
  virtual void on_partner_clock(std::int64_t offset_ms) { (void)offset_ms; }
};

struct LinkTimings {
  std::chrono::milliseconds handshake_timeout{10'000};  // whole handshake, either role
  std::chrono::milliseconds keepalive{25'000};          // send one when quiet this long
  std::chrono::milliseconds idle_timeout{75'000};       // drop a session silent this long
  std::chrono::milliseconds backoff_initial{1'000};     // first redial wait
  std::chrono::milliseconds backoff_max{60'000};        // waits double up to this
};

class PartnerLink {
 public:
  PartnerLink(boost::asio::io_context& io, LinkDelegate& delegate, LinkTimings timings = {});
  ~PartnerLink();
  PartnerLink(const PartnerLink&) = delete;
  PartnerLink& operator=(const PartnerLink&) = delete;

  // The listener hands every accepted socket here. Strangers get no byte, ever.
  void accept(boost::asio::ip::tcp::socket socket);

  // Whom to accept sessions from and dial (nullopt: unpaired — stop dialling, close the
  // session). Setting a partner starts dialling at once (when it has an address); setting
  // a new address redials now.
  void set_partner(std::optional<PinnedPartner> partner);

  // Joiner side of pairing: dial `address`, run CPace + Noise XXpsk3 with `code`.
  // On success the delegate's on_paired has stored the partner.
  boost::asio::awaitable<Result<peer::PairResult>> join(std::string address, std::string code);

  // Queue one frame on the live session (exactly one write in flight); CODE_UNREACHABLE
  // when there is none.
  Status send(const v1::Frame& frame);
  // The live session's handshake hash (to sign an unpair), nullopt when not connected.
  std::optional<peer::Bytes> session_handshake_hash() const;
  // The session's last frame (an unpair): queue it, shut this side, and wait until the
  // partner has read it and closed its side, or `timeout` passes (CODE_UNREACHABLE). The
  // session sends and delivers nothing more; end it after (set_partner or drop_session).
  boost::asio::awaitable<Status> send_last(v1::Frame frame, std::chrono::milliseconds timeout);

  bool connected() const;
  // Ends the live session (if any) as if it had failed: on_session_down, then a redial
  // after the initial backoff. For a delegate that found a frame it cannot accept.
  void drop_session(std::string_view why);
  // Stop dialling and close every connection; idempotent.
  void close();

  struct State;

 private:
  std::shared_ptr<State> m_state;
};

}  // namespace pairspace::net
