// Agreements, the calendar export, history and watch.
#include <algorithm>

#include "daemon/handlers.hpp"
#include "daemon/partner.hpp"
#include "daemon/responses.hpp"
#include "daemon/shared.hpp"
#include "daemon/shared_text.hpp"
#include "sync/agreements.hpp"
#include "sync/calendar.hpp"
#include "sync/schedule.hpp"
#include "util/local_zone.hpp"

namespace pairspace::daemon {

namespace asio = boost::asio;

namespace {

constexpr std::uint32_t default_history = 20;
constexpr std::uint32_t max_history = 1000;

SystemClock::time_point from_ms(std::int64_t ms) {
  return SystemClock::time_point(std::chrono::milliseconds(ms));
}

}  // namespace

v1::Response Handlers::agree_propose(const v1::AgreeProposeRequest& request) {
  auto log = shared_log();
  if (!log) return error_response(log.error());
  v1::Op body;
  auto& p = *body.mutable_propose();
  p.set_kind(request.kind());
  p.set_note(request.note());
  switch (request.kind()) {
    case v1::AGREEMENT_KIND_CHECKIN: {
      auto schedule = sync::parse_schedule(request.text());
      if (!schedule) return error_response(schedule.error());
      p.set_text(sync::to_string(*schedule));
      p.set_floating(request.floating());
      if (!request.floating()) {
        const std::string tz =
            request.tz().empty() ? std::string(util::local_zone().name()) : request.tz();
        if (auto zone = sync::find_zone(tz); !zone) return error_response(zone.error());
        p.set_tz(tz);
      }
      break;
    }
    case v1::AGREEMENT_KIND_RITUAL:
    case v1::AGREEMENT_KIND_BOUNDARY:
      if (request.text().empty()) {
        return error_response(make_error(
            v1::CODE_USAGE, "Please say in a few words what you would like to agree on."));
      }
      p.set_text(request.text());
      break;
    default:
      return error_response(make_error(
          v1::CODE_USAGE, "Please choose the kind of agreement: a check-in, a ritual or a boundary."));
  }
  if (!request.amends().empty()) {
    auto amended = (*log)->can_revoke(request.amends());
    if (!amended) return error_response(amended.error());
    p.set_amends(amended->content_hash());
  }
  const std::string summary = text::op_sentence(body, true, {}, (*log)->state());
  auto& shared = m_partnership.shared();
  auto op = shared.make(body);
  if (!op) return error_response(op.error());
  v1::Response response = ok_response();
  auto& result = *response.mutable_change();
  result.set_id(sync::short_id(op->hash));
  std::optional<SystemClock::time_point> at;
  result.set_delivery(shared.delivery_of(op->op.seq(), at));
  if (at) set_timestamp(*result.mutable_delivered_at(), *at);
  result.set_summary(summary + " " + shared.partner_name() + " can agree to it, or not; you will see their answer here.");
  return response;
}

v1::Response Handlers::agree_list(const v1::AgreeListRequest& request) const {
  auto log = shared_log();
  if (!log) return error_response(log.error());
  const auto& state = (*log)->state();
  const std::string self = sync::to_bytes((*log)->key_of(sync::OpAuthor::self));
  auto& shared = m_partnership.shared();
  v1::Response response = ok_response();
  auto& out = *response.mutable_agreements();
  for (const auto& a : state.agreements()) {
    const bool open = a.state() == v1::AGREEMENT_STATE_ACTIVE || a.state() == v1::AGREEMENT_STATE_PROPOSED;
    if (!open && !request.all()) continue;
    auto& view = *out.add_agreements();
    fill_agreement_view(a, a.proposer() == self, view);
    set_timestamp(*view.mutable_proposed_at(), from_ms(a.proposed_at_ms()));
    if (a.accepted_at_ms() != 0) set_timestamp(*view.mutable_accepted_at(), from_ms(a.accepted_at_ms()));
    if (!a.amends().empty()) view.set_amends(sync::short_id(sync::key_of(a.amends())));
    if (const auto seq = (*log)->own_latest_about(a.content_hash()); seq != 0) {
      std::optional<SystemClock::time_point> at;
      view.set_delivery(shared.delivery_of(seq, at));
    }
  }
  return response;
}

v1::Response Handlers::agree_respond(const v1::AgreeRespondRequest& request) {
  auto log = shared_log();
  if (!log) return error_response(log.error());
  auto entry = (*log)->can_accept(request.id());
  if (!entry) return error_response(entry.error());
  v1::Op body;
  auto& r = *body.mutable_respond();
  r.set_agreement(entry->content_hash());
  r.set_accept(request.accept());
  r.set_note(request.note());
  const std::string what = text::agreement(*entry);
  return change(body,
                (request.accept() ? "You agreed to " : "You declined ") + what +
                    text::note_suffix(request.note()) + ".",
                entry->id());
}

v1::Response Handlers::agree_revoke(const v1::AgreeRevokeRequest& request) {
  auto log = shared_log();
  if (!log) return error_response(log.error());
  auto entry = (*log)->can_revoke(request.id());
  if (!entry) return error_response(entry.error());
  v1::Op body;
  auto& r = *body.mutable_revoke();
  r.set_agreement(entry->content_hash());
  r.set_note(request.note());
  return change(body, "You ended " + text::agreement(*entry) + text::note_suffix(request.note()) + ".",
                entry->id());
}

v1::Response Handlers::calendar() const {
  auto log = shared_log();
  if (!log) return error_response(log.error());
  v1::Response response = ok_response();
  response.mutable_calendar()->set_ics(sync::to_icalendar(
      (*log)->state(), util::local_zone(), m_partnership.shared().partner_name()));
  return response;
}

v1::Response Handlers::history(const v1::HistoryRequest& request) const {
  auto log = shared_log();
  if (!log) return error_response(log.error());
  const std::uint32_t limit =
      std::min(request.limit() == 0 ? default_history : request.limit(), max_history);
  const auto& state = (*log)->state();
  const std::string name = m_partnership.shared().partner_name();
  auto ops = (*log)->newest(limit);  // newest first: lamport, author, seq, all descending
  if (!ops) return error_response(ops.error());
  const std::string self = sync::to_bytes((*log)->key_of(sync::OpAuthor::self));
  v1::Response response = ok_response();
  auto& out = *response.mutable_history();
  for (const auto& op : *ops) {
    auto& entry = *out.add_entries();
    const bool mine = op.op.author() == self;
    set_timestamp(*entry.mutable_at(), from_ms(op.op.wall_time_ms()));
    entry.set_mine(mine);
    entry.set_text(text::op_sentence(op.op, mine, name, state));
  }
  return response;
}

Reply Handlers::watch() {
  Reply reply;
  reply.response = ok_response();
  reply.stream = std::make_shared<ReplyStream>(m_partnership.io().get_executor());
  m_context.events.watch(reply.stream);
  return reply;
}

}  // namespace pairspace::daemon
