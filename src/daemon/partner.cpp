#include "daemon/partner.hpp"

#include <boost/asio/post.hpp>
#include <ctime>

#include "daemon/handlers.hpp"
#include "peer/unpair.hpp"

namespace pairspace::daemon {

namespace asio = boost::asio;
using SystemClock = std::chrono::system_clock;

namespace {

net::PinnedPartner pinned(const store::Partner& partner) {
  net::PinnedPartner out;
  out.sign_public = partner.sign_public;
  out.dh_public = partner.dh_public;
  out.address = partner.address;
  return out;
}

// "19:40", in this machine's local time.
std::string clock_time(SystemClock::time_point t) {
  const std::time_t seconds = SystemClock::to_time_t(t);
  std::tm local{};
  if (::localtime_r(&seconds, &local) == nullptr) return "just now";
  char text[8] = {};
  if (std::strftime(text, sizeof text, "%H:%M", &local) == 0) return "just now";
  return text;
}

}  // namespace

void set_timestamp(google::protobuf::Timestamp& out, SystemClock::time_point t) {
  using namespace std::chrono;
  const auto since_epoch = duration_cast<nanoseconds>(t.time_since_epoch());
  const auto whole = floor<seconds>(since_epoch);
  out.set_seconds(whole.count());
  out.set_nanos(static_cast<std::int32_t>((since_epoch - whole).count()));
}

v1::PeerInfo to_peer_info(const store::Partner& partner, bool connected) {
  v1::PeerInfo info;
  info.set_name(partner.name);
  info.set_device_id(partner.device_id);
  info.set_safety_number(partner.safety_number);
  info.set_address(partner.address);
  info.set_connected(connected);
  if (partner.last_seen) set_timestamp(*info.mutable_last_seen(), *partner.last_seen);
  set_timestamp(*info.mutable_paired_at(), partner.paired_at);
  return info;
}

Partnership::Partnership(asio::io_context& io, DaemonContext& context, net::LinkTimings timings)
    : m_io(io),
      m_context(context),
      m_invites(io),
      m_shared(context, context.events),
      m_reminders(io, m_shared, context.events),
      m_link(std::make_unique<net::PartnerLink>(io, *this, timings)) {
  m_shared.set_on_change([this] { m_reminders.recompute(); });
}

Partnership::~Partnership() { close(); }

Status Partnership::load(std::uint16_t listen_port) {
  m_listen_port = listen_port;
  if (m_context.store->locked()) return ok_status();
  auto identity = m_context.store->identity();
  if (!identity) return identity.error();
  auto partner = m_context.store->partner();
  if (!partner) return partner.error();
  if (!m_identity) m_identity = std::move(identity.value());  // keep the views handed out valid
  if (*partner) {
    m_link->set_partner(pinned(**partner));
    net::log_line("peer", "paired; the link will keep a session with the partner's device");
    if (m_shared.open()) m_reminders.recompute();
  }
  return ok_status();
}

void Partnership::close() {
  if (m_closed) return;
  m_closed = true;
  m_reminders.close();
  m_link->close();
  m_invites.drop(
      make_error(v1::CODE_UNREACHABLE, "The daemon stopped before the invite was used."));
}

Result<std::optional<v1::PeerInfo>> Partnership::peer_info() const {
  auto partner = m_context.store->partner();
  if (!partner) return partner.error();
  if (!*partner) return std::optional<v1::PeerInfo>();
  return std::optional<v1::PeerInfo>(to_peer_info(**partner, m_connected));
}

Status Partnership::set_address(const std::string& address) {
  if (auto st = m_context.store->set_partner_address(address); !st) return st;
  auto partner = m_context.store->partner();
  if (!partner) return partner.error();
  if (*partner) m_link->set_partner(pinned(**partner));
  net::log_line("peer", "the partner's address was changed; redialling");
  return ok_status();
}

Status Partnership::forget() {
  m_link->set_partner(std::nullopt);  // first: the session ends while the partner is still known
  m_connected = false;
  m_shared.reset();
  auto st = m_context.store->forget_partner();
  if (!st && st.error().code != v1::CODE_NOT_READY) return st;
  m_invites.drop(make_error(v1::CODE_REFUSED,
                            "The pairing was ended on this device, so the invite "
                            "was dropped. Make a fresh one with `pairspace pair invite`."));
  return ok_status();
}

peer::LocalDevice Partnership::local_device() {
  peer::LocalDevice device;
  device.listen_port = m_listen_port;
  if (!m_identity) return device;  // locked: no pairing and no session can use it
  device.name = m_identity->name;
  device.sign_public = m_identity->sign_public;
  device.sign_secret = m_identity->sign_secret.span();
  device.dh_public = m_identity->dh_public;
  device.dh_secret = m_identity->dh_secret.span();
  return device;
}

std::optional<std::string> Partnership::take_invite_code() {
  if (m_closed || !m_identity) return std::nullopt;
  auto code = m_invites.take_code();
  if (code) net::log_line("pair", "someone is using the invite (it is now used up)");
  return code;
}

Status Partnership::on_paired(const peer::PairResult& result, const std::string& address) {
  store::Partner partner;
  partner.name = result.partner_name;
  partner.sign_public = result.partner_sign_public;
  partner.dh_public = result.partner_dh_public;
  partner.address = address;
  partner.safety_number = result.safety_number;
  partner.paired_at = SystemClock::now();
  if (auto st = m_context.store->set_partner(partner); !st) {
    net::log_line("pair", "could not store the new partner; the pairing did not take");
    return st;
  }
  m_notice.clear();
  m_shared.reset();  // a new pairing starts a new log
  auto stored = m_context.store->partner();
  if (stored && *stored) partner = std::move(**stored);  // with its device id
  m_invites.succeed(to_peer_info(partner, false));
  m_link->set_partner(pinned(partner));
  net::log_line("pair", "paired; the partner's keys are pinned");
  return ok_status();
}

void Partnership::on_pair_failed(const Error& error) {
  net::log_line("pair", "a pairing attempt failed; nothing was stored");
  m_invites.fail(error);
}

Result<std::uint64_t> Partnership::last_accepted_session_ts() {
  return m_context.store->last_accepted_session_ts();
}
Status Partnership::set_last_accepted_session_ts(std::uint64_t ts_ms) {
  return m_context.store->set_last_accepted_session_ts(ts_ms);
}
Result<std::uint64_t> Partnership::next_session_ts(std::uint64_t now_ms) {
  return m_context.store->next_session_ts(now_ms);
}

// The link logs sessions coming and going itself.
void Partnership::on_session_up(const std::string& /*remote*/) {
  m_connected = true;
  note_last_seen();
  m_shared.session_up([this](const v1::Frame& frame) { return m_link->send(frame); });
  publish("connected", "You and " + m_shared.partner_name() + " are connected.");
}

void Partnership::on_session_down() {
  m_shared.session_down();
  if (!m_connected) return;
  m_connected = false;
  note_last_seen();
  publish("disconnected", "The connection with " + m_shared.partner_name() +
                              " paused; anything you share waits and goes out when it is back.");
}

void Partnership::publish(std::string kind, std::string message) {
  v1::Event event;
  event.set_kind(std::move(kind));
  set_timestamp(*event.mutable_at(), SystemClock::now());
  event.set_message(std::move(message));
  m_context.events.publish(event);
}

void Partnership::note_last_seen() {
  auto st = m_context.store->set_partner_last_seen(SystemClock::now());
  if (!st && st.error().code != v1::CODE_NOT_READY) {  // not paired any more: nothing to record
    net::log_line("peer", "could not record when the partner was last seen: " + st.error().message);
  }
}

void Partnership::on_frame(const v1::Frame& frame, peer::ByteView handshake_hash) {
  if (frame.body_case() == v1::Frame::kUnpair) on_unpair(frame.unpair(), handshake_hash);
  if (!sync::SyncSession::handles(frame)) return;
  if (auto st = m_shared.on_frame(frame); !st) {
    net::log_limited(m_frame_log, "sync",
                     "dropped the session: a sync message could not be accepted (nothing of it "
                     "was applied)");
    // Not from inside the link's own frame delivery: the session ends on the next turn.
    asio::post(m_io, [this] {
      if (!m_closed) m_link->drop_session("a sync message could not be accepted");
    });
  }
}

void Partnership::on_partner_clock(std::int64_t offset_ms) {
  if (m_shared.set_partner_clock(offset_ms)) m_reminders.recompute();
}

void Partnership::on_unpair(const v1::Unpair& unpair, peer::ByteView handshake_hash) {
  auto partner = m_context.store->partner();
  if (!partner || !*partner) return;
  const auto& signature = unpair.signature();
  const peer::ByteView signature_bytes(
      reinterpret_cast<const std::uint8_t*>(signature.data()),  // NOLINT
      signature.size());
  if (auto st = peer::verify_unpair(handshake_hash, signature_bytes, (*partner)->sign_public);
      !st) {
    net::log_limited(m_frame_log, "peer",
                     "ignored an unpair message whose signature did not check out");
    return;
  }
  if (auto st = m_context.store->forget_partner(); !st && st.error().code != v1::CODE_NOT_READY) {
    net::log_line("peer",
                  "the partner ended the pairing, but forgetting it failed: " + st.error().message);
    return;
  }
  const auto now = SystemClock::now();
  m_notice = "Your partner ended the pairing at " + clock_time(now) +
             ". Nothing is shared between your devices anymore; you can pair again anytime with "
             "`pairspace pair invite`.";
  m_connected = false;
  m_shared.reset();
  publish("unpaired", "Your partner ended the pairing. Nothing is shared between your devices "
                      "anymore; you can pair again anytime with `pairspace pair invite`.");
  m_invites.drop(make_error(v1::CODE_REFUSED,
                            "The pairing ended, so the invite was dropped. Make a fresh "
                            "one with `pairspace pair invite`."));
  net::log_line("peer", "the partner ended the pairing; its keys and everything shared are gone");
  // Not from inside the link's own frame delivery: the session closes on the next turn.
  asio::post(m_io, [this] {
    if (!m_closed) m_link->set_partner(std::nullopt);
  });
}

}  // namespace pairspace::daemon
