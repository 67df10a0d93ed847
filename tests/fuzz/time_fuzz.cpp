// Durations and times as people type them on the command line (util/timeparse).
//
// Input: zone(1) || direction(1) || now(4: seconds after 2020-01-01) || text
// Invariants:
//  - a duration that parses is in (0, 366 days], and its canonical spelling ("1d2h3m4s")
//    parses to the same span;
//  - a bare duration as a time is exactly now +/- that span;
//  - "HH:MM[:SS]" alone is the next (future) or latest (past) such wall time: after now and
//    within a day and a DST change of it, or at/before now and within the same;
//  - a full UTC or offset time names the instant it spells: format_utc gives the text back,
//    and "+HH:MM" is the Z time moved by exactly that offset;
//  - whatever parses can be formatted for a person.
#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <optional>

#include "fuzz_support.hpp"
#include "util/timeparse.hpp"

namespace pairspace::fuzz {
namespace {

using namespace std::chrono;

// A wall time can be at most a day plus the largest DST jump (and a bit) away.
constexpr auto max_clock_distance = hours(24) + hours(2);
const util::TimePoint epoch_2020{seconds(1'577'836'800)};

std::string canonical_duration(seconds d) {
  std::string out;
  const auto days = d / hours(24);
  d -= hours(24) * days;
  const auto h = duration_cast<hours>(d);
  d -= h;
  const auto m = duration_cast<minutes>(d);
  d -= m;
  if (days > 0) out += std::to_string(days) + "d";
  if (h.count() > 0) out += std::to_string(h.count()) + "h";
  if (m.count() > 0) out += std::to_string(m.count()) + "m";
  if (d.count() > 0) out += std::to_string(d.count()) + "s";
  return out;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "YYYY-MM-DD?HH:MM[:SS][.fff]" -> "YYYY-MM-DDTHH:MM:SS" (the seconds format_utc prints).
std::optional<std::string> utc_spelling(std::string_view text) {
  if (text.size() < 16) return std::nullopt;
  std::string out(text.substr(0, 10));
  out += 'T';
  out += text.substr(11, 5);
  std::string_view rest = text.substr(16);
  if (!rest.empty() && rest[0] == ':') {
    if (rest.size() < 3) return std::nullopt;
    out += rest.substr(0, 3);
  } else {
    out += ":00";
  }
  return out;
}

void check_duration(std::string_view text) {
  Result<seconds> d = util::parse_duration(text);
  if (!d) {
    FUZZ_CHECK(d.error().code == v1::CODE_USAGE && !d.error().message.empty());
    return;
  }
  FUZZ_CHECK(*d > seconds(0));
  FUZZ_CHECK(*d <= hours(24 * 366));
  Result<seconds> again = util::parse_duration(canonical_duration(*d));
  FUZZ_CHECK(again.ok() && *again == *d);
}

void check_time(std::string_view text, util::TimePoint now, util::TimeDirection direction,
                const date::time_zone& zone) {
  Result<util::TimePoint> t = util::parse_time(text, now, direction, zone);
  if (!t) {
    FUZZ_CHECK(t.error().code == v1::CODE_USAGE);
    return;
  }
  const bool future = direction == util::TimeDirection::future;
  FUZZ_CHECK(!util::format_local(*t, now, zone).empty());
  FUZZ_CHECK(!util::format_utc(*t).empty());

  if (Result<seconds> d = util::parse_duration(text); d && text.find_first_of(":-") == std::string_view::npos) {
    FUZZ_CHECK(*t == (future ? now + *d : now - *d));
    return;
  }
  if (text.size() >= 5 && text.size() <= 8 && text[2] == ':') {  // HH:MM[:SS]
    if (future) {
      FUZZ_CHECK(*t > now && *t - now <= max_clock_distance);
    } else {
      FUZZ_CHECK(*t <= now && now - *t <= max_clock_distance);
    }
    return;
  }
  if (text.back() == 'Z' && text.find('.') == std::string_view::npos) {
    const std::optional<std::string> spelled = utc_spelling(text.substr(0, text.size() - 1));
    FUZZ_CHECK(spelled.has_value());
    FUZZ_CHECK(util::format_utc(*t) == *spelled + "Z");
    return;
  }
  const std::size_t sign = text.size() >= 6 ? text.size() - 6 : 0;
  if (text.size() > 16 && (text[sign] == '+' || text[sign] == '-') &&
      all_digits(text.substr(sign + 1, 2)) && text[sign + 3] == ':') {
    const std::string as_z = std::string(text.substr(0, sign)) + "Z";
    Result<util::TimePoint> z = util::parse_time(as_z, now, direction, zone);
    FUZZ_CHECK(z.ok());
    const auto offset = hours(std::stoi(std::string(text.substr(sign + 1, 2)))) +
                        minutes(std::stoi(std::string(text.substr(sign + 4, 2))));
    FUZZ_CHECK(*t == (text[sign] == '+' ? *z - offset : *z + offset));
  }
}

}  // namespace
}  // namespace pairspace::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  pairspace::fuzz::fuzz_init();
  (void)date::get_tzdb();  // load the zone database once, not in the first input
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pairspace;
  using namespace pairspace::fuzz;
  FuzzInput in(data, size);
  const date::time_zone& zone = *date::locate_zone(zone_names[in.u8() % zone_count]);
  const auto direction = in.u8() % 2 == 0 ? util::TimeDirection::future : util::TimeDirection::past;
  const util::TimePoint now = epoch_2020 + seconds(in.u32());
  const std::string text = in.rest_string();
  check_duration(text);
  check_time(text, now, direction, zone);
  return 0;
}
