#pragma once
// Check-in schedules: the SPEC of a check-in agreement ("daily 21:00", "mon,wed,fri 08:30",
// "end-of-space"), the zone its wall-clock times are read in, and their expansion into
// instants with the tz database (docs/time.md).
//
// DST policy (RFC 5545 section 3.3.5, and what Python's zoneinfo does with fold=0): a wall
// time is read with the UTC offset in force just before the day's clock change. So a time
// that does not exist (skipped when clocks go forward) lands that many minutes after the
// jump (02:30 on Berlin's spring-forward day is 03:30 CEST), and a time that occurs twice
// means its first occurrence only. Every scheduled day has exactly one check-in.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <date/tz.h>

#include "util/result.hpp"

namespace pairspace::sync {

using TimePoint = std::chrono::system_clock::time_point;

// `checkin next --count N` and any expansion: at most this many instants per call.
constexpr std::size_t max_occurrences = 100;
// A check-in counts for a due time when made in [due - early grace, due + window).
constexpr std::chrono::minutes checkin_window{120};
constexpr std::chrono::minutes checkin_early_grace{15};

enum class ScheduleKind : std::uint8_t { daily, weekly, end_of_space };

struct Schedule {
  ScheduleKind kind = ScheduleKind::daily;
  // weekly: bit d set for weekday d, 0 = Sunday .. 6 = Saturday (C's tm_wday encoding).
  std::uint8_t weekdays = 0;
  std::chrono::minutes time_of_day{0};  // 00:00 .. 23:59; unused for end_of_space

  friend bool operator==(const Schedule&, const Schedule&) = default;
};

// Accepts "daily HH:MM", "DAYS HH:MM" with DAYS a comma list of mon..sun (any case, any
// order, no repeats) or "weekdays" / "weekends", and "end-of-space". Extra spaces between
// the two words are fine. Anything else: CODE_USAGE with an example.
Result<Schedule> parse_schedule(std::string_view spec);

// Canonical text: "daily 21:00", "mon,wed,fri 08:30" (week order, from Monday),
// "end-of-space". parse_schedule(to_string(s)) == s.
std::string to_string(const Schedule& schedule);

// Where the wall-clock times are read: one IANA zone shared by both partners (pinned: the
// same instant for both), or each viewer's own zone (floating: "21:00 wherever I am").
class ScheduleZone {
 public:
  static ScheduleZone pinned(const date::time_zone& zone) { return ScheduleZone(&zone); }
  static ScheduleZone floating() { return ScheduleZone(nullptr); }

  bool is_floating() const { return m_zone == nullptr; }
  const date::time_zone* pinned_zone() const { return m_zone; }
  // The zone a viewer in `viewer_zone` reads the times in.
  const date::time_zone& resolve(const date::time_zone& viewer_zone) const {
    return m_zone != nullptr ? *m_zone : viewer_zone;
  }

 private:
  explicit ScheduleZone(const date::time_zone* zone) : m_zone(zone) {}
  const date::time_zone* m_zone;
};

// An IANA zone by name ("Europe/Berlin"). Unknown or empty: CODE_USAGE with an example.
Result<const date::time_zone*> find_zone(std::string_view name);
// The zone of a stored agreement (ProposeAgreement.tz / .floating). Floating ignores `tz`.
Result<ScheduleZone> schedule_zone(std::string_view tz, bool floating);

// The instant of wall time `local` in `zone`, per the DST policy above.
TimePoint local_to_instant(const date::time_zone& zone, date::local_seconds local);

// The next `count` (1..max_occurrences) check-in times strictly after `from`, in order.
// end_of_space yields none (it follows the partner's space ending; see below).
// count out of range: CODE_USAGE.
Result<std::vector<TimePoint>> next_occurrences(const Schedule& schedule, const ScheduleZone& zone,
                                                const date::time_zone& viewer_zone, TimePoint from,
                                                std::size_t count);

// Times in (after, until], at most max_occurrences of them: for a daemon catching up on
// what fell due while it slept.
std::vector<TimePoint> occurrences_between(const Schedule& schedule, const ScheduleZone& zone,
                                           const date::time_zone& viewer_zone, TimePoint after,
                                           TimePoint until);

// end-of-space: the check-in falls due when the space ends, at its `until` (or when the
// partner says they are back, whichever the daemon sees first).
inline TimePoint due_after_space_end(TimePoint until) { return until; }

// Whether a check-in made at one of `checkins_at` answers the one due at `due`.
bool checked_in_for(TimePoint due, std::span<const TimePoint> checkins_at);

enum class CheckinState : std::uint8_t {
  upcoming,  // now < due
  due,       // due <= now < due + window, nobody has checked in yet: remind
  done,      // someone checked in within the window
  missed,    // the window has closed without a check-in
};
CheckinState checkin_state(TimePoint due, std::span<const TimePoint> checkins_at, TimePoint now);
inline bool is_missed(TimePoint due, std::span<const TimePoint> checkins_at, TimePoint now) {
  return checkin_state(due, checkins_at, now) == CheckinState::missed;
}

}  // namespace pairspace::sync
