#pragma once
// The zone a person's times are shown and read in: $TZ when it names an IANA zone
// (as in TZ=Europe/Berlin or TZ=:Europe/Berlin), else the system's zone, else UTC.
#include <date/tz.h>

namespace pairspace::util {

const date::time_zone& local_zone();

}  // namespace pairspace::util
