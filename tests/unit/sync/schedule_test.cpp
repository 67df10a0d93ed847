#include "sync/schedule.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace pairspace::sync {
namespace {

using namespace std::chrono;
using date::days;

const date::time_zone& berlin() { return *date::locate_zone("Europe/Berlin"); }
const date::time_zone& new_york() { return *date::locate_zone("America/New_York"); }

TimePoint utc(int y, unsigned mo, unsigned d, int h, int mi = 0) {
  return TimePoint(date::sys_days(date::year(y) / date::month(mo) / date::day(d)) + hours(h) +
                   minutes(mi));
}

// "2027-03-14 16:00" as the wall clock in `zone` shows it.
std::string wall(TimePoint t, const date::time_zone& zone) {
  return date::format("%Y-%m-%d %H:%M", zone.to_local(floor<seconds>(t)));
}

Schedule parsed(std::string_view spec) {
  auto s = parse_schedule(spec);
  EXPECT_TRUE(s.ok()) << spec;
  return s.ok() ? *s : Schedule{};
}

std::vector<TimePoint> next(std::string_view spec, const ScheduleZone& zone,
                            const date::time_zone& viewer, TimePoint from, std::size_t count) {
  auto r = next_occurrences(parsed(spec), zone, viewer, from, count);
  EXPECT_TRUE(r.ok());
  return r.ok() ? *r : std::vector<TimePoint>{};
}

TEST(Schedule, ParsesTheThreeKinds) {
  const auto d = parsed("daily 21:00");
  EXPECT_EQ(d.kind, ScheduleKind::daily);
  EXPECT_EQ(d.time_of_day, hours(21));
  const auto w = parsed("mon,wed,fri 08:30");
  EXPECT_EQ(w.kind, ScheduleKind::weekly);
  EXPECT_EQ(w.weekdays, (1 << 1) | (1 << 3) | (1 << 5));
  EXPECT_EQ(w.time_of_day, hours(8) + minutes(30));
  EXPECT_EQ(parsed("end-of-space").kind, ScheduleKind::end_of_space);
}

TEST(Schedule, AcceptsAnyCaseOrderAndSpacing) {
  EXPECT_EQ(parsed("FRI,Mon,wed 8:30"), parsed("mon,wed,fri 08:30"));
  EXPECT_EQ(parsed("  Daily   21:00 "), parsed("daily 21:00"));
  EXPECT_EQ(parsed("End-Of-Space"), parsed("end-of-space"));
  EXPECT_EQ(parsed("weekdays 07:00"), parsed("mon,tue,wed,thu,fri 07:00"));
  EXPECT_EQ(parsed("weekends 10:00"), parsed("sat,sun 10:00"));
  // Every day of the week is a daily schedule.
  EXPECT_EQ(parsed("sun,sat,fri,thu,wed,tue,mon 06:00"), parsed("daily 06:00"));
}

TEST(Schedule, CanonicalTextRoundTrips) {
  EXPECT_EQ(to_string(parsed("daily 21:00")), "daily 21:00");
  EXPECT_EQ(to_string(parsed("sun,fri,MON,wed 8:05")), "mon,wed,fri,sun 08:05");
  EXPECT_EQ(to_string(parsed("mon,tue,wed,thu,fri 00:00")), "weekdays 00:00");
  EXPECT_EQ(to_string(parsed("sun,sat 23:59")), "weekends 23:59");
  EXPECT_EQ(to_string(parsed("end-of-space")), "end-of-space");
  for (const char* spec : {"daily 00:00", "tue 12:34", "sat,sun,thu 23:59", "weekdays 07:15"}) {
    const auto s = parsed(spec);
    EXPECT_EQ(parsed(to_string(s)), s) << spec;
  }
}

TEST(Schedule, RefusesBadSpecsWithASentence) {
  const std::vector<std::string> bad = {
      "",           "daily",           "daily 24:00",       "daily 21:60",   "daily 2100",
      "daily 21:0", "daily -1:00",     "mon,mon 08:00",     "funday 08:00",  "mon,,wed 08:00",
      "mon, wed 08:00", "daily 21:00 x", "end-of-space 21:00", "21:00",     "mon,wed,fri",
      "daily 21:00:00", std::string(200, 'a')};
  for (const auto& spec : bad) {
    auto r = parse_schedule(spec);
    ASSERT_FALSE(r.ok()) << spec;
    EXPECT_EQ(r.error().code, v1::CODE_USAGE) << spec;
    const auto& m = r.error().message;
    EXPECT_FALSE(m.empty());
    EXPECT_EQ(m.back(), '.') << m;
    EXPECT_NE(m.find("08:30"), std::string::npos) << "every refusal shows an example: " << m;
    EXPECT_LT(m.size(), 200u) << m;  // long input is not echoed back
  }
  EXPECT_NE(parse_schedule("mon,mon 08:00").error().message.find("twice"), std::string::npos);
  EXPECT_NE(parse_schedule("funday 08:00").error().message.find("'funday'"), std::string::npos);
  EXPECT_NE(parse_schedule("daily 24:00").error().message.find("'24:00'"), std::string::npos);
}

TEST(Schedule, ZonesAreLookedUpOrRefusedWithASentence) {
  auto z = find_zone("Europe/Berlin");
  ASSERT_TRUE(z.ok());
  EXPECT_EQ((*z)->name(), "Europe/Berlin");
  for (const char* name : {"Mars/Olympus_Mons", "", "CET-1CEST", "europe/berlin/x"}) {
    auto r = find_zone(name);
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.error().code, v1::CODE_USAGE);
    EXPECT_NE(r.error().message.find("Europe/Berlin"), std::string::npos) << r.error().message;
  }
  auto floating = schedule_zone("", true);
  ASSERT_TRUE(floating.ok());
  EXPECT_TRUE(floating->is_floating());
  auto pinned = schedule_zone("America/New_York", false);
  ASSERT_TRUE(pinned.ok());
  EXPECT_EQ(pinned->pinned_zone(), &new_york());
  EXPECT_EQ(&pinned->resolve(berlin()), &new_york());
  EXPECT_FALSE(schedule_zone("", false).ok());
}

