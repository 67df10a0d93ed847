#include "shared_output.hpp"

#include "output.hpp"
#include "util/timeparse.hpp"

namespace pairspace::cli {

namespace {

constexpr long seconds_per_minute = 60;
constexpr long seconds_per_hour = 3600;
constexpr long seconds_per_day = 86400;

using SystemClock = std::chrono::system_clock;

std::string possessive(const std::string& name) {
  return name == "your partner" ? "your partner\u2019s" : name + "\u2019s";
}

}  // namespace

std::string space_kind_text(v1::SpaceKind kind) {
  switch (kind) {
    case v1::SPACE_KIND_ALONE: return "some time alone";
    case v1::SPACE_KIND_QUIET: return "some quiet time";
    case v1::SPACE_KIND_LIMITED: return "limited contact for a while";
    default: return "some space";
  }
}

std::string local_time(const google::protobuf::Timestamp& ts) {
  return util::format_local(from_timestamp(ts), SystemClock::now());
}

std::string ago_text(const google::protobuf::Timestamp& ts, SystemClock::time_point now) {
  const long seconds = static_cast<long>(
      std::chrono::duration_cast<std::chrono::seconds>(now - from_timestamp(ts)).count());
  if (seconds < seconds_per_minute) return "just now";
  if (seconds < seconds_per_hour) return std::to_string(seconds / seconds_per_minute) + " min ago";
  if (seconds < seconds_per_day) return std::to_string(seconds / seconds_per_hour) + " h ago";
  const long days = seconds / seconds_per_day;
  return std::to_string(days) + (days == 1 ? " day ago" : " days ago");
}

std::string quoted_note(const std::string& note) {
  return note.empty() ? std::string() : " \u2014 \u201c" + note + "\u201d";
}

std::string partner_name_of(const v1::DaemonStatus& status) {
  if (status.has_partner() && !status.partner().name().empty()) return status.partner().name();
  return "your partner";
}

std::string delivery_sentence(v1::Delivery delivery, const google::protobuf::Timestamp* delivered_at,
                              const std::string& partner, bool partner_connected) {
  if (delivery == v1::DELIVERY_DELIVERED || delivery == v1::DELIVERY_ACKNOWLEDGED) {
    std::string out = possessive(partner) + " device has it";
    if (delivered_at != nullptr && delivered_at->seconds() != 0) out += " (delivered " + local_time(*delivered_at) + ")";
    return out + ".";
  }
  if (partner_connected) {
    return "It is on its way to " + possessive(partner) + " device (pending); `pairspace status` shows when it arrives.";
  }
  return possessive(partner) + " device is offline; it will get this as soon as it reconnects (pending).";
}

std::string my_space_lines(const v1::DaemonStatus& status) {
  if (!status.has_me() || status.me().state() == v1::SPACE_STATE_UNSPECIFIED) return {};
  const auto& me = status.me();
  const std::string partner = partner_name_of(status);
  std::string out;
  if (me.state() == v1::SPACE_STATE_NEED_SPACE && !me.ended()) {
    out = "You: you asked for " + space_kind_text(me.kind());
    if (me.has_until()) out += " until " + local_time(me.until());
    out += quoted_note(me.note()) + ".\n";
  } else if (me.state() == v1::SPACE_STATE_NEED_SPACE) {
    out = "You: your space period ended";
    if (me.has_until()) out += " at " + local_time(me.until());
    out += ".\n";
  } else {
    out = "You: back" + quoted_note(me.note());
    if (me.has_set_at()) out += " (since " + local_time(me.set_at()) + ")";
    out += ".\n";
  }
  if (me.acknowledged() || me.delivery() == v1::DELIVERY_ACKNOWLEDGED) {
    out += "  " + partner + " acknowledged it";
    if (me.has_acknowledged_at()) out += " at " + local_time(me.acknowledged_at());
    out += quoted_note(me.ack_note()) + ".\n";
  } else {
    out += "  " + delivery_sentence(me.delivery(), me.has_delivered_at() ? &me.delivered_at() : nullptr, partner,
                                    status.partner_connected()) + "\n";
  }
  return out;
}

std::string partner_space_lines(const v1::DaemonStatus& status) {
  if (!status.has_partner_space() || status.partner_space().state() == v1::SPACE_STATE_UNSPECIFIED) return {};
  const auto& space = status.partner_space();
  const std::string partner = partner_name_of(status);
  const auto now = SystemClock::now();
  const std::string ago = space.has_set_at() ? " (" + ago_text(space.set_at(), now) + ")" : std::string();
  std::string out;
  if (space.state() == v1::SPACE_STATE_BACK) {
    return partner + " is back" + quoted_note(space.note()) + ago + ".\n";
  }
  if (space.ended()) {
    out = partner + "\u2019s space period ended";
    if (space.has_until()) out += " at " + local_time(space.until());
    out += ".";
    if (space.check_in_due()) out += " A check-in is due: `pairspace checkin --note \"...\"` when you are both ready.";
    return out + "\n";
  }
  out = partner + " asked for " + space_kind_text(space.kind()) + ago;
  out += space.has_until() ? ", back around " + local_time(space.until()) + " (your time)" : std::string(", open-ended");
  out += quoted_note(space.note()) + ".\n";
  if (space.acknowledged()) {
    out += "  You acknowledged it";
    if (space.has_acknowledged_at()) out += " at " + local_time(space.acknowledged_at());
    out += quoted_note(space.ack_note()) + ".\n";
  } else {
    out += "  You have not acknowledged it yet; to let " + partner +
           " know you saw it: `pairspace space ack --note \"take your time\"`\n";
  }
  return out;
}

std::string next_check_in_lines(const v1::DaemonStatus& status) {
  if (status.next_check_ins().empty()) return {};
  const auto& next = status.next_check_ins(0);
  return "Next check-in: " + local_time(next.at()) + " (" + next.schedule() + ")\n";
}

std::string agreement_state_text(v1::AgreementState state) {
  switch (state) {
    case v1::AGREEMENT_STATE_PROPOSED: return "proposed";
    case v1::AGREEMENT_STATE_ACTIVE: return "active";
    case v1::AGREEMENT_STATE_DECLINED: return "declined";
    case v1::AGREEMENT_STATE_REVOKED: return "ended";
    case v1::AGREEMENT_STATE_SUPERSEDED: return "replaced";
    default: return "unknown";
  }
}

std::string agreement_kind_text(v1::AgreementKind kind) {
  switch (kind) {
    case v1::AGREEMENT_KIND_CHECKIN: return "check-in";
    case v1::AGREEMENT_KIND_RITUAL: return "ritual";
    case v1::AGREEMENT_KIND_BOUNDARY: return "boundary";
    default: return "agreement";
  }
}

std::string agreement_line(const v1::AgreementView& view, const std::string& partner) {
  std::string what = agreement_kind_text(view.kind()) + ": " + view.text();
  if (view.kind() == v1::AGREEMENT_KIND_CHECKIN) {
    if (view.floating()) {
      what += " (each in your own zone)";
    } else if (!view.tz().empty()) {
      what += " (" + view.tz() + ")";
    }
  }
  std::string out = view.id() + "  " + agreement_state_text(view.state()) + "  " + what;
  out += view.proposed_by_me() ? "  \u2014 proposed by you" : "  \u2014 proposed by " + partner;
  if (!view.amends().empty()) out += ", a change to " + view.amends();
  if (view.proposed_by_me() && view.delivery() == v1::DELIVERY_PENDING) out += ", not delivered yet";
  if (view.proposed_by_me() && view.delivery() == v1::DELIVERY_DELIVERED) out += ", delivered";
  out += quoted_note(view.note());
  return out;
}

}  // namespace pairspace::cli
