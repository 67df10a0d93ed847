#include "sync/calendar.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include "sync/schedule.hpp"

namespace pairspace::sync {

namespace {

using namespace std::chrono;

constexpr std::size_t max_line_octets = 75;  // RFC 5545 3.1, excluding CRLF
constexpr int vtimezone_years = 10;          // transitions listed from the first event's year
constexpr int max_onsets = 400;              // bounds the walk over a zone's history
constexpr std::string_view event_duration = "PT15M";
constexpr std::string_view prodid = "-//pairspace//pairspace 0.1//EN";
constexpr std::size_t uid_hash_bytes = 8;
constexpr std::array<std::string_view, 7> byday_names{"SU", "MO", "TU", "WE", "TH", "FR", "SA"};

std::string two(unsigned v) {
  return std::string{static_cast<char>('0' + v / 10 % 10), static_cast<char>('0' + v % 10)};
}

// "YYYYMMDDTHHMMSS" for a wall time or a UTC time (caller appends Z).
template <class Clock>
std::string ical_time(std::chrono::time_point<Clock, seconds> t) {
  return date::format("%Y%m%dT%H%M%S", t);
}

std::string utc_offset(seconds offset) {
  const bool negative = offset < seconds(0);
  const auto a = negative ? -offset : offset;
  const auto h = duration_cast<hours>(a);
  const auto m = duration_cast<minutes>(a - h);
  const auto s = a - h - m;
  std::string out = (negative ? "-" : "+") + two(static_cast<unsigned>(h.count())) +
                    two(static_cast<unsigned>(m.count()));
  if (s != seconds(0)) out += two(static_cast<unsigned>(s.count()));
  return out;
}

std::string hex(const std::string& bytes, std::size_t limit) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < limit; ++i) {
    const auto b = static_cast<unsigned char>(bytes[i]);
    out += digits[b >> 4];
    out += digits[b & 0x0f];
  }
  return out;
}

// A moment the zone's offset or name changes.
struct Onset {
  date::sys_seconds at;
  seconds from;
  seconds to;
  bool daylight = false;
  std::string name;
  date::local_seconds local() const { return date::local_seconds(at.time_since_epoch() + from); }
};

std::vector<Onset> onsets(const date::time_zone& zone, date::sys_seconds begin,
                          date::sys_seconds end) {
  std::vector<Onset> out;
  auto info = zone.get_info(begin);
  // The change that put `begin` in force, so the first event's time is covered too.
  if (info.begin > date::sys_days(date::year(1900) / 1 / 1)) {
    const auto before = zone.get_info(info.begin - seconds(1));
    out.push_back({info.begin, before.offset, info.offset, info.save != minutes(0), info.abbrev});
  }
  for (int i = 0; i < max_onsets && info.end < end; ++i) {
    const auto next = zone.get_info(info.end);
    if (next.offset != info.offset || next.abbrev != info.abbrev ||
        (next.save != minutes(0)) != (info.save != minutes(0))) {
      out.push_back({next.begin, info.offset, next.offset, next.save != minutes(0), next.abbrev});
    }
    info = next;
  }
  if (out.empty()) {  // a zone without changes (UTC, Asia/Tokyo today)
    out.push_back({date::sys_days(date::year(1970) / 1 / 1), info.offset, info.offset, false,
                   info.abbrev});
  }
  return out;
}

// "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU" when the onsets (one kind, in time order) happen every
// year on the same weekday rule of the same month at the same wall time; else "".
std::string yearly_rule(const std::vector<const Onset*>& group) {
  if (group.size() < 2) return "";
  std::optional<int> nth;  // 1..5 from the start, or -1 for the last
  bool all_last = true;
  bool same_nth = true;
  const date::year_month_day first{floor<date::days>(group.front()->local())};
  const auto first_tod = group.front()->local() - floor<date::days>(group.front()->local());
  const date::weekday wd{floor<date::days>(group.front()->local())};
  for (std::size_t i = 0; i < group.size(); ++i) {
    const auto day = floor<date::days>(group[i]->local());
    const date::year_month_day ymd{day};
    if (ymd.year() != first.year() + date::years(static_cast<int>(i)) ||
        ymd.month() != first.month() || date::weekday(day) != wd ||
        group[i]->local() - day != first_tod) {
      return "";
    }
    const auto d = static_cast<unsigned>(ymd.day());
    const auto last = static_cast<unsigned>((ymd.year() / ymd.month() / date::last).day());
    all_last = all_last && d + 7 > last;
    const int n = static_cast<int>((d - 1) / 7 + 1);
    if (nth && *nth != n) same_nth = false;
    nth = n;
  }
  std::string byday;
  if (all_last) {
    byday = "-1";
  } else if (same_nth) {
    byday = std::to_string(*nth);
  } else {
    return "";
  }
  return "FREQ=YEARLY;BYMONTH=" + std::to_string(static_cast<unsigned>(first.month())) +
         ";BYDAY=" + byday + std::string(byday_names[wd.c_encoding()]);
}

