#include "sync/schedule.hpp"

#include <algorithm>
#include <array>
#include <exception>

namespace pairspace::sync {

namespace {

using namespace std::chrono;

constexpr std::size_t max_spec_bytes = 64;
constexpr std::size_t max_zone_name_bytes = 64;
constexpr std::uint8_t all_days = 0x7f;
constexpr std::uint8_t weekday_set = 0x3e;  // mon..fri
constexpr std::uint8_t weekend_set = 0x41;  // sat, sun

// Week order from Monday, as people write it; the index into tm_wday bits is `bit`.
struct DayName {
  std::string_view name;
  unsigned bit;
};
constexpr std::array<DayName, 7> day_names{{{"mon", 1}, {"tue", 2}, {"wed", 3}, {"thu", 4},
                                            {"fri", 5}, {"sat", 6}, {"sun", 0}}};

const std::string examples = "Try `daily 21:00`, `mon,wed,fri 08:30` or `end-of-space`.";

Error bad_spec(std::string_view spec) {
  if (spec.size() > max_spec_bytes) {
    return make_error(v1::CODE_USAGE, "That check-in schedule is longer than I understand. " + examples);
  }
  return make_error(v1::CODE_USAGE, "'" + std::string(spec) +
                                        "' is not a check-in schedule I understand. " + examples);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    const std::size_t start = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

// "H:MM" or "HH:MM", 00:00 .. 23:59.
Result<minutes> parse_time_of_day(std::string_view text) {
  const auto colon = text.find(':');
  const auto bad = make_error(v1::CODE_USAGE,
                              "'" + std::string(text) +
                                  "' is not a time of day I understand. Use HH:MM from 00:00 to "
                                  "23:59, as in `daily 21:00` or `mon,wed,fri 08:30`.");
  if (colon == std::string_view::npos || colon < 1 || colon > 2 || text.size() != colon + 3) {
    return bad;
  }
  int h = 0;
  int m = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == colon) continue;
    const char c = text[i];
    if (c < '0' || c > '9') return bad;
    (i < colon ? h : m) = (i < colon ? h : m) * 10 + (c - '0');
  }
  if (h > 23 || m > 59) return bad;
  return hours(h) + minutes(m);
}

Result<std::uint8_t> parse_days(std::string_view text, std::string_view spec) {
  if (text == "daily") return all_days;
  if (text == "weekdays") return weekday_set;
  if (text == "weekends") return weekend_set;
  std::uint8_t set = 0;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto comma = std::min(text.find(',', pos), text.size());
    const auto item = text.substr(pos, comma - pos);
    const auto* day = std::find_if(day_names.begin(), day_names.end(),
                                   [&](const DayName& d) { return d.name == item; });
    if (day == day_names.end()) {
      if (item.empty()) return bad_spec(spec);
      return make_error(v1::CODE_USAGE,
                        "'" + std::string(item) +
                            "' is not a day I know. Use mon, tue, wed, thu, fri, sat or sun, as "
                            "in `mon,wed,fri 08:30`.");
    }
    const auto bit = static_cast<std::uint8_t>(1u << day->bit);
    if ((set & bit) != 0) {
      return make_error(v1::CODE_USAGE, "'" + std::string(item) + "' appears twice in '" +
                                            std::string(spec) +
                                            "'; please name each day once, as in "
                                            "`mon,wed,fri 08:30`.");
    }
    set = static_cast<std::uint8_t>(set | bit);
    pos = comma + 1;
  }
  return set;
}

// Wall-clock days from the one before `after` on, calling `visit` with each occurrence
// until it returns false or `max_days` have been looked at.
template <class Visit>
void for_each_occurrence(const Schedule& s, const date::time_zone& zone, TimePoint after,
                         std::size_t max_days, Visit visit) {
  if (s.kind == ScheduleKind::end_of_space) return;
  const std::uint8_t set = s.kind == ScheduleKind::daily ? all_days : s.weekdays;
  if ((set & all_days) == 0) return;
  auto day = floor<date::days>(zone.to_local(floor<seconds>(after))) - date::days(1);
  for (std::size_t i = 0; i < max_days; ++i, day += date::days(1)) {
    const unsigned wd = date::weekday(day).c_encoding();
    if ((set & (1u << wd)) == 0) continue;
    const TimePoint t = local_to_instant(zone, day + s.time_of_day);
    if (t <= after) continue;
    if (!visit(t)) return;
  }
}

// Enough days for `count` occurrences of a once-a-week schedule, and the day before.
std::size_t days_for(std::size_t count) { return count * 7 + 8; }

}  // namespace

