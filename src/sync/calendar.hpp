#pragma once
// `pairspace calendar`: the active check-in agreements as an RFC 5545 iCalendar object
// that calendar applications import (docs/time.md, "The calendar").
//
// One VEVENT per active check-in agreement with fixed times:
//   UID      <agreement id>-<hex of the first 8 bytes of its content hash>@pairspace
//            (the same agreement always exports the same UID; an amendment gets a new one)
//   DTSTAMP  the acceptance time, in UTC (stable output for the same state)
//   DTSTART  the first scheduled time on or after the acceptance day, as wall time with
//            TZID=<zone> (pinned) or as floating time without a zone (floating schedules)
//   RRULE    FREQ=DAILY, or FREQ=WEEKLY;BYDAY=MO,WE,FR
//   DURATION PT15M, SUMMARY "Check-in with <partner>", DESCRIPTION the agreement's note
// plus one VTIMEZONE per TZID, built from the tz database's transitions. end-of-space
// agreements have no fixed times and are left out, as are proposals, closed agreements
// and entries whose stored schedule or zone cannot be read.
#include <string>
#include <string_view>
#include <vector>

#include "pairspace.pb.h"
#include "util/result.hpp"

namespace date {
class time_zone;
}

namespace pairspace::sync {

// `viewer_zone` places floating schedules on a day; `partner_name` goes into SUMMARY.
std::string to_icalendar(const std::vector<const v1::AgreementEntry*>& agreements,
                         const date::time_zone& viewer_zone, std::string_view partner_name);
std::string to_icalendar(const v1::SharedState& state, const date::time_zone& viewer_zone,
                         std::string_view partner_name);

// Building blocks, exposed for tests.
// TEXT value escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline; other
// control characters are dropped.
std::string escape_text(std::string_view text);
// Folds one content line (without CRLF) at 75 octets, never inside a UTF-8 character,
// and ends every physical line with CRLF.
std::string fold_line(std::string_view line);
// The VTIMEZONE component (CRLF lines) for `zone`, covering the years from the one that
// holds `first_local_year`-01-01 for `years` years.
std::string vtimezone(const date::time_zone& zone, int first_local_year, int years);

}  // namespace pairspace::sync
