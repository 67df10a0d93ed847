#!/usr/bin/env python3
"""Expand the events of an iCalendar file with independent tools, for pairspace's tests.

usage: ics_expand.py FILE COUNT

Parses FILE with the `icalendar` package (Debian: python3-icalendar) and expands each
VEVENT's RRULE with dateutil.rrule, printing its first COUNT start times one per line as

    <UID> <time>

where <time> is a UTC instant (2027-03-10T20:00:00Z) for events with a TZID and a wall
time without zone (2027-03-10T21:00:00) for floating ones.

Zoned wall times are turned into instants with the file's own VTIMEZONE (which RFC 5545
requires for every TZID), reading each time with the UTC offset in force before that
day's clock change (RFC 5545 3.3.5: a skipped time uses the offset before the gap, a
repeated time means its first occurrence). Every instant is cross-checked against the
system tz database (zoneinfo, fold=0, the same reading); a disagreement exits with 3.
Exit 2 on usage errors or a file that does not parse.
"""
import sys
from datetime import timezone

try:
    import icalendar
    import pytz
    from dateutil import rrule
    from zoneinfo import ZoneInfo
except ImportError as e:  # pragma: no cover - reported to the C++ test
    print(f"missing Python module ({e}); run scripts/deps.sh", file=sys.stderr)
    sys.exit(4)


def rfc_instant(tz, wall):
    """The UTC instant of naive `wall` in pytz-style `tz`, per RFC 5545 3.3.5."""
    try:
        return tz.localize(wall, is_dst=None).astimezone(timezone.utc)
    except pytz.exceptions.AmbiguousTimeError:
        # Twice on this day: the first occurrence, i.e. the earlier instant.
        both = [tz.localize(wall, is_dst=d).astimezone(timezone.utc) for d in (True, False)]
        return min(both)
    except pytz.exceptions.NonExistentTimeError:
        # Skipped: read with the offset before the gap, the smaller one of the two.
        offsets = [tz.localize(wall, is_dst=d).utcoffset() for d in (True, False)]
        return (wall - min(offsets)).replace(tzinfo=timezone.utc)


def main(argv):
    if len(argv) != 3 or not argv[2].isdigit():
        print("usage: ics_expand.py FILE COUNT", file=sys.stderr)
        return 2
    count = int(argv[2])
    with open(argv[1], "rb") as f:
        data = f.read()
    try:
        cal = icalendar.Calendar.from_ical(data)
    except ValueError as e:
        print(f"not an iCalendar file: {e}", file=sys.stderr)
        return 2

    zones = {str(tz["TZID"]): tz.to_tz() for tz in cal.walk("VTIMEZONE")}
    for event in cal.walk("VEVENT"):
        uid = str(event["UID"])
        start = event["DTSTART"]
        tzid = start.params.get("TZID")
        wall = start.dt.replace(tzinfo=None)
        rule = rrule.rrulestr(event["RRULE"].to_ical().decode("ascii"), dtstart=wall)
        for n, local in enumerate(rule):
            if n == count:
                break
            if tzid is None:
                print(f"{uid} {local.isoformat()}")
                continue
            if tzid not in zones:
                print(f"{uid}: TZID {tzid} has no VTIMEZONE", file=sys.stderr)
                return 3
            instant = rfc_instant(zones[tzid], local)
            system = local.replace(tzinfo=ZoneInfo(tzid), fold=0).astimezone(timezone.utc)
            if instant != system:
                print(f"{uid}: {local} is {instant} by the VTIMEZONE but {system} by the "
                      f"system tz database", file=sys.stderr)
                return 3
            print(f"{uid} {instant.strftime('%Y-%m-%dT%H:%M:%SZ')}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
