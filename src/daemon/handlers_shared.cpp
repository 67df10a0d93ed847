// Space signals, check-ins and the shared part of `pairspace status`.
#include <algorithm>

#include "daemon/checkins.hpp"
#include "daemon/handlers.hpp"
#include "daemon/partner.hpp"
#include "daemon/responses.hpp"
#include "daemon/shared_text.hpp"
#include "sync/fold.hpp"
#include "sync/schedule.hpp"
#include "util/local_zone.hpp"

namespace pairspace::daemon {

namespace {

constexpr std::uint32_t default_next_count = 5;
constexpr std::uint32_t status_next_count = 3;

std::string hex(const sync::Hash& hash) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (const auto b : hash) {
    out += digits[b >> 4];
    out += digits[b & 0x0Fu];
  }
  return out;
}

// Seconds are held to +/- 2200 (sync::max_time_ms): a client's Timestamp may say anything,
// and past 2262 the nanosecond clock overflows.
SystemClock::time_point from_ts(const google::protobuf::Timestamp& ts) {
  using namespace std::chrono;
  constexpr std::int64_t max_seconds = sync::max_time_ms / 1000;
  return SystemClock::time_point(duration_cast<SystemClock::duration>(
      seconds(std::clamp(ts.seconds(), -max_seconds, max_seconds)) + nanoseconds(ts.nanos())));
}

std::int64_t to_ms(SystemClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

Result<sync::OpLog*> Handlers::shared_log() const {
  if (m_context.store->locked()) return make_error(v1::CODE_NOT_READY, locked_response().message());
  auto partner = m_context.store->partner();
  if (!partner) return partner.error();
  if (!*partner) return make_error(v1::CODE_NOT_READY, not_paired_response().message());
  auto& shared = m_partnership.shared();
  if (auto st = shared.open(); !st) return st.error();
  return shared.log();
}

v1::Response Handlers::change(const v1::Op& body, std::string summary, std::string id) {
  auto& shared = m_partnership.shared();
  auto op = shared.make(body);
  if (!op) return error_response(op.error());
  v1::Response response = ok_response();
  auto& result = *response.mutable_change();
  result.set_id(std::move(id));
  std::optional<SystemClock::time_point> at;
  result.set_delivery(shared.delivery_of(op->op.seq(), at));
  if (at) set_timestamp(*result.mutable_delivered_at(), *at);
  const std::string name = shared.partner_name();
  summary += m_partnership.connected()
                 ? " It is on its way to " + name + " now."
                 : " " + name + "\u2019s device is not reachable right now; it will go out as soon as it is.";
  result.set_summary(std::move(summary));
  return response;
}

void Handlers::shared_status(v1::DaemonStatus& status) const {
  auto log = shared_log();
  if (!log) return;
  const auto now = SystemClock::now();
  const auto& state = (*log)->state();
  auto& shared = m_partnership.shared();
  if (const auto* mine = status_of(state, (*log)->key_of(sync::OpAuthor::self))) {
    auto& view = *status.mutable_me();
    view = space_view(*mine, now);
    std::optional<SystemClock::time_point> at;
    view.set_delivery(shared.delivery_of(mine->seq(), at));
    if (at) set_timestamp(*view.mutable_delivered_at(), *at);
    if (mine->acknowledged() && mine->state() == v1::SPACE_STATE_NEED_SPACE) {
      view.set_delivery(v1::DELIVERY_ACKNOWLEDGED);
    }
  }
  if (const auto* theirs = status_of(state, (*log)->key_of(sync::OpAuthor::partner))) {
    const v1::StatusEntry local = shared.on_local_clock(*theirs);
    auto& view = *status.mutable_partner_space();
    view = space_view(local, now);
    view.set_check_in_due(view.ended() && end_of_space_check_in_due(state, local));
  }
  for (auto& time : next_check_ins(state, now, status_next_count)) *status.add_next_check_ins() = std::move(time);
  status.set_state_digest(hex((*log)->digest()));
}

v1::Response Handlers::space_need(const v1::SpaceNeedRequest& request) {
  auto log = shared_log();
  if (!log) return error_response(log.error());
  const auto now = SystemClock::now();
  v1::Op body;
  auto& set = *body.mutable_set_status();
  set.set_state(v1::SPACE_STATE_NEED_SPACE);
  set.set_kind(request.kind());
  set.set_note(request.note());
  if (request.has_until()) {
    const auto until = from_ts(request.until());
    if (until <= now) {
      return error_response(make_error(
          v1::CODE_USAGE, "That time has already passed; please choose a time later than now."));
    }
    set.set_until_ms(to_ms(until));
  }
  return change(body, text::op_sentence(body, true, {}, (*log)->state()));
}

v1::Response Handlers::space_end(const v1::SpaceEndRequest& request) {
  auto log = shared_log();
  if (!log) return error_response(log.error());
  v1::Op body;
  auto& set = *body.mutable_set_status();
  set.set_state(v1::SPACE_STATE_BACK);
  set.set_note(request.note());
  return change(body, text::op_sentence(body, true, {}, (*log)->state()));
}

v1::Response Handlers::space_ack(const v1::SpaceAckRequest& request) {
  auto log = shared_log();
  if (!log) return error_response(log.error());
  const std::string name = m_partnership.shared().partner_name();
  const auto* theirs = status_of((*log)->state(), (*log)->key_of(sync::OpAuthor::partner));
  if (theirs == nullptr || theirs->state() != v1::SPACE_STATE_NEED_SPACE) {
    return error_response(make_error(
        v1::CODE_NOT_READY,
        name + " has not asked for space right now, so there is nothing to acknowledge."));
  }
  v1::Op body;
  auto& ack = *body.mutable_acknowledge();
  ack.set_status_seq(theirs->seq());
  ack.set_note(request.note());
  return change(body, "You let " + name + " know you saw their request" +
                          (request.note().empty() ? std::string(".")
                                                  : ": \u201c" + request.note() + "\u201d."));
}

v1::Response Handlers::check_in(const v1::CheckInRequest& request) {
  auto log = shared_log();
  if (!log) return error_response(log.error());
  if (request.mood() > 5) {
    return error_response(
        make_error(v1::CODE_USAGE, "The mood is a number from 1 to 5 (or leave it out)."));
  }
  v1::Op body;
  auto& c = *body.mutable_check_in();
  c.set_mood(request.mood());
  c.set_note(request.note());
  if (const auto* due = agreement_due_now((*log)->state(), SystemClock::now())) {
    c.set_agreement(due->content_hash());
  }
  return change(body, text::op_sentence(body, true, {}, (*log)->state()));
}

v1::Response Handlers::check_in_next(const v1::CheckInNextRequest& request) const {
  auto log = shared_log();
  if (!log) return error_response(log.error());
  const std::uint32_t count = request.count() == 0 ? default_next_count : request.count();
  if (count > sync::max_occurrences) {
    return error_response(make_error(v1::CODE_USAGE, "Please ask for at most " +
                                                         std::to_string(sync::max_occurrences) +
                                                         " check-in times at once."));
  }
  v1::Response response = ok_response();
  auto& out = *response.mutable_check_in_times();
  for (auto& time : next_check_ins((*log)->state(), SystemClock::now(), count)) {
    *out.add_times() = std::move(time);
  }
  return response;
}

}  // namespace pairspace::daemon
