#include "sync/calendar.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "sync/schedule.hpp"

namespace pairspace::sync {
namespace {

using namespace std::chrono;

const date::time_zone& zone(const char* name) { return *date::locate_zone(name); }

std::int64_t ms_at(int y, unsigned mo, unsigned d, int h) {
  const auto t = date::sys_days(date::year(y) / date::month(mo) / date::day(d)) + hours(h);
  return duration_cast<milliseconds>(t.time_since_epoch()).count();
}

v1::AgreementEntry checkin(const std::string& id, const std::string& spec, const std::string& tz,
                           bool floating, std::int64_t accepted_ms, const std::string& note = "") {
  v1::AgreementEntry e;
  e.set_id(id);
  std::string hash(32, '\0');
  for (std::size_t i = 0; i < hash.size(); ++i) {
    hash[i] = static_cast<char>(id[i % id.size()] + static_cast<int>(i) * 17);
  }
  e.set_content_hash(hash);
  e.set_kind(v1::AGREEMENT_KIND_CHECKIN);
  e.set_state(v1::AGREEMENT_STATE_ACTIVE);
  e.set_text(spec);
  e.set_tz(tz);
  e.set_floating(floating);
  e.set_note(note);
  e.set_proposed_at_ms(accepted_ms - 60'000);
  e.set_accepted_at_ms(accepted_ms);
  return e;
}

std::string calendar_of(const std::vector<v1::AgreementEntry>& entries,
                        const date::time_zone& viewer = zone("Europe/Berlin")) {
  std::vector<const v1::AgreementEntry*> ptrs;
  for (const auto& e : entries) ptrs.push_back(&e);
  return to_icalendar(ptrs, viewer, "Sam");
}

// Physical lines without their CRLF; fails the test on a bare LF or CR.
std::vector<std::string> physical_lines(const std::string& ics) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < ics.size()) {
    const auto crlf = ics.find("\r\n", pos);
    EXPECT_NE(crlf, std::string::npos) << "the text must end with CRLF";
    if (crlf == std::string::npos) break;
    const auto line = ics.substr(pos, crlf - pos);
    EXPECT_EQ(line.find_first_of("\r\n"), std::string::npos) << line;
    out.push_back(line);
    pos = crlf + 2;
  }
  return out;
}

// Content lines, unfolded.
std::vector<std::string> content_lines(const std::string& ics) {
  std::vector<std::string> out;
  for (const auto& line : physical_lines(ics)) {
    if (!line.empty() && line[0] == ' ' && !out.empty()) {
      out.back() += line.substr(1);
    } else {
      out.push_back(line);
    }
  }
  return out;
}

bool has_line(const std::string& ics, const std::string& line) {
  const auto lines = content_lines(ics);
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

std::size_t count_lines(const std::string& ics, const std::string& line) {
  const auto lines = content_lines(ics);
  return static_cast<std::size_t>(std::count(lines.begin(), lines.end(), line));
}

TEST(Calendar, EscapesText) {
  EXPECT_EQ(escape_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
  EXPECT_EQ(escape_text("one\r\ntwo\rthree"), "one\\ntwo\\nthree");
  EXPECT_EQ(escape_text(std::string("bell\x07" "tab\t\x7f", 10)), "belltab\t");
  EXPECT_EQ(escape_text("Grüße 🌙"), "Grüße 🌙");
}

TEST(Calendar, FoldsLongLinesAt75OctetsWithoutSplittingCharacters) {
  for (const std::string piece : {"x", "ä", "🌙", "aä"}) {
    std::string line = "DESCRIPTION:";
    while (line.size() < 400) line += piece;
    const auto folded = fold_line(line);
    const auto lines = physical_lines(folded);
    ASSERT_GT(lines.size(), 5u);
    std::string unfolded;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      EXPECT_LE(lines[i].size(), 75u);
      if (i > 0) {
        ASSERT_EQ(lines[i][0], ' ');
        // The first octet after the fold's space starts a character.
        EXPECT_NE(static_cast<unsigned char>(lines[i][1]) & 0xc0, 0x80u) << piece;
      }
      unfolded += i == 0 ? lines[i] : lines[i].substr(1);
    }
    EXPECT_EQ(unfolded, line);
  }
  EXPECT_EQ(fold_line("VERSION:2.0"), "VERSION:2.0\r\n");
  EXPECT_EQ(fold_line(std::string(75, 'a')), std::string(75, 'a') + "\r\n");
  EXPECT_EQ(fold_line(std::string(76, 'a')), std::string(75, 'a') + "\r\n a\r\n");
}

TEST(Calendar, DescribesAPinnedDailyCheckIn) {
  const auto e = checkin("abc234", "daily 21:00", "Europe/Berlin", false,
                         ms_at(2027, 3, 10, 8), "After dinner; phones away, please\nno rush");
  const auto ics = calendar_of({e});
  const auto lines = content_lines(ics);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines.front(), "BEGIN:VCALENDAR");
  EXPECT_EQ(lines.back(), "END:VCALENDAR");
  for (const auto* l : {"VERSION:2.0", "PRODID:-//pairspace//pairspace 0.1//EN", "CALSCALE:GREGORIAN",
                        "BEGIN:VEVENT", "DTSTAMP:20270310T080000Z",
                        "DTSTART;TZID=Europe/Berlin:20270310T210000", "DURATION:PT15M",
                        "RRULE:FREQ=DAILY", "SUMMARY:Check-in with Sam",
                        "DESCRIPTION:After dinner\\; phones away\\, please\\nno rush",
                        "BEGIN:VTIMEZONE", "TZID:Europe/Berlin", "TZOFFSETFROM:+0100",
                        "TZOFFSETTO:+0200", "TZNAME:CEST", "TZNAME:CET",
                        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
                        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"}) {
    EXPECT_TRUE(has_line(ics, l)) << l << "\n" << ics;
  }
  std::string hash_hex;
  for (std::size_t i = 0; i < 8; ++i) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned char>(e.content_hash()[i]));
    hash_hex += buf;
  }
  EXPECT_TRUE(has_line(ics, "UID:abc234-" + hash_hex + "@pairspace")) << ics;
  // The time zone is defined before it is used, once.
  EXPECT_LT(ics.find("BEGIN:VTIMEZONE"), ics.find("BEGIN:VEVENT"));
  EXPECT_EQ(count_lines(ics, "BEGIN:VTIMEZONE"), 1u);
}

