#include "util/timeparse.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <array>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>

#include "util/local_zone.hpp"

namespace pairspace::util {

namespace {

using namespace std::chrono;

// Longest duration anyone means on a command line; also keeps arithmetic far from overflow.
constexpr auto max_duration = hours(24 * 366);
constexpr std::size_t max_text_bytes = 64;
// Dates people may name: the nanosecond clock ends in 2262, so stay well inside it.
constexpr int min_year = 1970;
constexpr int max_year = 2200;

Error bad_duration(std::string_view text) {
  return make_error(v1::CODE_USAGE, "'" + std::string(text) +
                                        "' is not a duration I understand. Try forms like 90s, "
                                        "45m, 2h, 1h30m or 3d.");
}

Error bad_time(std::string_view text) {
  return make_error(v1::CODE_USAGE,
                    "'" + std::string(text) +
                        "' is not a time I understand. Try 20:00, 2026-12-01, 2026-12-01T20:00 "
                        "or a full ISO 8601 time such as 2026-12-01T20:00:00+01:00.");
}

// Reads exactly `width` digits at `pos`.
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t width) {
  if (pos + width > s.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

struct ClockTime {
  int hour = 0, minute = 0, second = 0;
};

// "HH:MM" or "HH:MM:SS" from pos to the end of `s` (or up to an offset).
std::optional<ClockTime> parse_clock(std::string_view s, std::size_t& pos) {
  auto h = digits(s, pos, 2);
  if (!h || pos + 2 >= s.size() || s[pos + 2] != ':') return std::nullopt;
  auto m = digits(s, pos + 3, 2);
  if (!m) return std::nullopt;
  pos += 5;
  int sec = 0;
  if (pos < s.size() && s[pos] == ':') {
    auto sv = digits(s, pos + 1, 2);
    if (!sv) return std::nullopt;
    sec = *sv;
    pos += 3;
  }
  if (*h > 23 || *m > 59 || sec > 59) return std::nullopt;
  return ClockTime{*h, *m, sec};
}

date::local_seconds at(date::local_days day, ClockTime c) {
  return day + hours(c.hour) + minutes(c.minute) + seconds(c.second);
}

// Local wall time to an instant. A time skipped by a DST change maps to the moment the
// clocks jump; a time that occurs twice maps to its first occurrence.
TimePoint to_instant(const date::time_zone& zone, date::local_seconds local) {
  return time_point_cast<system_clock::duration>(zone.to_sys(local, date::choose::earliest));
}

}  // namespace

Result<seconds> parse_duration(std::string_view text) {
  if (text.empty() || text.size() > max_text_bytes) return bad_duration(text);
  seconds total{0};
  std::size_t pos = 0;
  int last_rank = 5;  // units must come in falling order: d h m s
  while (pos < text.size()) {
    std::uint64_t value = 0;
    const auto* begin = text.data() + pos;
    auto [end, ec] = std::from_chars(begin, text.data() + text.size(), value);
    if (ec != std::errc() || end == begin || end == text.data() + text.size()) {
      return bad_duration(text);
    }
    pos = static_cast<std::size_t>(end - text.data());
    const char unit = text[pos++];
    int rank = 0;
    seconds per{0};
    switch (unit) {
      case 'd': rank = 4; per = hours(24); break;
      case 'h': rank = 3; per = hours(1); break;
      case 'm': rank = 2; per = minutes(1); break;
      case 's': rank = 1; per = seconds(1); break;
      default: return bad_duration(text);
    }
    if (rank >= last_rank) return bad_duration(text);
    last_rank = rank;
    if (value > static_cast<std::uint64_t>(max_duration / per) ||
        (total += per * static_cast<std::int64_t>(value)) > max_duration) {
      return make_error(v1::CODE_USAGE, "'" + std::string(text) +
                                            "' is longer than a year; please pick a shorter span.");
    }
  }
  if (total <= seconds(0)) {
    return make_error(v1::CODE_USAGE, "A duration needs to be longer than zero.");
  }
  return total;
}

Result<TimePoint> parse_time(std::string_view text, TimePoint now, TimeDirection direction) {
  return parse_time(text, now, direction, local_zone());
}

Result<TimePoint> parse_time(std::string_view text, TimePoint now, TimeDirection direction,
                             const date::time_zone& zone) {
  if (text.empty() || text.size() > max_text_bytes) return bad_time(text);

  // A bare duration: that long from now (or ago).
  if (text.front() >= '0' && text.front() <= '9' && text.find_first_of(":-") == std::string_view::npos) {
    auto d = parse_duration(text);
    if (!d) return bad_time(text);
    return direction == TimeDirection::future ? now + *d : now - *d;
  }

  std::size_t pos = 0;
  // "HH:MM": its next (or latest) occurrence in the zone.
  if (text.size() <= 8 && text.size() >= 5 && text[2] == ':') {
    auto clock = parse_clock(text, pos);
    if (!clock || pos != text.size()) return bad_time(text);
    const auto local_now = zone.to_local(time_point_cast<seconds>(now));
    const auto today = floor<date::days>(local_now);
    auto candidate = to_instant(zone, at(today, *clock));
    if (direction == TimeDirection::future && candidate <= now) {
      candidate = to_instant(zone, at(today + date::days(1), *clock));
    } else if (direction == TimeDirection::past && candidate > now) {
      candidate = to_instant(zone, at(today - date::days(1), *clock));
    }
    return candidate;
  }

  // "YYYY-MM-DD" [ ("T" | " ") clock [ "Z" | ("+"|"-") HH:MM ] ]
  auto y = digits(text, 0, 4);
  auto mo = digits(text, 5, 2);
  auto da = digits(text, 8, 2);
  if (!y || !mo || !da || text[4] != '-' || text[7] != '-') return bad_time(text);
  const date::year_month_day ymd{date::year(*y), date::month(static_cast<unsigned>(*mo)),
                                 date::day(static_cast<unsigned>(*da))};
  if (!ymd.ok()) return bad_time(text);
  if (*y < min_year || *y > max_year) {
    return make_error(v1::CODE_USAGE, "'" + std::string(text) +
                                          "' is too far away; please pick a date between " +
                                          std::to_string(min_year) + " and " +
                                          std::to_string(max_year) + ".");
  }
  const date::local_days day{ymd};
  pos = 10;
  if (pos == text.size()) return to_instant(zone, date::local_seconds(day));
  if (text[pos] != 'T' && text[pos] != ' ') return bad_time(text);
  ++pos;
  auto clock = parse_clock(text, pos);
  if (!clock) return bad_time(text);
  if (pos < text.size() && text[pos] == '.') {  // fractional seconds: accepted, dropped
    ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
  }
  if (pos == text.size()) return to_instant(zone, at(day, *clock));

  const auto as_utc = date::sys_days(ymd) + hours(clock->hour) + minutes(clock->minute) +
                      seconds(clock->second);
  if (text[pos] == 'Z' && pos + 1 == text.size()) return TimePoint(as_utc);
  if ((text[pos] == '+' || text[pos] == '-') && text.size() == pos + 6 && text[pos + 3] == ':') {
    auto oh = digits(text, pos + 1, 2);
    auto om = digits(text, pos + 4, 2);
    if (!oh || !om || *oh > 18 || *om > 59) return bad_time(text);
    const auto offset = hours(*oh) + minutes(*om);
    return TimePoint(text[pos] == '+' ? as_utc - offset : as_utc + offset);
  }
  return bad_time(text);
}

std::string format_local(TimePoint t, TimePoint now) { return format_local(t, now, local_zone()); }

std::string format_local(TimePoint t, TimePoint now, const date::time_zone& zone) {
  const auto local = zone.to_local(floor<seconds>(t));
  const auto local_now = zone.to_local(floor<seconds>(now));
  const auto day = floor<date::days>(local);
  const auto today = floor<date::days>(local_now);
  if (day == today) return date::format("%H:%M", local);
  if (day > today && day - today < date::days(7)) return date::format("%a %H:%M", local);
  return date::format("%Y-%m-%d %H:%M", local);
}

std::string format_utc(TimePoint t) {
  return date::format("%Y-%m-%dT%H:%M:%SZ", floor<seconds>(t));
}

}  // namespace pairspace::util