TEST(Schedule, BerlinEveningIsThreePmInNewYorkOnOrdinaryDays) {
  const auto zone = ScheduleZone::pinned(berlin());
  const auto times = next("daily 21:00", zone, new_york(), utc(2027, 1, 10, 0), 20);
  ASSERT_EQ(times.size(), 20u);
  for (std::size_t i = 0; i < times.size(); ++i) {
    EXPECT_EQ(wall(times[i], new_york()),
              date::format("%Y-%m-%d", date::sys_days(date::year(2027) / 1 / 10) + days(i)) +
                  " 15:00");
    EXPECT_EQ(times[i], utc(2027, 1, 10, 20) + days(i));  // 21:00 CET
  }
}

// The US changes clocks two weeks before Europe in spring and one week after it in
// autumn; in those weeks Berlin's 21:00 is 16:00 in New York.
TEST(Schedule, BerlinEveningFollowsBothDstChangesSeenFromNewYork) {
  const auto zone = ScheduleZone::pinned(berlin());
  struct Window {
    date::sys_days first;
    date::sys_days us_changed;  // first day at 16:00
    date::sys_days eu_changed;  // first day back at 15:00
  };
  const Window spring{date::year(2027) / 3 / 1, date::year(2027) / 3 / 14, date::year(2027) / 3 / 28};
  const Window autumn{date::year(2027) / 10 / 20, date::year(2027) / 10 / 31,
                      date::year(2027) / 11 / 7};
  for (const auto& w : {spring, autumn}) {
    const auto times = next("daily 21:00", zone, new_york(), TimePoint(w.first), 40);
    ASSERT_EQ(times.size(), 40u);
    for (std::size_t i = 0; i < times.size(); ++i) {
      const auto day = w.first + days(i);
      const bool shifted = day >= w.us_changed && day < w.eu_changed;
      EXPECT_EQ(wall(times[i], new_york()),
                date::format("%Y-%m-%d", day) + (shifted ? " 16:00" : " 15:00"));
      EXPECT_EQ(wall(times[i], berlin()), date::format("%Y-%m-%d", day) + " 21:00");
    }
  }
  // And the instants themselves: 20:00 UTC in winter, 19:00 UTC in summer.
  const auto march = next("daily 21:00", zone, new_york(), utc(2027, 3, 27, 12), 2);
  EXPECT_EQ(march, (std::vector<TimePoint>{utc(2027, 3, 27, 20), utc(2027, 3, 28, 19)}));
  const auto october = next("daily 21:00", zone, new_york(), utc(2027, 10, 30, 12), 2);
  EXPECT_EQ(october, (std::vector<TimePoint>{utc(2027, 10, 30, 19), utc(2027, 10, 31, 20)}));
}

