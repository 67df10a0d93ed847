#include "daemon/shared.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "daemon/handlers.hpp"
#include "daemon/partner.hpp"
#include "daemon/shared_text.hpp"
#include "net/log.hpp"

namespace pairspace::daemon {

namespace {

SystemClock::time_point from_ms(std::int64_t ms) {
  return SystemClock::time_point(std::chrono::milliseconds(ms));
}

std::string key_bytes(const sync::PublicKey& key) { return sync::to_bytes(key); }

v1::Event make_event(std::string kind, std::string message) {
  v1::Event event;
  event.set_kind(std::move(kind));
  set_timestamp(*event.mutable_at(), SystemClock::now());
  event.set_message(std::move(message));
  return event;
}

}  // namespace

const v1::StatusEntry* status_of(const v1::SharedState& state, const sync::PublicKey& author) {
  const std::string key = key_bytes(author);
  for (const auto& entry : state.statuses()) {
    if (entry.author() == key) return &entry;
  }
  return nullptr;
}

void fill_agreement_view(const v1::AgreementEntry& entry, bool proposed_by_me, v1::AgreementView& view) {
  view.set_id(entry.id());
  view.set_kind(entry.kind());
  view.set_text(entry.text());
  view.set_tz(entry.tz());
  view.set_floating(entry.floating());
  view.set_note(entry.note());
  view.set_state(entry.state());
  view.set_proposed_by_me(proposed_by_me);
}

v1::SpaceView space_view(const v1::StatusEntry& entry, SystemClock::time_point now) {
  v1::SpaceView view;
  view.set_state(entry.state());
  view.set_kind(entry.kind());
  view.set_note(entry.note());
  if (entry.until_ms() != 0) {
    set_timestamp(*view.mutable_until(), from_ms(entry.until_ms()));
    view.set_ended(entry.state() == v1::SPACE_STATE_NEED_SPACE && from_ms(entry.until_ms()) <= now);
  }
  set_timestamp(*view.mutable_set_at(), from_ms(entry.set_at_ms()));
  view.set_acknowledged(entry.acknowledged());
  if (entry.acknowledged()) {
    set_timestamp(*view.mutable_acknowledged_at(), from_ms(entry.ack_at_ms()));
    view.set_ack_note(entry.ack_note());
  }
  return view;
}

store::Store& SharedSpace::store() const { return *m_context.store; }

Status SharedSpace::open() {
  if (m_log) return ok_status();
  if (store().locked()) {
    return make_error(v1::CODE_NOT_READY,
                      "This device is locked. Unlock it with `pairspace unlock --passphrase-stdin`.");
  }
  auto log = sync::OpLog::open(store());
  if (!log) return log.error();
  m_log = std::move(log.value());
  load_deliveries();
  return ok_status();
}

void SharedSpace::reset() {
  m_session.reset();
  m_log.reset();
  m_deliveries.clear();
}

void SharedSpace::load_deliveries() {
  m_deliveries.clear();
  auto rows = store().deliveries();
  if (!rows) {
    net::log_line("sync", "could not read delivery times: " + rows.error().message);
    return;
  }
  m_deliveries = std::move(rows.value());
}

void SharedSpace::session_up(Sender send) {
  m_send = std::move(send);
  m_session.reset();
  if (auto st = open(); !st) return;  // locked or not paired: no sync on this session
  m_session = std::make_unique<sync::SyncSession>(*m_log);
  if (auto st = m_send(m_session->hello()); !st) m_session.reset();
}

void SharedSpace::session_down() {
  m_session.reset();
  m_send = nullptr;
}

Status SharedSpace::on_frame(const v1::Frame& frame) {
  if (!m_session || !m_log) {
    return make_error(v1::CODE_NOT_READY, "sync frame without a sync session");
  }
  const v1::SharedState before = m_log->state();
  auto frames = m_session->on_frame(frame);
  if (!frames) return frames.error();
  for (const auto& out : *frames) {
    if (auto st = m_send(out); !st) return st;
  }
  if (frame.has_sync_hello()) note_delivered(frame.sync_hello().heads());
  // During a catch-up acks come every 256 ops; recording each one costs a disk flush on
  // this (network) thread. Delivery is recorded once the window drains: at once for a
  // live signal, at the end of a catch-up (bench/results/catchup.md).
  if (frame.has_batch_ack() && m_session && m_session->batches_in_flight() == 0) {
    note_delivered(frame.batch_ack().heads());
  }
  if (frame.has_op_batch()) {
    const v1::SharedState& after = m_log->state();
    if (sync::digest_of(after) != sync::digest_of(before)) {
      announce(before, after);
      if (m_on_change) m_on_change();
    }
  }
  return ok_status();
}

Result<sync::VerifiedOp> SharedSpace::make(const v1::Op& body) {
  if (auto st = open(); !st) return st.error();
  auto op = m_log->create_local_op(body, SystemClock::now());
  if (!op) return op.error();
  if (m_session && m_send) {
    for (const auto& out : m_session->on_local_op()) {
      if (!m_send(out)) break;  // the session is going down; the next hello catches up
    }
  }
  if (m_on_change) m_on_change();
  return op;
}

bool SharedSpace::set_partner_clock(std::int64_t offset_ms) {
  const std::int64_t used = std::abs(offset_ms) < clock_offset_floor_ms ? 0 : offset_ms;
  if ((used == 0) == (m_partner_clock_ms == 0) && std::abs(used - m_partner_clock_ms) < clock_offset_floor_ms) {
    return false;  // the same within the noise of a sample
  }
  m_partner_clock_ms = used;
  net::log_line("sync", "the partner's clock is " + std::to_string(used / 1000) +
                            " s from this one; their times are read on this clock");
  return true;
}

v1::StatusEntry SharedSpace::on_local_clock(const v1::StatusEntry& partner_status) const {
  v1::StatusEntry local = partner_status;
  if (m_partner_clock_ms == 0) return local;
  const auto shift = [&](std::int64_t ms) { return ms == 0 ? 0 : std::max<std::int64_t>(1, ms - m_partner_clock_ms); };
  local.set_until_ms(shift(local.until_ms()));
  local.set_set_at_ms(shift(local.set_at_ms()));
  return local;
}

void SharedSpace::note_delivered(const google::protobuf::RepeatedPtrField<v1::AuthorHead>& heads) {
  const std::string self = key_bytes(m_log->key_of(sync::OpAuthor::self));
  for (const auto& head : heads) {
    if (head.author() != self) continue;
    const std::uint64_t seq = std::min(head.seq(), m_log->head(sync::OpAuthor::self));
    const std::uint64_t highest = m_deliveries.empty() ? 0 : m_deliveries.back().first;
    if (seq <= highest) return;
    const auto now = SystemClock::now();
    if (auto st = store().record_delivered(seq, now); !st) {
      net::log_line("sync", "could not record a delivery: " + st.error().message);
      return;
    }
    m_deliveries.emplace_back(seq, now);
  }
}

v1::Delivery SharedSpace::delivery_of(std::uint64_t seq,
                                      std::optional<SystemClock::time_point>& at) const {
  for (const auto& [up_to, when] : m_deliveries) {
    if (up_to >= seq) {
      at = when;
      return v1::DELIVERY_DELIVERED;
    }
  }
  at.reset();
  return v1::DELIVERY_PENDING;
}

std::string SharedSpace::partner_name() const {
  auto partner = store().partner();
  if (partner && *partner && !(*partner)->name.empty()) return (*partner)->name;
  return "Your partner";
}

void SharedSpace::announce(const v1::SharedState& before, const v1::SharedState& after) {
  const auto now = SystemClock::now();
  const std::string name = partner_name();
  const auto& partner_key = m_log->key_of(sync::OpAuthor::partner);
  const auto& self_key = m_log->key_of(sync::OpAuthor::self);
  const std::string partner_bytes = key_bytes(partner_key);

  const auto* was = status_of(before, partner_key);
  const auto* partner_is = status_of(after, partner_key);
  if (partner_is != nullptr && (was == nullptr || was->seq() != partner_is->seq())) {
    const v1::StatusEntry local = on_local_clock(*partner_is);
    const auto* is = &local;
    std::string message;
    if (is->state() == v1::SPACE_STATE_NEED_SPACE) {
      message = name + " asked for " + text::space_kind(is->kind()) +
                (is->until_ms() != 0 ? " until " + text::clock_ms(is->until_ms()) : "") +
                text::note_suffix(is->note()) +
                ". When you have read this, you can let them know with `pairspace space ack`.";
    } else {
      message = name + " is back" + text::note_suffix(is->note()) + ".";
    }
    auto event = make_event("partner_status", std::move(message));
    *event.mutable_partner_space() = space_view(*is, now);
    m_events.publish(event);
  }
  const auto* mine_was = status_of(before, self_key);
  const auto* mine_is = status_of(after, self_key);
  if (mine_is != nullptr && mine_is->acknowledged() &&
      (mine_was == nullptr || !mine_was->acknowledged() || mine_was->ack_seq() != mine_is->ack_seq())) {
    m_events.publish(make_event(
        "acknowledged", name + " saw your request for space" +
                            (mine_is->ack_note().empty()
                                 ? std::string(".")
                                 : " and said: \u201c" + mine_is->ack_note() + "\u201d.")));
  }

  std::map<std::string, const v1::AgreementEntry*> old;
  for (const auto& a : before.agreements()) old[a.content_hash()] = &a;
  for (const auto& a : after.agreements()) {
    const auto it = old.find(a.content_hash());
    const v1::AgreementEntry* prior = it == old.end() ? nullptr : it->second;
    std::string kind;
    std::string message;
    if (prior == nullptr && a.proposer() == partner_bytes &&
        a.state() == v1::AGREEMENT_STATE_PROPOSED) {
      kind = "proposal";
      message = name + " proposed " + text::agreement(a) + text::note_suffix(a.note()) +
                ". You can agree with `pairspace agree accept " + a.id() +
                "` or say no kindly with `pairspace agree decline " + a.id() + "`.";
    } else if (prior != nullptr && prior->state() != a.state() && a.closed_by() != key_bytes(self_key)) {
      if (a.state() == v1::AGREEMENT_STATE_ACTIVE) {
        kind = "response";
        message = name + " agreed to " + text::agreement(a) + text::note_suffix(a.response_note()) + ".";
      } else if (a.state() == v1::AGREEMENT_STATE_DECLINED) {
        kind = "response";
        message = name + " declined " + text::agreement(a) + text::note_suffix(a.response_note()) + ".";
      } else if (a.state() == v1::AGREEMENT_STATE_REVOKED) {
        kind = "revoked";
        message = name + " ended " + text::agreement(a) + text::note_suffix(a.close_note()) + ".";
      }
    }
    if (kind.empty()) continue;
    auto event = make_event(kind, std::move(message));
    fill_agreement_view(a, a.proposer() != partner_bytes, *event.mutable_agreement());
    m_events.publish(event);
  }

  std::uint64_t last_seen = 0;
  for (const auto& c : before.check_ins()) {
    if (c.author() == partner_bytes) last_seen = std::max(last_seen, c.seq());
  }
  for (const auto& c : after.check_ins()) {
    if (c.author() != partner_bytes || c.seq() <= last_seen) continue;
    std::string message = name + " checked in";
    if (c.mood() != 0) message += " (mood " + std::to_string(c.mood()) + " of 5)";
    m_events.publish(make_event("check_in", message + text::note_suffix(c.note()) + "."));
  }
}

}  // namespace pairspace::daemon