TEST(Calendar, NewYorkRulesAndWeeklyDays) {
  // Accepted on Tuesday 2027-03-02: the first of mon,wed,fri on or after it is Wednesday.
  const auto ics = calendar_of({checkin("nyc222", "fri,mon,wed 08:30", "America/New_York", false,
                                        ms_at(2027, 3, 2, 20))});
  EXPECT_TRUE(has_line(ics, "DTSTART;TZID=America/New_York:20270303T083000")) << ics;
  EXPECT_TRUE(has_line(ics, "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR"));
  EXPECT_TRUE(has_line(ics, "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU")) << ics;
  EXPECT_TRUE(has_line(ics, "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU")) << ics;
  EXPECT_TRUE(has_line(ics, "TZOFFSETFROM:-0500"));
  EXPECT_TRUE(has_line(ics, "TZOFFSETTO:-0400"));
}

TEST(Calendar, FloatingTimesHaveNoZone) {
  const auto ics = calendar_of({checkin("flo777", "daily 21:00", "Asia/Tokyo", true,
                                        ms_at(2027, 3, 10, 8))},
                               zone("America/New_York"));
  EXPECT_TRUE(has_line(ics, "DTSTART:20270310T210000")) << ics;
  EXPECT_EQ(ics.find("TZID"), std::string::npos);
  EXPECT_EQ(ics.find("VTIMEZONE"), std::string::npos);
}

TEST(Calendar, AZoneWithoutChangesHasOneStandardObservance) {
  const auto ics = calendar_of({checkin("tok333", "daily 07:00", "Asia/Tokyo", false,
                                        ms_at(2027, 3, 10, 8))});
  EXPECT_EQ(count_lines(ics, "BEGIN:STANDARD"), 1u) << ics;
  EXPECT_EQ(count_lines(ics, "BEGIN:DAYLIGHT"), 0u);
  EXPECT_TRUE(has_line(ics, "TZOFFSETTO:+0900"));
}

