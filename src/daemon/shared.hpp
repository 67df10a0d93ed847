#pragma once
// The daemon's side of the shared state: the op log, its sync over the live partner
// session, delivery of this device's changes, and events when the partner's side changes.
// Network thread only; journal entries never come near any of it.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "daemon/events.hpp"
#include "pairspace.pb.h"
#include "store/store.hpp"
#include "sync/op_log.hpp"
#include "sync/sync_session.hpp"
#include "util/result.hpp"

namespace pairspace::daemon {

using SystemClock = std::chrono::system_clock;
struct DaemonContext;

class SharedSpace {
 public:
  using Sender = std::function<Status(const v1::Frame&)>;
  SharedSpace(DaemonContext& context, Events& events) : m_context(context), m_events(events) {}

  // Opens the op log when paired and unlocked (idempotent); NOT_READY otherwise.
  Status open();
  // The pairing ended: forget the log and the session.
  void reset();
  sync::OpLog* log() { return m_log.get(); }

  void session_up(Sender send);
  void session_down();
  // A sync frame from the partner. Error: drop the connection (nothing was applied).
  Status on_frame(const v1::Frame& frame);
  // Signs, stores and pushes a change of this device (live when connected).
  Result<sync::VerifiedOp> make(const v1::Op& body);

  // How far this device's op `seq` got.
  v1::Delivery delivery_of(std::uint64_t seq, std::optional<SystemClock::time_point>& at) const;
  std::string partner_name() const;
  // How far the partner's clock runs from this device's (ms, from the latest session);
  // offsets under clock_offset_floor count as none. True when the offset in use changed.
  bool set_partner_clock(std::int64_t offset_ms);
  // The partner's status with its instants (until, set at) on this device's clock: two
  // hours of space asked for on a device whose clock is an hour ahead end two hours after
  // they were asked for here too.
  v1::StatusEntry on_local_clock(const v1::StatusEntry& partner_status) const;
  // Called after the shared state changed (either side); the daemon recomputes reminders.
  void set_on_change(std::function<void()> on_change) { m_on_change = std::move(on_change); }

 private:
  void note_delivered(const google::protobuf::RepeatedPtrField<v1::AuthorHead>& heads);
  void load_deliveries();
  void announce(const v1::SharedState& before, const v1::SharedState& after);

  store::Store& store() const;

  DaemonContext& m_context;
  Events& m_events;
  std::unique_ptr<sync::OpLog> m_log;
  std::unique_ptr<sync::SyncSession> m_session;
  Sender m_send;
  std::vector<std::pair<std::uint64_t, SystemClock::time_point>> m_deliveries;
  std::function<void()> m_on_change;
  std::int64_t m_partner_clock_ms = 0;
};

inline constexpr std::int64_t clock_offset_floor_ms = 2000;

}  // namespace pairspace::daemon

namespace pairspace::daemon {
// A status entry as the control API shows it (delivery is left to the caller).
v1::SpaceView space_view(const v1::StatusEntry& entry, SystemClock::time_point now);
// An agreement as the control API shows it: the fields both listing and events share
// (times, amends and delivery are left to the caller).
void fill_agreement_view(const v1::AgreementEntry& entry, bool proposed_by_me, v1::AgreementView& view);
// The entry of `author` in state, if it said anything.
const v1::StatusEntry* status_of(const v1::SharedState& state, const sync::PublicKey& author);
}  // namespace pairspace::daemon
