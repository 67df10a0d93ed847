#pragma once
// Durations and times as CLI.md spells them.
//   durations: 90s, 45m, 2h, 1h30m, 3d
//   times:     20:00 (local zone), 2026-12-01T20:00 (local), 2026-12-01 (local midnight),
//              full ISO 8601 with offset or Z (2026-12-01T20:00:00+01:00)
// The local zone is $TZ when it names an IANA zone, else the system's zone.
#include <chrono>
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace date {
class time_zone;
}

namespace pairspace::util {

using TimePoint = std::chrono::system_clock::time_point;

Result<std::chrono::seconds> parse_duration(std::string_view text);

// For "20:00" alone: Future picks its next occurrence after now, Past its latest one at or
// before now (for --since). A duration is accepted too: now + d (Future) / now - d (Past).
enum class TimeDirection { future, past };
Result<TimePoint> parse_time(std::string_view text, TimePoint now, TimeDirection direction);
Result<TimePoint> parse_time(std::string_view text, TimePoint now, TimeDirection direction,
                             const date::time_zone& zone);

// "20:00" / "Tue 20:00" / "2026-12-01 20:00" in the local zone, for people.
std::string format_local(TimePoint t, TimePoint now);
std::string format_local(TimePoint t, TimePoint now, const date::time_zone& zone);
// "2026-12-01T19:00:00Z"
std::string format_utc(TimePoint t);

}  // namespace pairspace::util
