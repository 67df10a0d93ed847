#include "daemon/checkins.hpp"

#include <algorithm>

#include "daemon/partner.hpp"
#include "sync/schedule.hpp"
#include "util/local_zone.hpp"

namespace pairspace::daemon {

namespace {

using TimePoint = std::chrono::system_clock::time_point;

TimePoint from_ms(std::int64_t ms) { return TimePoint(std::chrono::milliseconds(ms)); }

struct Active {
  const v1::AgreementEntry* entry;
  sync::Schedule schedule;
  sync::ScheduleZone zone;
};

std::vector<Active> active_check_ins(const v1::SharedState& state) {
  std::vector<Active> out;
  for (const auto& a : state.agreements()) {
    if (a.kind() != v1::AGREEMENT_KIND_CHECKIN || a.state() != v1::AGREEMENT_STATE_ACTIVE) continue;
    auto schedule = sync::parse_schedule(a.text());
    if (!schedule) continue;
    auto zone = sync::schedule_zone(a.tz(), a.floating());
    if (!zone) continue;
    out.push_back(Active{&a, *schedule, *zone});
  }
  return out;
}

v1::CheckInTime time_of(const Active& active, TimePoint at) {
  v1::CheckInTime out;
  set_timestamp(*out.mutable_at(), at);
  out.set_agreement_id(active.entry->id());
  std::string schedule = active.entry->text();
  if (active.schedule.kind != sync::ScheduleKind::end_of_space) {
    schedule = sync::to_string(active.schedule) +
               (active.entry->floating() ? std::string(" (local time)") : " " + active.entry->tz());
  }
  out.set_schedule(std::move(schedule));
  return out;
}

void sort_by_time(std::vector<v1::CheckInTime>& times) {
  std::stable_sort(times.begin(), times.end(), [](const auto& a, const auto& b) {
    return std::make_pair(a.at().seconds(), a.at().nanos()) < std::make_pair(b.at().seconds(), b.at().nanos());
  });
}

}  // namespace

std::vector<v1::CheckInTime> next_check_ins(const v1::SharedState& state, TimePoint now,
                                            std::size_t count) {
  std::vector<v1::CheckInTime> out;
  if (count == 0) return out;
  const auto& viewer = util::local_zone();
  for (const auto& active : active_check_ins(state)) {
    if (active.schedule.kind == sync::ScheduleKind::end_of_space) continue;
    auto times = sync::next_occurrences(active.schedule, active.zone, viewer, now,
                                        std::min(count, sync::max_occurrences));
    if (!times) continue;
    for (const auto t : *times) out.push_back(time_of(active, t));
  }
  sort_by_time(out);
  if (out.size() > count) out.resize(count);
  return out;
}

std::vector<v1::CheckInTime> check_ins_between(const v1::SharedState& state, TimePoint after,
                                               TimePoint until) {
  std::vector<v1::CheckInTime> out;
  const auto& viewer = util::local_zone();
  for (const auto& active : active_check_ins(state)) {
    if (active.schedule.kind == sync::ScheduleKind::end_of_space) continue;
    for (const auto t : sync::occurrences_between(active.schedule, active.zone, viewer, after, until)) {
      out.push_back(time_of(active, t));
    }
  }
  sort_by_time(out);
  return out;
}

std::vector<TimePoint> check_in_times(const v1::SharedState& state) {
  std::vector<TimePoint> out;
  for (const auto& c : state.check_ins()) out.push_back(from_ms(c.at_ms()));
  return out;
}

bool end_of_space_check_in_due(const v1::SharedState& state, const v1::StatusEntry& status) {
  if (status.until_ms() == 0) return false;
  const auto actives = active_check_ins(state);
  const bool agreed = std::any_of(actives.begin(), actives.end(), [](const Active& a) {
                                    return a.schedule.kind == sync::ScheduleKind::end_of_space;
                                  });
  if (!agreed) return false;
  return std::none_of(state.check_ins().begin(), state.check_ins().end(),
                      [&](const v1::CheckInEntry& c) { return c.at_ms() >= status.until_ms(); });
}

const v1::AgreementEntry* agreement_due_now(const v1::SharedState& state, TimePoint now) {
  const auto& viewer = util::local_zone();
  const auto actives = active_check_ins(state);
  for (const auto& active : actives) {
    if (active.schedule.kind == sync::ScheduleKind::end_of_space) {
      for (const auto& s : state.statuses()) {
        if (s.until_ms() == 0) continue;
        const auto until = from_ms(s.until_ms());
        if (until - sync::checkin_early_grace <= now && now < until + sync::checkin_window) {
          return active.entry;
        }
      }
      continue;
    }
    if (!sync::occurrences_between(active.schedule, active.zone, viewer,
                                   now - sync::checkin_window, now + sync::checkin_early_grace)
             .empty()) {
      return active.entry;
    }
  }
  return nullptr;
}

}  // namespace pairspace::daemon
