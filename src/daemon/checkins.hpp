#pragma once
// Check-in times of the active check-in agreements, as this device sees them.
#include <chrono>
#include <cstddef>
#include <vector>

#include "pairspace.pb.h"

namespace pairspace::daemon {

// The next `count` check-in times of every active check-in agreement, merged, in order.
std::vector<v1::CheckInTime> next_check_ins(const v1::SharedState& state,
                                            std::chrono::system_clock::time_point now,
                                            std::size_t count);
// An active end-of-space check-in exists and nobody checked in since `status` ended.
bool end_of_space_check_in_due(const v1::SharedState& state, const v1::StatusEntry& status);
// The active check-in agreement with a time due around `now` (within the window), if any.
const v1::AgreementEntry* agreement_due_now(const v1::SharedState& state,
                                            std::chrono::system_clock::time_point now);
// When check-ins made in `state` were made (both authors).
std::vector<std::chrono::system_clock::time_point> check_in_times(const v1::SharedState& state);
// Scheduled times of every active check-in agreement in (after, until], with their ids.
std::vector<v1::CheckInTime> check_ins_between(const v1::SharedState& state,
                                               std::chrono::system_clock::time_point after,
                                               std::chrono::system_clock::time_point until);

}  // namespace pairspace::daemon