TEST(Schedule, FloatingTimesFollowEachViewersZone) {
  const auto zone = ScheduleZone::floating();
  const auto from = utc(2027, 3, 10, 10);  // 11:00 Berlin, 05:00 New York, 19:00 Tokyo
  for (const auto* viewer : {&berlin(), &new_york(), date::locate_zone("Asia/Tokyo")}) {
    const auto times = next("daily 21:00", zone, *viewer, from, 30);  // across both changes
    ASSERT_EQ(times.size(), 30u);
    for (std::size_t i = 0; i < times.size(); ++i) {
      EXPECT_EQ(wall(times[i], *viewer),
                date::format("%Y-%m-%d", date::sys_days(date::year(2027) / 3 / 10) + days(i)) +
                    " 21:00")
          << viewer->name();
    }
  }
  // Not the same instant: 21:00 in New York is 02:00 UTC the next day.
  EXPECT_EQ(next("daily 21:00", zone, new_york(), from, 1).front(), utc(2027, 3, 11, 2));
  EXPECT_EQ(next("daily 21:00", zone, berlin(), from, 1).front(), utc(2027, 3, 10, 20));
}

TEST(Schedule, WeeklyFallsOnTheNamedDaysAcrossAChange) {
  const auto zone = ScheduleZone::pinned(new_york());
  // 2027-03-01 is a Monday; New York moves to EDT on Sunday 2027-03-14.
  const auto times = next("mon,wed,fri 08:30", zone, berlin(), utc(2027, 3, 1, 0), 9);
  const std::vector<std::string> expected = {
      "2027-03-01 08:30", "2027-03-03 08:30", "2027-03-05 08:30",
      "2027-03-08 08:30", "2027-03-10 08:30", "2027-03-12 08:30",
      "2027-03-15 08:30", "2027-03-17 08:30", "2027-03-19 08:30"};
  ASSERT_EQ(times.size(), expected.size());
  for (std::size_t i = 0; i < times.size(); ++i) EXPECT_EQ(wall(times[i], new_york()), expected[i]);
  EXPECT_EQ(times[5], utc(2027, 3, 12, 13, 30));  // EST
  EXPECT_EQ(times[6], utc(2027, 3, 15, 12, 30));  // EDT
  // A single day a week still yields the full count.
  const auto sundays = next("sun 10:00", zone, new_york(), utc(2027, 1, 1, 0), max_occurrences);
  ASSERT_EQ(sundays.size(), max_occurrences);
  for (const auto t : sundays) {
    EXPECT_EQ(date::weekday(floor<days>(new_york().to_local(floor<seconds>(t)))), date::Sunday);
  }
}

// Berlin's clocks go 02:00 -> 03:00 on 2027-03-28 and 03:00 -> 02:00 on 2027-10-31.
TEST(Schedule, ASkippedTimeComesAfterTheJumpByTheSameAmount) {
  EXPECT_EQ(local_to_instant(berlin(), date::local_days(date::year(2027) / 3 / 28) + hours(2) +
                                           minutes(30)),
            utc(2027, 3, 28, 1, 30));  // 03:30 CEST
  const auto times = next("daily 02:30", ScheduleZone::pinned(berlin()), new_york(),
                          utc(2027, 3, 26, 12), 4);
  EXPECT_EQ(times, (std::vector<TimePoint>{utc(2027, 3, 27, 1, 30), utc(2027, 3, 28, 1, 30),
                                           utc(2027, 3, 29, 0, 30), utc(2027, 3, 30, 0, 30)}));
  EXPECT_EQ(wall(times[1], berlin()), "2027-03-28 03:30");
}