void add(std::string& out, std::string_view line) { out += fold_line(line); }

// The wall time of the first scheduled day on or after the acceptance day.
date::local_seconds first_start(const Schedule& s, const date::time_zone& zone,
                                TimePoint accepted) {
  auto day = floor<date::days>(zone.to_local(floor<seconds>(accepted)));
  for (int i = 0; i < 7 && s.kind == ScheduleKind::weekly; ++i, day += date::days(1)) {
    if ((s.weekdays & (1u << date::weekday(day).c_encoding())) != 0) break;
  }
  return day + s.time_of_day;
}

std::string byday_list(std::uint8_t set) {
  std::string out;
  for (unsigned i = 1; i <= 7; ++i) {  // Monday first, as people read a week
    const unsigned wd = i % 7;
    if ((set & (1u << wd)) == 0) continue;
    if (!out.empty()) out += ',';
    out += byday_names[wd];
  }
  return out;
}

struct Event {
  const v1::AgreementEntry* entry;
  Schedule schedule;
  ScheduleZone zone;
  date::local_seconds start;
};

}  // namespace

std::string escape_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\n': out += "\\n"; break;
      case '\r':
        if (i + 1 >= text.size() || text[i + 1] != '\n') out += "\\n";  // CRLF: one newline
        break;
      default:
        if ((static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) || c == '\t') out += c;
    }
  }
  return out;
}

std::string fold_line(std::string_view line) {
  std::string out;
  std::size_t limit = max_line_octets;
  while (line.size() > limit) {
    std::size_t cut = limit;
    // Never split a UTF-8 character: back off to the byte that starts one.
    while (cut > 1 && (static_cast<unsigned char>(line[cut]) & 0xc0) == 0x80) --cut;
    out.append(line.substr(0, cut));
    out += "\r\n ";
    line.remove_prefix(cut);
    limit = max_line_octets - 1;  // the leading space counts
  }
  out.append(line);
  out += "\r\n";
  return out;
}

std::string vtimezone(const date::time_zone& zone, int first_local_year, int years) {
  const auto begin = date::sys_days(date::year(first_local_year) / 1 / 1) - hours(24);
  const auto end = date::sys_days(date::year(first_local_year + years) / 1 / 1);
  const auto all = onsets(zone, date::sys_seconds(begin), date::sys_seconds(end));

  // Onsets of the same kind (daylight or not, offsets, name) become one observance.
  std::vector<std::vector<const Onset*>> groups;
  for (const auto& o : all) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) {
      return g.front()->daylight == o.daylight && g.front()->from == o.from &&
             g.front()->to == o.to && g.front()->name == o.name;
    });
    if (it == groups.end()) {
      groups.push_back({&o});
    } else {
      it->push_back(&o);
    }
  }
  const auto last_year = date::year_month_day(floor<date::days>(all.back().local())).year();

  std::string out;
  add(out, "BEGIN:VTIMEZONE");
  add(out, "TZID:" + std::string(zone.name()));
  for (const auto& g : groups) {
    const std::string kind = g.front()->daylight ? "DAYLIGHT" : "STANDARD";
    add(out, "BEGIN:" + kind);
    add(out, "DTSTART:" + ical_time(g.front()->local()));
    add(out, "TZOFFSETFROM:" + utc_offset(g.front()->from));
    add(out, "TZOFFSETTO:" + utc_offset(g.front()->to));
    if (!g.front()->name.empty()) add(out, "TZNAME:" + escape_text(g.front()->name));
    const auto ends = date::year_month_day(floor<date::days>(g.back()->local())).year();
    // A rule still running at the end of the window repeats; anything else is listed.
    const auto rule = ends == last_year ? yearly_rule(g) : std::string();
    if (!rule.empty()) {
      add(out, "RRULE:" + rule);
    } else if (g.size() > 1) {
      std::string rdate = "RDATE:";
      for (std::size_t i = 1; i < g.size(); ++i) {
        if (i > 1) rdate += ',';
        rdate += ical_time(g[i]->local());
      }
      add(out, rdate);
    }
    add(out, "END:" + kind);
  }
  add(out, "END:VTIMEZONE");
  return out;
}

