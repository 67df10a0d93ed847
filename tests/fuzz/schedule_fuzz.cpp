// Check-in schedules, their expansion into instants, agreement ids and the calendar export
// (sync/schedule, sync/agreements, sync/calendar): what people type and what a partner's
// agreement ops carry.
//
// Input: zone(1) viewer(1) flags(1) count(1) now(4) accepted_ms(8) || spec chunk ||
//        tz chunk || note chunk || id chunk || name chunk
// Invariants:
//  - a spec that parses prints canonically and the canonical text parses to the same
//    schedule (and prints the same again); times of day are 00:00..23:59;
//  - next_occurrences gives `count` rising instants after `from` (none for end-of-space),
//    each on a scheduled day at the schedule's wall time (or just after a DST gap), and
//    occurrences_between agrees with it;
//  - check-in states: done exactly when someone checked in within the window;
//  - find_agreement by id finds the entry whose id matches case-insensitively, or says no;
//  - the calendar is CRLF lines of at most 75 octets that unfold to whole UTF-8 lines,
//    between BEGIN:VCALENDAR and END:VCALENDAR; escape_text leaves no control characters.
#include <date/tz.h>

#include <algorithm>
#include <chrono>

#include "fuzz_support.hpp"
#include "sync/agreements.hpp"
#include "sync/calendar.hpp"
#include "sync/op_codec.hpp"
#include "sync/schedule.hpp"
#include "util/utf8.hpp"