TEST(Calendar, ExportsOnlyActiveCheckInsWithTimes) {
  auto proposed = checkin("pro111", "daily 21:00", "Europe/Berlin", false, ms_at(2027, 1, 1, 0));
  proposed.set_state(v1::AGREEMENT_STATE_PROPOSED);
  auto revoked = checkin("rev111", "daily 21:00", "Europe/Berlin", false, ms_at(2027, 1, 1, 0));
  revoked.set_state(v1::AGREEMENT_STATE_REVOKED);
  auto ritual = checkin("rit111", "daily 21:00", "Europe/Berlin", false, ms_at(2027, 1, 1, 0));
  ritual.set_kind(v1::AGREEMENT_KIND_RITUAL);
  const auto end_of_space = checkin("eos111", "end-of-space", "", true, ms_at(2027, 1, 1, 0));
  const auto unreadable = checkin("bad111", "fortnightly 21:00", "Europe/Berlin", false, 0);
  const auto unknown_zone = checkin("bad222", "daily 21:00", "Mars/Base", false, 0);
  const auto kept = checkin("yes111", "daily 09:00", "Europe/Berlin", false, ms_at(2027, 1, 1, 0));
  const auto ics = calendar_of({proposed, revoked, ritual, end_of_space, unreadable, unknown_zone, kept});
  EXPECT_EQ(count_lines(ics, "BEGIN:VEVENT"), 1u) << ics;
  EXPECT_NE(ics.find("UID:yes111-"), std::string::npos);
  // Nothing to export is still a valid, empty calendar.
  const auto empty = calendar_of({proposed});
  EXPECT_EQ(content_lines(empty).front(), "BEGIN:VCALENDAR");
  EXPECT_EQ(count_lines(empty, "BEGIN:VEVENT"), 0u);
}

TEST(Calendar, OutputIsStableAndUidsFollowTheContent) {
  const auto a = checkin("abc234", "daily 21:00", "Europe/Berlin", false, ms_at(2027, 3, 10, 8));
  const auto b = checkin("xyz567", "mon 08:30", "America/New_York", false, ms_at(2027, 3, 10, 8));
  const auto one = calendar_of({a, b});
  EXPECT_EQ(one, calendar_of({a, b}));
  v1::SharedState state;
  *state.add_agreements() = a;
  *state.add_agreements() = b;
  EXPECT_EQ(to_icalendar(state, zone("Europe/Berlin"), "Sam"), one);
  auto amended = a;
  amended.set_content_hash(std::string(32, '\x42'));
  EXPECT_NE(calendar_of({amended}).find("UID:abc234-4242424242424242@pairspace"),
            std::string::npos);
}

// --- the same instants through a real iCalendar parser ---------------------------------

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A Python that has the icalendar module (Debian's python3-icalendar), or "".
std::string python_with_icalendar() {
  for (const char* py : {"/usr/bin/python3", "python3"}) {
    const std::string probe =
        std::string(py) + " -c 'import icalendar, dateutil, pytz' >/dev/null 2>&1";
    if (std::system(probe.c_str()) == 0) return py;
  }
  return "";
}

// UID -> the times ics_expand.py prints for it.
std::map<std::string, std::vector<std::string>> expand_with_python(const std::string& ics,
                                                                   std::size_t count) {
  std::map<std::string, std::vector<std::string>> out;
  const auto python = python_with_icalendar();
  if (python.empty()) {
    ADD_FAILURE() << "python3 with the icalendar module is needed for this test; please run "
                     "scripts/deps.sh (it installs python3-icalendar).";
    return out;
  }
  const auto path = std::filesystem::temp_directory_path() /
                    ("pairspace-calendar-" + std::to_string(::getpid()) + ".ics");
  {
    std::ofstream f(path, std::ios::binary);
    f << ics;
  }
  const std::string script = std::string(PAIRSPACE_TEST_DATA) + "/../tools/ics_expand.py";
  const std::string cmd = "timeout 60 " + python + " " + shell_quote(script) + " " +
                          shell_quote(path.string()) + " " + std::to_string(count);
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "could not run " << cmd;
    return out;
  }
  std::string text;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) text.append(buf, n);
  const int status = ::pclose(pipe);
  std::filesystem::remove(path);
  EXPECT_EQ(status, 0) << cmd << "\n" << text;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto nl = text.find('\n', pos);
    const auto line = text.substr(pos, nl - pos);
    pos = nl == std::string::npos ? text.size() : nl + 1;
    const auto space = line.find(' ');
    if (space == std::string::npos) continue;
    out[line.substr(0, space)].push_back(line.substr(space + 1));
  }
  return out;
}