TEST(Schedule, ARepeatedTimeHappensOnceAtItsFirstOccurrence) {
  EXPECT_EQ(local_to_instant(berlin(), date::local_days(date::year(2027) / 10 / 31) + hours(2) +
                                           minutes(30)),
            utc(2027, 10, 31, 0, 30));  // 02:30 CEST, not 02:30 CET an hour later
  const auto times = next("daily 02:30", ScheduleZone::pinned(berlin()), berlin(),
                          utc(2027, 10, 30, 12), 3);
  EXPECT_EQ(times, (std::vector<TimePoint>{utc(2027, 10, 31, 0, 30), utc(2027, 11, 1, 1, 30),
                                           utc(2027, 11, 2, 1, 30)}));
  // Asking from just after the first 02:30 does not offer the second one.
  const auto after = next("daily 02:30", ScheduleZone::pinned(berlin()), berlin(),
                          utc(2027, 10, 31, 0, 31), 1);
  EXPECT_EQ(after.front(), utc(2027, 11, 1, 1, 30));
}

TEST(Schedule, OccurrencesAreStrictlyAfterFromAndCountIsBounded) {
  const auto zone = ScheduleZone::pinned(berlin());
  const auto s = parsed("daily 21:00");
  const auto at = utc(2027, 1, 10, 20);  // exactly an occurrence
  auto r = next_occurrences(s, zone, berlin(), at, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->front(), at + days(1));
  for (std::size_t bad : {std::size_t{0}, max_occurrences + 1, std::size_t{1} << 40}) {
    auto e = next_occurrences(s, zone, berlin(), at, bad);
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().code, v1::CODE_USAGE);
  }
  auto all = next_occurrences(s, zone, berlin(), at, max_occurrences);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), max_occurrences);
  for (std::size_t i = 1; i < all->size(); ++i) EXPECT_LT((*all)[i - 1], (*all)[i]);
}

TEST(Schedule, EndOfSpaceHasNoClockTimes) {
  auto r = next_occurrences(parsed("end-of-space"), ScheduleZone::floating(), berlin(),
                            utc(2027, 1, 1, 0), 5);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  EXPECT_EQ(due_after_space_end(utc(2027, 1, 2, 18)), utc(2027, 1, 2, 18));
  EXPECT_TRUE(occurrences_between(parsed("end-of-space"), ScheduleZone::floating(), berlin(),
                                  utc(2027, 1, 1, 0), utc(2027, 2, 1, 0))
                  .empty());
}

TEST(Schedule, OccurrencesBetweenCatchesUpBoundedly) {
  const auto zone = ScheduleZone::pinned(berlin());
  const auto s = parsed("daily 21:00");
  const auto three = occurrences_between(s, zone, berlin(), utc(2027, 1, 10, 20), utc(2027, 1, 13, 20));
  EXPECT_EQ(three, (std::vector<TimePoint>{utc(2027, 1, 11, 20), utc(2027, 1, 12, 20),
                                           utc(2027, 1, 13, 20)}));
  EXPECT_TRUE(occurrences_between(s, zone, berlin(), utc(2027, 1, 13, 0), utc(2027, 1, 13, 0)).empty());
  EXPECT_EQ(occurrences_between(s, zone, berlin(), utc(2027, 1, 1, 0), utc(2030, 1, 1, 0)).size(),
            max_occurrences);
}

TEST(Schedule, CheckinStateFollowsTheWindow) {
  const auto due = utc(2027, 1, 10, 20);
  const std::vector<TimePoint> none;
  EXPECT_EQ(checkin_state(due, none, due - minutes(1)), CheckinState::upcoming);
  EXPECT_EQ(checkin_state(due, none, due), CheckinState::due);
  EXPECT_EQ(checkin_state(due, none, due + checkin_window - seconds(1)), CheckinState::due);
  EXPECT_EQ(checkin_state(due, none, due + checkin_window), CheckinState::missed);
  EXPECT_TRUE(is_missed(due, none, due + hours(5)));

  const std::vector<TimePoint> in_window{due + minutes(30)};
  EXPECT_EQ(checkin_state(due, in_window, due + hours(5)), CheckinState::done);
  EXPECT_FALSE(is_missed(due, in_window, due + hours(5)));
  const std::vector<TimePoint> a_little_early{due - minutes(10)};
  EXPECT_EQ(checkin_state(due, a_little_early, due - minutes(5)), CheckinState::done);
  const std::vector<TimePoint> too_early{due - checkin_early_grace - seconds(1)};
  EXPECT_TRUE(is_missed(due, too_early, due + checkin_window));
  const std::vector<TimePoint> too_late{due + checkin_window};
  EXPECT_TRUE(is_missed(due, too_late, due + checkin_window + minutes(1)));
  EXPECT_EQ(checkin_window, hours(2));
}

}  // namespace
}  // namespace pairspace::sync
