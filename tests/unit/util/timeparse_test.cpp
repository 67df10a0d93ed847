#include "util/timeparse.hpp"

#include <date/date.h>
#include <date/tz.h>
#include <gtest/gtest.h>

namespace pairspace::util {
namespace {

using namespace std::chrono;
using namespace date::literals;

TimePoint utc(date::year_month_day day, hours h, minutes m = minutes(0)) {
  return TimePoint(date::sys_days(day) + h + m);
}

const date::time_zone& berlin() { return *date::locate_zone("Europe/Berlin"); }
const date::time_zone& new_york() { return *date::locate_zone("America/New_York"); }

TEST(ParseDuration, AcceptsEveryFormOfTheContract) {
  EXPECT_EQ(*parse_duration("90s"), seconds(90));
  EXPECT_EQ(*parse_duration("45m"), minutes(45));
  EXPECT_EQ(*parse_duration("2h"), hours(2));
  EXPECT_EQ(*parse_duration("1h30m"), minutes(90));
  EXPECT_EQ(*parse_duration("3d"), hours(72));
  EXPECT_EQ(*parse_duration("1d2h3m4s"), hours(26) + minutes(3) + seconds(4));
}

TEST(ParseDuration, RefusesMalformedAndHostileInput) {
  for (const char* bad : {"", "h", "2", "2x", "-2h", "30m1h", "2h2h", "0m", "1h ", " 1h",
                          "99999999999999999999s", "367d", "1.5h"}) {
    auto r = parse_duration(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, v1::CODE_USAGE) << bad;
    EXPECT_FALSE(r.error().message.empty());
  }
  EXPECT_NE(parse_duration("2x").error().message.find("Try forms like 90s"), std::string::npos);
  EXPECT_NE(parse_duration("0m").error().message.find("longer than zero"), std::string::npos);
  EXPECT_NE(parse_duration("367d").error().message.find("shorter"), std::string::npos);
  EXPECT_FALSE(parse_duration(std::string(1000, '9') + "s").ok());
}

TEST(ParseTime, ClockTimeIsTheNextOccurrenceInTheZone) {
  // 2026-11-25 18:00 UTC = 19:00 in Berlin.
  const auto now = utc(2026_y / 11 / 25, hours(18));
  EXPECT_EQ(*parse_time("20:00", now, TimeDirection::future, berlin()),
            utc(2026_y / 11 / 25, hours(19)));
  EXPECT_EQ(*parse_time("18:30", now, TimeDirection::future, berlin()),
            utc(2026_y / 11 / 26, hours(17), minutes(30)));
  // Past: the latest occurrence at or before now.
  EXPECT_EQ(*parse_time("18:30", now, TimeDirection::past, berlin()),
            utc(2026_y / 11 / 25, hours(17), minutes(30)));
  EXPECT_EQ(*parse_time("20:00", now, TimeDirection::past, berlin()),
            utc(2026_y / 11 / 24, hours(19)));
}

TEST(ParseTime, NextOccurrenceAcrossSpringForwardKeepsWallClock) {
  // Berlin springs forward on 2027-03-28. At 21:00 local on the 27th, "20:00" is tomorrow
  // at 20:00 CEST = 18:00 UTC (not 19:00).
  const auto now = utc(2027_y / 3 / 27, hours(20));
  EXPECT_EQ(*parse_time("20:00", now, TimeDirection::future, berlin()),
            utc(2027_y / 3 / 28, hours(18)));
}

TEST(ParseTime, SkippedAndRepeatedLocalTimesAreResolvedPredictably) {
  // 02:30 does not exist in Berlin on 2027-03-28: it maps to the jump (01:00 UTC).
  EXPECT_EQ(*parse_time("2027-03-28T02:30", TimePoint{}, TimeDirection::future, berlin()),
            utc(2027_y / 3 / 28, hours(1)));
  // 02:30 occurs twice on 2026-10-25: the first one (CEST, 00:30 UTC) is chosen.
  EXPECT_EQ(*parse_time("2026-10-25T02:30", TimePoint{}, TimeDirection::future, berlin()),
            utc(2026_y / 10 / 25, hours(0), minutes(30)));
}

TEST(ParseTime, DatesAndIsoForms) {
  const TimePoint now{};
  EXPECT_EQ(*parse_time("2026-12-01", now, TimeDirection::past, new_york()),
            utc(2026_y / 12 / 1, hours(5)));
  EXPECT_EQ(*parse_time("2026-12-01T20:00", now, TimeDirection::future, berlin()),
            utc(2026_y / 12 / 1, hours(19)));
  EXPECT_EQ(*parse_time("2026-12-01 20:00:30", now, TimeDirection::future, berlin()),
            utc(2026_y / 12 / 1, hours(19)) + seconds(30));
  EXPECT_EQ(*parse_time("2026-12-01T20:00:00Z", now, TimeDirection::future, berlin()),
            utc(2026_y / 12 / 1, hours(20)));
  EXPECT_EQ(*parse_time("2026-12-01T20:00:00+01:00", now, TimeDirection::future, new_york()),
            utc(2026_y / 12 / 1, hours(19)));
  EXPECT_EQ(*parse_time("2026-12-01T20:00:00.250-05:30", now, TimeDirection::future, berlin()),
            utc(2026_y / 12 / 2, hours(1), minutes(30)));
}

TEST(ParseTime, DurationsCountFromNow) {
  const auto now = utc(2026_y / 11 / 25, hours(18));
  EXPECT_EQ(*parse_time("2h", now, TimeDirection::future, berlin()), now + hours(2));
  EXPECT_EQ(*parse_time("1d", now, TimeDirection::past, berlin()), now - hours(24));
}

TEST(ParseTime, RefusesMalformedInput) {
  for (const char* bad : {"", "25:00", "20:60", "20-00", "2026-13-01", "2026-02-30", "2026-12-01X",
                          "2026-12-01T20", "2026-12-01T20:00+1", "2026-12-01T20:00:00+19:00",
                          "tomorrow", "20:00:00:00", "2026-12-01T20:00Zjunk"}) {
    auto r = parse_time(bad, TimePoint{}, TimeDirection::future, berlin());
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, v1::CODE_USAGE);
  }
}

TEST(FormatLocal, ShowsTheShortestClearForm) {
  const auto now = utc(2026_y / 11 / 25, hours(10));  // a Wednesday
  EXPECT_EQ(format_local(utc(2026_y / 11 / 25, hours(19)), now, berlin()), "20:00");
  EXPECT_EQ(format_local(utc(2026_y / 11 / 26, hours(19)), now, berlin()), "Thu 20:00");
  EXPECT_EQ(format_local(utc(2026_y / 12 / 9, hours(19)), now, berlin()), "2026-12-09 20:00");
  EXPECT_EQ(format_local(utc(2026_y / 11 / 25, hours(19)), now, new_york()), "14:00");
}

TEST(FormatUtc, IsIso8601WithZ) {
  EXPECT_EQ(format_utc(utc(2026_y / 12 / 1, hours(19), minutes(5))), "2026-12-01T19:05:00Z");
}

}  // namespace
}  // namespace pairspace::util