std::string uid_of(const v1::AgreementEntry& e, const std::string& ics) {
  const auto at = ics.find("UID:" + e.id() + "-");
  if (at == std::string::npos) return "";
  return ics.substr(at + 4, ics.find("\r\n", at) - at - 4);
}

// Ours: the schedule's times from the event's first day, as ics_expand.py prints them.
std::vector<std::string> expand_with_schedule(const v1::AgreementEntry& e,
                                              const date::time_zone& viewer, std::size_t count) {
  auto s = parse_schedule(e.text());
  auto z = schedule_zone(e.tz(), e.floating());
  EXPECT_TRUE(s.ok() && z.ok());
  if (!s.ok() || !z.ok()) return {};
  const auto& in = z->resolve(viewer);
  const TimePoint accepted{milliseconds(e.accepted_at_ms())};
  const auto day_start = local_to_instant(in, floor<date::days>(in.to_local(floor<seconds>(accepted))));
  auto times = next_occurrences(*s, *z, viewer, day_start - seconds(1), count);
  EXPECT_TRUE(times.ok());
  std::vector<std::string> out;
  for (const auto t : *times) {
    out.push_back(z->is_floating() ? date::format("%Y-%m-%dT%H:%M:%S", in.to_local(floor<seconds>(t)))
                                   : date::format("%Y-%m-%dT%H:%M:%SZ", floor<seconds>(t)));
  }
  return out;
}

TEST(Calendar, ARealParserExpandsItToTheSameInstants) {
  // Spring: from before the US change (Mar 14) to after Europe's (Mar 28); autumn: from
  // before Europe's change (Oct 31) to after the US one (Nov 7). 02:30 in Berlin is
  // skipped on Mar 28 and happens twice on Oct 31.
  const std::vector<v1::AgreementEntry> entries = {
      checkin("spr111", "daily 21:00", "Europe/Berlin", false, ms_at(2027, 3, 10, 8)),
      checkin("aut111", "daily 21:00", "Europe/Berlin", false, ms_at(2027, 10, 25, 8)),
      checkin("nyc111", "mon,wed,fri 08:30", "America/New_York", false, ms_at(2027, 3, 1, 20)),
      checkin("nyc222", "mon,wed,fri 08:30", "America/New_York", false, ms_at(2027, 10, 25, 20)),
      checkin("gap111", "daily 02:30", "Europe/Berlin", false, ms_at(2027, 3, 25, 8)),
      checkin("dup111", "daily 02:30", "Europe/Berlin", false, ms_at(2027, 10, 28, 8)),
      checkin("flo111", "sat,sun 21:00", "", true, ms_at(2027, 3, 10, 8)),
  };
  const auto& viewer = zone("America/New_York");
  const auto ics = to_icalendar(
      [&] {
        std::vector<const v1::AgreementEntry*> p;
        for (const auto& e : entries) p.push_back(&e);
        return p;
      }(),
      viewer, "Alex, my \"love\"");
  constexpr std::size_t count = 25;
  const auto expanded = expand_with_python(ics, count);
  ASSERT_EQ(expanded.size(), entries.size()) << ics;
  for (const auto& e : entries) {
    const auto uid = uid_of(e, ics);
    ASSERT_TRUE(expanded.count(uid)) << uid;
    const auto ours = expand_with_schedule(e, viewer, count);
    EXPECT_EQ(ours.size(), count);
    EXPECT_EQ(expanded.at(uid), ours) << e.text() << " " << e.tz();
  }
  // Spot checks against hand-worked values, so the comparison cannot pass vacuously.
  const auto& spring = expanded.at(uid_of(entries[0], ics));
  EXPECT_EQ(spring.front(), "2027-03-10T20:00:00Z");
  EXPECT_EQ(spring.at(18), "2027-03-28T19:00:00Z");
  const auto& gap = expanded.at(uid_of(entries[4], ics));
  EXPECT_EQ(gap.at(3), "2027-03-28T01:30:00Z");
  const auto& dup = expanded.at(uid_of(entries[5], ics));
  EXPECT_EQ(dup.at(3), "2027-10-31T00:30:00Z");
  const auto& floating = expanded.at(uid_of(entries[6], ics));
  EXPECT_EQ(floating.front(), "2027-03-13T21:00:00");
}

}  // namespace
}  // namespace pairspace::sync