std::string to_icalendar(const std::vector<const v1::AgreementEntry*>& agreements,
                         const date::time_zone& viewer_zone, std::string_view partner_name) {
  std::vector<Event> events;
  std::map<std::string, std::pair<const date::time_zone*, int>> zones;  // name -> first year
  for (const auto* a : agreements) {
    if (a == nullptr || a->state() != v1::AGREEMENT_STATE_ACTIVE ||
        a->kind() != v1::AGREEMENT_KIND_CHECKIN) {
      continue;
    }
    auto schedule = parse_schedule(a->text());
    auto zone = schedule_zone(a->tz(), a->floating());
    if (!schedule || !zone || schedule->kind == ScheduleKind::end_of_space) continue;
    const auto accepted_ms = a->accepted_at_ms() != 0 ? a->accepted_at_ms() : a->proposed_at_ms();
    const TimePoint accepted{duration_cast<system_clock::duration>(milliseconds(accepted_ms))};
    const auto start = first_start(*schedule, zone->resolve(viewer_zone), accepted);
    events.push_back({a, *schedule, *zone, start});
    if (const auto* z = zone->pinned_zone()) {
      const int year = static_cast<int>(date::year_month_day(floor<date::days>(start)).year());
      auto [it, inserted] = zones.try_emplace(std::string(z->name()), z, year);
      if (!inserted) it->second.second = std::min(it->second.second, year);
    }
  }

  std::string out;
  add(out, "BEGIN:VCALENDAR");
  add(out, "VERSION:2.0");
  add(out, "PRODID:" + std::string(prodid));
  add(out, "CALSCALE:GREGORIAN");
  add(out, "X-WR-CALNAME:" + escape_text("pairspace check-ins"));
  for (const auto& [name, zone] : zones) {
    out += vtimezone(*zone.first, zone.second, vtimezone_years);
  }
  const std::string summary =
      partner_name.empty() ? "Check-in" : "Check-in with " + std::string(partner_name);
  for (const auto& e : events) {
    add(out, "BEGIN:VEVENT");
    add(out, "UID:" + e.entry->id() + "-" + hex(e.entry->content_hash(), uid_hash_bytes) +
                 "@pairspace");
    const auto stamp_ms =
        e.entry->accepted_at_ms() != 0 ? e.entry->accepted_at_ms() : e.entry->proposed_at_ms();
    add(out, "DTSTAMP:" + ical_time(floor<seconds>(date::sys_time<milliseconds>(
                              milliseconds(stamp_ms)))) + "Z");
    if (const auto* z = e.zone.pinned_zone()) {
      add(out, "DTSTART;TZID=" + std::string(z->name()) + ":" + ical_time(e.start));
    } else {
      add(out, "DTSTART:" + ical_time(e.start));  // floating: no zone, no Z
    }
    add(out, "DURATION:" + std::string(event_duration));
    if (e.schedule.kind == ScheduleKind::daily) {
      add(out, "RRULE:FREQ=DAILY");
    } else {
      add(out, "RRULE:FREQ=WEEKLY;BYDAY=" + byday_list(e.schedule.weekdays));
    }
    add(out, "SUMMARY:" + escape_text(summary));
    if (!e.entry->note().empty()) add(out, "DESCRIPTION:" + escape_text(e.entry->note()));
    add(out, "END:VEVENT");
  }
  add(out, "END:VCALENDAR");
  return out;
}

std::string to_icalendar(const v1::SharedState& state, const date::time_zone& viewer_zone,
                         std::string_view partner_name) {
  std::vector<const v1::AgreementEntry*> entries;
  entries.reserve(static_cast<std::size_t>(state.agreements_size()));
  for (const auto& a : state.agreements()) entries.push_back(&a);
  return to_icalendar(entries, viewer_zone, partner_name);
}

}  // namespace pairspace::sync
