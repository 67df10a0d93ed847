// Inputs the time_fuzz target found (tests/fuzz/corpus/time/regression-*).
#include <date/date.h>
#include <date/tz.h>
#include <gtest/gtest.h>

#include "util/timeparse.hpp"

namespace pairspace::util {
namespace {

using namespace std::chrono;

const date::time_zone& utc_zone() { return *date::locate_zone("UTC"); }
const TimePoint some_now{seconds(1'780'000'000)};

// A date past 2262 (or before 1677) does not fit the nanosecond clock: it used to overflow
// (undefined behaviour; in practice a garbage time). Dates are now kept to 1970..2200.
TEST(ParseTime, DatesOutsideTheSupportedYearsAreRefused) {
  for (const char* text : {"9053-03-18", "2300-01-01T10:00", "9999-12-31T23:59:59Z",
                           "5000-06-01T12:00:00+01:00", "1969-12-31", "0000-01-01 00:00"}) {
    const auto parsed = parse_time(text, some_now, TimeDirection::future, utc_zone());
    ASSERT_FALSE(parsed.ok()) << text;
    EXPECT_EQ(parsed.error().code, v1::CODE_USAGE) << text;
    EXPECT_NE(parsed.error().message.find("2200"), std::string::npos) << parsed.error().message;
  }
}

TEST(ParseTime, TheEdgesOfTheSupportedYearsStillParse) {
  const auto last = parse_time("2200-12-31T23:59:59Z", some_now, TimeDirection::future, utc_zone());
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(format_utc(*last), "2200-12-31T23:59:59Z");
  const auto first = parse_time("1970-01-01", some_now, TimeDirection::past, utc_zone());
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(format_utc(*first), "1970-01-01T00:00:00Z");
}

}  // namespace
}  // namespace pairspace::util