Result<Schedule> parse_schedule(std::string_view spec) {
  if (spec.size() > max_spec_bytes) return bad_spec(spec);
  const std::string text = lower(spec);
  const auto parts = words(text);
  if (parts.size() == 1 && parts[0] == "end-of-space") {
    return Schedule{ScheduleKind::end_of_space, 0, minutes(0)};
  }
  if (parts.size() != 2) return bad_spec(spec);
  auto days = parse_days(parts[0], spec);
  if (!days) return days.error();
  auto time = parse_time_of_day(parts[1]);
  if (!time) return time.error();
  if (*days == all_days) return Schedule{ScheduleKind::daily, 0, *time};
  return Schedule{ScheduleKind::weekly, *days, *time};
}

std::string to_string(const Schedule& s) {
  if (s.kind == ScheduleKind::end_of_space) return "end-of-space";
  std::string out;
  const auto set = static_cast<std::uint8_t>(s.weekdays & all_days);
  if (s.kind == ScheduleKind::daily || set == all_days) {
    out = "daily";
  } else if (set == weekday_set) {
    out = "weekdays";
  } else if (set == weekend_set) {
    out = "weekends";
  } else {
    for (const auto& d : day_names) {
      if ((set & (1u << d.bit)) == 0) continue;
      if (!out.empty()) out += ',';
      out += d.name;
    }
  }
  const auto h = duration_cast<hours>(s.time_of_day);
  const auto m = s.time_of_day - h;
  const auto two = [](long v) {
    return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10);
  };
  return out + ' ' + two(h.count()) + ':' + two(m.count());
}

Result<const date::time_zone*> find_zone(std::string_view name) {
  const std::string example = " Use an IANA zone name such as Europe/Berlin or America/New_York.";
  if (name.empty()) {
    return make_error(v1::CODE_USAGE, "A check-in schedule needs a time zone." + example);
  }
  if (name.size() > max_zone_name_bytes) {
    return make_error(v1::CODE_USAGE, "That time zone name is longer than any I know." + example);
  }
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return make_error(v1::CODE_USAGE,
                      "'" + std::string(name) + "' is not a time zone I know." + example);
  }
}

Result<ScheduleZone> schedule_zone(std::string_view tz, bool floating) {
  if (floating) return ScheduleZone::floating();
  auto zone = find_zone(tz);
  if (!zone) return zone.error();
  return ScheduleZone::pinned(**zone);
}

TimePoint local_to_instant(const date::time_zone& zone, date::local_seconds local) {
  // get_info gives the period(s) around `local`; `first` is the one in force before a
  // change on this day, which is what both halves of the DST policy read the time with.
  const auto info = zone.get_info(local);
  return TimePoint(date::sys_seconds(local.time_since_epoch() - info.first.offset));
}

Result<std::vector<TimePoint>> next_occurrences(const Schedule& schedule, const ScheduleZone& zone,
                                                const date::time_zone& viewer_zone, TimePoint from,
                                                std::size_t count) {
  if (count == 0 || count > max_occurrences) {
    return make_error(v1::CODE_USAGE, "Please ask for between 1 and " +
                                          std::to_string(max_occurrences) + " check-in times.");
  }
  std::vector<TimePoint> out;
  out.reserve(schedule.kind == ScheduleKind::end_of_space ? 0 : count);
  for_each_occurrence(schedule, zone.resolve(viewer_zone), from, days_for(count), [&](TimePoint t) {
    out.push_back(t);
    return out.size() < count;
  });
  return out;
}

std::vector<TimePoint> occurrences_between(const Schedule& schedule, const ScheduleZone& zone,
                                           const date::time_zone& viewer_zone, TimePoint after,
                                           TimePoint until) {
  std::vector<TimePoint> out;
  if (until <= after) return out;
  for_each_occurrence(schedule, zone.resolve(viewer_zone), after, days_for(max_occurrences),
                      [&](TimePoint t) {
                        if (t > until) return false;
                        out.push_back(t);
                        return out.size() < max_occurrences;
                      });
  return out;
}

bool checked_in_for(TimePoint due, std::span<const TimePoint> checkins_at) {
  return std::any_of(checkins_at.begin(), checkins_at.end(), [&](TimePoint t) {
    return t >= due - checkin_early_grace && t < due + checkin_window;
  });
}

CheckinState checkin_state(TimePoint due, std::span<const TimePoint> checkins_at, TimePoint now) {
  if (checked_in_for(due, checkins_at)) return CheckinState::done;
  if (now < due) return CheckinState::upcoming;
  if (now < due + checkin_window) return CheckinState::due;
  return CheckinState::missed;
}

}  // namespace pairspace::sync
