#include "daemon/shared_text.hpp"

#include <ctime>

#include "sync/schedule.hpp"

namespace pairspace::daemon::text {

namespace {

using SystemClock = std::chrono::system_clock;

std::tm local_tm(SystemClock::time_point t) {
  const std::time_t seconds = SystemClock::to_time_t(t);
  std::tm local{};
  ::localtime_r(&seconds, &local);
  return local;
}

const v1::AgreementEntry* by_hash(const v1::SharedState& state, const std::string& hash) {
  for (const auto& a : state.agreements()) {
    if (a.content_hash() == hash) return &a;
  }
  return nullptr;
}

std::string about(const v1::SharedState& state, const std::string& hash) {
  const auto* entry = by_hash(state, hash);
  return entry != nullptr ? agreement(*entry) : std::string("an agreement");
}

}  // namespace

std::string clock(SystemClock::time_point t) {
  const std::tm when = local_tm(t);
  const std::tm today = local_tm(SystemClock::now());
  char out[32] = {};
  const bool same_day = when.tm_yday == today.tm_yday && when.tm_year == today.tm_year;
  if (std::strftime(out, sizeof out, same_day ? "%H:%M" : "%a %d %b %H:%M", &when) == 0) return "?";
  return out;
}

std::string clock_ms(std::int64_t ms) {
  return clock(SystemClock::time_point(std::chrono::milliseconds(ms)));
}

std::string space_kind(v1::SpaceKind kind) {
  switch (kind) {
    case v1::SPACE_KIND_ALONE:
      return "some time alone";
    case v1::SPACE_KIND_QUIET:
      return "some quiet time";
    case v1::SPACE_KIND_LIMITED:
      return "some time with less contact";
    default:
      return "some space";
  }
}

std::string note_suffix(const std::string& note) {
  if (note.empty()) return {};
  return " \u2014 \u201c" + note + "\u201d";
}

std::string agreement(v1::AgreementKind kind, const std::string& text, const std::string& tz,
                      bool floating) {
  switch (kind) {
    case v1::AGREEMENT_KIND_CHECKIN: {
      const std::string where = floating ? " (wherever each of you is)" : " (" + tz + ")";
      auto schedule = sync::parse_schedule(text);
      if (!schedule) return "a check-in (" + text + ")";
      const std::string canonical = sync::to_string(*schedule);
      const auto space = canonical.find(' ');
      switch (schedule->kind) {
        case sync::ScheduleKind::end_of_space:
          return "a check-in whenever a time of space ends";
        case sync::ScheduleKind::daily:
          return "a daily check-in at " + canonical.substr(space + 1) + where;
        case sync::ScheduleKind::weekly:
          return "a check-in on " + canonical.substr(0, space) + " at " +
                 canonical.substr(space + 1) + where;
      }
      return "a check-in";
    }
    case v1::AGREEMENT_KIND_RITUAL:
      return "a ritual: \u201c" + text + "\u201d";
    case v1::AGREEMENT_KIND_BOUNDARY:
      return "a boundary: \u201c" + text + "\u201d";
    default:
      return "an agreement: \u201c" + text + "\u201d";
  }
}

std::string agreement(const v1::AgreementEntry& entry) {
  return agreement(entry.kind(), entry.text(), entry.tz(), entry.floating());
}

std::string op_sentence(const v1::Op& op, bool mine, const std::string& partner,
                        const v1::SharedState& state) {
  const std::string who = mine ? "You" : partner;
  switch (op.body_case()) {
    case v1::Op::kSetStatus: {
      const auto& s = op.set_status();
      if (s.state() == v1::SPACE_STATE_NEED_SPACE) {
        const std::string until =
            s.until_ms() != 0 ? " until " + clock_ms(s.until_ms()) : std::string();
        return who + " asked for " + space_kind(s.kind()) + until + note_suffix(s.note()) + ".";
      }
      return who + (mine ? " are" : " is") + " back" + note_suffix(s.note()) + ".";
    }
    case v1::Op::kAcknowledge:
      return who + " acknowledged " + (mine ? "the request for space" : "your request for space") +
             (op.acknowledge().note().empty()
                  ? std::string(".")
                  : ": \u201c" + op.acknowledge().note() + "\u201d.");
    case v1::Op::kPropose: {
      const auto& p = op.propose();
      const std::string verb = p.amends().empty() ? " proposed " : " proposed a change: ";
      return who + verb + agreement(p.kind(), p.text(), p.tz(), p.floating()) +
             note_suffix(p.note()) + ".";
    }
    case v1::Op::kRespond:
      return who + (op.respond().accept() ? " agreed to " : " declined ") +
             about(state, op.respond().agreement()) + note_suffix(op.respond().note()) + ".";
    case v1::Op::kRevoke:
      return who + " ended " + about(state, op.revoke().agreement()) +
             note_suffix(op.revoke().note()) + ".";
    case v1::Op::kCheckIn: {
      const auto& c = op.check_in();
      std::string out = who + " checked in";
      if (c.mood() != 0) out += " (mood " + std::to_string(c.mood()) + " of 5)";
      return out + note_suffix(c.note()) + ".";
    }
    default:
      return who + " changed something we do not know how to describe yet.";
  }
}

}  // namespace pairspace::daemon::text
