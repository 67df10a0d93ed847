#include "daemon/reminders.hpp"

#include <algorithm>
#include <optional>

#include "daemon/checkins.hpp"
#include "daemon/partner.hpp"
#include "daemon/shared_text.hpp"
#include "sync/schedule.hpp"

namespace pairspace::daemon {

namespace {

constexpr auto look_ahead = std::chrono::hours(26);  // scheduled times considered at once
constexpr auto max_sleep = std::chrono::minutes(30);  // re-evaluate at least this often

std::int64_t to_ms(SystemClock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace

Reminders::Reminders(boost::asio::io_context& io, SharedSpace& shared, Events& events)
    : m_timer(io), m_shared(shared), m_events(events), m_since(SystemClock::now()) {}

void Reminders::close() {
  m_closed = true;
  m_timer.cancel();
}

void Reminders::publish(std::string kind, std::string message) {
  v1::Event event;
  event.set_kind(std::move(kind));
  set_timestamp(*event.mutable_at(), SystemClock::now());
  event.set_message(std::move(message));
  m_events.publish(event);
}

void Reminders::recompute() {
  if (m_closed) return;
  m_timer.cancel();
  auto* log = m_shared.log();
  if (log == nullptr) return;
  const auto now = SystemClock::now();
  auto wake = now + max_sleep;
  const auto& state = log->state();
  const std::string name = m_shared.partner_name();
  const auto checkins = check_in_times(state);

  for (const auto& due : check_ins_between(state, m_since - sync::checkin_window, now + look_ahead)) {
    const auto at = SystemClock::time_point(std::chrono::seconds(due.at().seconds()));
    const std::string key = due.agreement_id() + ":" + std::to_string(to_ms(at));
    switch (sync::checkin_state(at, checkins, now)) {
      case sync::CheckinState::upcoming:
        wake = std::min(wake, at);
        break;
      case sync::CheckinState::due:
        if (m_done.insert("due:" + key).second) {
          publish("check_in_due", "It is time for your check-in with " + name +
                                      ". Share how you are with `pairspace checkin`.");
        }
        wake = std::min(wake, at + sync::checkin_window);
        break;
      case sync::CheckinState::missed:
        if (at >= m_since && m_done.insert("missed:" + key).second) {
          publish("check_in_missed", "The check-in with " + name + " at " + text::clock(at) +
                                         " slipped by. That happens; you can still check in "
                                         "anytime with `pairspace checkin`.");
        }
        break;
      case sync::CheckinState::done:
        break;
    }
  }

  const auto* partner_status = status_of(state, log->key_of(sync::OpAuthor::partner));
  const auto local = partner_status != nullptr ? std::optional(m_shared.on_local_clock(*partner_status)) : std::nullopt;
  if (const v1::StatusEntry* theirs = local ? &*local : nullptr;
      theirs != nullptr && theirs->state() == v1::SPACE_STATE_NEED_SPACE && theirs->until_ms() != 0) {
    const auto until = SystemClock::time_point(std::chrono::milliseconds(theirs->until_ms()));
    if (until > now) {
      wake = std::min(wake, until);
    } else if (until >= m_since - sync::checkin_window &&
               m_done.insert("ended:" + std::to_string(theirs->seq())).second) {
      publish("space_ended", name + "\u2019s time of space (until " + text::clock(until) +
                                 ") has come to an end. They may reach out when they are ready.");
      if (end_of_space_check_in_due(state, *theirs)) {
        publish("check_in_due", "As you both agreed, it is time to check in with " + name +
                                    " now that their space has ended: `pairspace checkin`.");
      }
    }
  }

  const auto delay = std::max(wake - now, SystemClock::duration::zero());
  m_timer.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(delay) +
                        std::chrono::milliseconds(5));
  m_timer.async_wait([this](boost::system::error_code ec) {
    if (!ec) recompute();
  });
}

}  // namespace pairspace::daemon
