#pragma once
// The warm sentences a person reads about the shared state (history, events, replies).
// Every one says who did what in plain words; times are this machine's local clock.
#include <chrono>
#include <string>

#include "pairspace.pb.h"

namespace pairspace::daemon::text {

// "20:00", or "Thu 20:00" when not today, in this machine's zone.
std::string clock(std::chrono::system_clock::time_point t);
std::string clock_ms(std::int64_t ms);
// "some time alone", "some quiet time", ...
std::string space_kind(v1::SpaceKind kind);
// "a daily check-in at 21:00 (Europe/Berlin)", "a ritual: “…”", "a boundary: “…”".
std::string agreement(const v1::AgreementEntry& entry);
std::string agreement(v1::AgreementKind kind, const std::string& text, const std::string& tz,
                      bool floating);
// ` — “note”` or nothing.
std::string note_suffix(const std::string& note);

// One sentence about `op`; `who` is "You" or the partner's name; `state` names agreements.
std::string op_sentence(const v1::Op& op, bool mine, const std::string& partner,
                        const v1::SharedState& state);

}  // namespace pairspace::daemon::text