namespace pairspace::fuzz {
namespace {

using namespace std::chrono;

constexpr std::size_t max_line_octets = 75;
const sync::TimePoint epoch_2020{seconds(1'577'836'800)};

const date::time_zone& zone_at(std::uint8_t i) { return *date::locate_zone(zone_names[i % zone_count]); }

void check_schedule_text(const sync::Schedule& s) {
  const std::string text = sync::to_string(s);
  Result<sync::Schedule> again = sync::parse_schedule(text);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == s);
  FUZZ_CHECK(sync::to_string(*again) == text);
  FUZZ_CHECK(s.time_of_day >= minutes(0) && s.time_of_day < hours(24));
  if (s.kind == sync::ScheduleKind::weekly) FUZZ_CHECK(s.weekdays != 0 && s.weekdays < 0x7f);
}

bool scheduled_on(const sync::Schedule& s, date::local_days day) {
  if (s.kind == sync::ScheduleKind::daily) return true;
  return (s.weekdays & (1u << date::weekday(day).c_encoding())) != 0;
}

// t is the schedule's wall time on a scheduled day (read as local_to_instant reads it).
bool is_occurrence(const sync::Schedule& s, const date::time_zone& zone, sync::TimePoint t) {
  const auto local_day = floor<date::days>(zone.to_local(floor<seconds>(t)));
  for (auto day = local_day - date::days(1); day <= local_day; day += date::days(1)) {
    if (scheduled_on(s, day) && sync::local_to_instant(zone, day + s.time_of_day) == t) return true;
  }
  return false;
}

void check_occurrences(const sync::Schedule& s, const sync::ScheduleZone& where,
                       const date::time_zone& viewer, sync::TimePoint from, std::size_t count) {
  Result<std::vector<sync::TimePoint>> next = sync::next_occurrences(s, where, viewer, from, count);
  if (count == 0 || count > sync::max_occurrences) {
    FUZZ_CHECK(!next.ok() && next.error().code == v1::CODE_USAGE);
    return;
  }
  FUZZ_CHECK(next.ok());
  if (s.kind == sync::ScheduleKind::end_of_space) {
    FUZZ_CHECK(next->empty());
    return;
  }
  FUZZ_CHECK(next->size() == count);
  const date::time_zone& zone = where.resolve(viewer);
  sync::TimePoint previous = from;
  for (const sync::TimePoint t : *next) {
    FUZZ_CHECK(t > previous);
    FUZZ_CHECK(t - previous <= hours(24 * 7 + 3));
    FUZZ_CHECK(is_occurrence(s, zone, t));
    previous = t;
  }
  const std::vector<sync::TimePoint> between =
      sync::occurrences_between(s, where, viewer, from, next->back());
  FUZZ_CHECK(between == *next);

  // Check-in states around the first due time.
  const sync::TimePoint due = next->front();
  const std::vector<sync::TimePoint> late{due + sync::checkin_window};
  const std::vector<sync::TimePoint> in_time{due - sync::checkin_early_grace};
  FUZZ_CHECK(!sync::checked_in_for(due, late));
  FUZZ_CHECK(sync::checked_in_for(due, in_time));
  FUZZ_CHECK(sync::checkin_state(due, in_time, from) == sync::CheckinState::done);
  FUZZ_CHECK(sync::checkin_state(due, late, due - seconds(1)) == sync::CheckinState::upcoming);
  FUZZ_CHECK(sync::checkin_state(due, late, due) == sync::CheckinState::due);
  FUZZ_CHECK(sync::checkin_state(due, late, due + sync::checkin_window) ==
             sync::CheckinState::missed);
}

void check_escape(std::string_view text) {
  const std::string out = sync::escape_text(text);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto c = static_cast<unsigned char>(out[i]);
    FUZZ_CHECK(c >= 0x20 || c == '\t');
    FUZZ_CHECK(c != 0x7f);
    if (c == '\\') {
      FUZZ_CHECK(i + 1 < out.size());
      const char next = out[++i];
      FUZZ_CHECK(next == '\\' || next == ';' || next == ',' || next == 'n');
    } else {
      FUZZ_CHECK(c != ';' && c != ',');
    }
  }
}

// Every physical line ends with CRLF and has at most 75 octets; unfolded, the logical lines
// are whole UTF-8 (when what went in was).
void check_folded(const std::string& text, bool expect_utf8) {
  std::size_t pos = 0;
  std::string logical;
  while (pos < text.size()) {
    const std::size_t end = text.find("\r\n", pos);
    FUZZ_CHECK(end != std::string::npos);
    const std::string_view line(text.data() + pos, end - pos);
    FUZZ_CHECK(line.size() <= max_line_octets);
    if (expect_utf8) FUZZ_CHECK(util::valid_utf8(line));
    pos = end + 2;
  }
}

void check_calendar(FuzzInput& in, const std::string& spec, const std::string& tz,
                    const std::string& note, bool floating, std::int64_t accepted_ms,
                    const date::time_zone& viewer) {
  const std::string name = in.chunk_string();
  v1::AgreementEntry entry;
  entry.set_kind(v1::AGREEMENT_KIND_CHECKIN);
  entry.set_state(v1::AGREEMENT_STATE_ACTIVE);
  entry.set_text(spec);
  entry.set_tz(tz);
  entry.set_floating(floating);
  entry.set_note(note);
  entry.set_proposed_at_ms(accepted_ms);
  entry.set_accepted_at_ms(accepted_ms);
  const sync::Hash hash = sync::content_hash(spec + tz + note);
  entry.set_content_hash(sync::to_bytes(hash));
  entry.set_id(sync::short_id(hash));
  const std::string ics = sync::to_icalendar({&entry}, viewer, name);
  FUZZ_CHECK(ics.rfind("BEGIN:VCALENDAR\r\n", 0) == 0);
  FUZZ_CHECK(ics.size() >= 15 && ics.compare(ics.size() - 15, 15, "END:VCALENDAR\r\n") == 0);
  check_folded(ics, util::valid_utf8(note) && util::valid_utf8(name) && util::valid_utf8(tz));

  if (note.find_first_of("\r\n") != std::string::npos) return;  // escape_text's job
  const std::string folded = sync::fold_line(note);
  check_folded(folded, util::valid_utf8(note));
  std::string unfolded = folded;
  for (std::size_t at; (at = unfolded.find("\r\n ")) != std::string::npos;) unfolded.erase(at, 3);
  FUZZ_CHECK(unfolded == note + "\r\n");
}

void check_find_agreement(const std::string& id) {
  v1::SharedState state;
  for (std::uint8_t i = 0; i < 3; ++i) {
    auto* a = state.add_agreements();
    const sync::Hash hash = sync::content_hash(std::string(1, static_cast<char>(i)));
    a->set_content_hash(sync::to_bytes(hash));
    a->set_id(sync::short_id(hash));
    a->set_state(v1::AGREEMENT_STATE_PROPOSED);
  }
  Result<const v1::AgreementEntry*> found = sync::find_agreement(state, id);
  std::string lowered = id;
  std::transform(lowered.begin(), lowered.end(), lowered.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  const bool exists = std::any_of(state.agreements().begin(), state.agreements().end(),
                                  [&](const v1::AgreementEntry& a) { return a.id() == lowered; });
  FUZZ_CHECK(found.ok() == exists);
  if (found) FUZZ_CHECK((*found)->id() == lowered);
}

}  // namespace
}  // namespace pairspace::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pairspace::fuzz::fuzz_init();
  (void)date::get_tzdb();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pairspace;
  using namespace pairspace::fuzz;
  FuzzInput in(data, size);
  const std::uint8_t zone_byte = in.u8();
  const date::time_zone& viewer = zone_at(in.u8());
  const std::uint8_t flags = in.u8();
  const std::size_t count = in.u8() % 128;
  const sync::TimePoint now = epoch_2020 + std::chrono::seconds(in.u32());
  // Any time an agreement can carry: verify_op keeps op times in 0..max_time_ms.
  const auto accepted_ms =
      static_cast<std::int64_t>(in.u64() % static_cast<std::uint64_t>(sync::max_time_ms + 1));
  const std::string spec = in.chunk_string();
  std::string tz = in.chunk_string();
  const std::string note = in.chunk_string();
  const std::string id = in.chunk_string();
  if ((flags & 2) != 0) tz = zone_names[zone_byte % zone_count];
  const bool floating = (flags & 1) != 0;

  check_escape(note);
  check_find_agreement(id);

  Result<sync::Schedule> schedule = sync::parse_schedule(spec);
  if (!schedule) {
    FUZZ_CHECK(schedule.error().code == v1::CODE_USAGE && !schedule.error().message.empty());
  } else {
    check_schedule_text(*schedule);
    if (Result<sync::ScheduleZone> where = sync::schedule_zone(tz, floating)) {
      FUZZ_CHECK(where->is_floating() == floating);
      check_occurrences(*schedule, *where, viewer, now, count);
    } else {
      FUZZ_CHECK(!floating && where.error().code == v1::CODE_USAGE);
    }
  }
  check_calendar(in, spec, tz, note, floating, accepted_ms, viewer);
  return 0;
}
