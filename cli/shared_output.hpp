#pragma once
// How the shared state reads for a person: space requests, delivery, agreements and the
// `status` lines about both partners. Times are shown in this machine's zone ($TZ).
#include <chrono>
#include <string>

#include "pairspace.pb.h"

namespace pairspace::cli {

// "some time alone", "some quiet time", "limited contact for a while", "some space".
std::string space_kind_text(v1::SpaceKind kind);
// "20:00" / "Tue 20:00" / "2026-12-01 20:00" in the local zone.
std::string local_time(const google::protobuf::Timestamp& ts);
// "just now", "5 min ago", "2 h ago", "3 days ago".
std::string ago_text(const google::protobuf::Timestamp& ts, std::chrono::system_clock::time_point now);
// ` — “note”` or nothing.
std::string quoted_note(const std::string& note);
// The partner's name from a status answer, or "your partner".
std::string partner_name_of(const v1::DaemonStatus& status);

// "Sam's device has it (delivered 19:02)." / "... is offline; it will get this as soon as it
// reconnects (pending)." / "It is on its way to Sam's device (pending)." Never says
// delivered while delivery is pending.
std::string delivery_sentence(v1::Delivery delivery, const google::protobuf::Timestamp* delivered_at,
                              const std::string& partner, bool partner_connected);

// The lines `status` adds about my space status and my partner's.
std::string my_space_lines(const v1::DaemonStatus& status);
std::string partner_space_lines(const v1::DaemonStatus& status);
std::string next_check_in_lines(const v1::DaemonStatus& status);

// "proposed", "active", ...; "check-in", "ritual", "boundary".
std::string agreement_state_text(v1::AgreementState state);
std::string agreement_kind_text(v1::AgreementKind kind);
// One line of `agree list`.
std::string agreement_line(const v1::AgreementView& view, const std::string& partner);

}  // namespace pairspace::cli
