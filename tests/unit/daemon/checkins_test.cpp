// Check-in times of the active check-in agreements.
#include "daemon/checkins.hpp"

#include <gtest/gtest.h>

namespace pairspace::daemon {
namespace {

using namespace std::chrono_literals;

v1::SharedState with_check_in(const std::string& spec, v1::AgreementState state) {
  v1::SharedState out;
  auto& a = *out.add_agreements();
  a.set_id("abcdef");
  a.set_kind(v1::AGREEMENT_KIND_CHECKIN);
  a.set_text(spec);
  a.set_tz("UTC");
  a.set_state(state);
  return out;
}

TEST(CheckIns, NextTimesOfActiveAgreementsOnlyInOrder) {
  const auto now = std::chrono::system_clock::now();
  EXPECT_TRUE(next_check_ins(with_check_in("daily 21:00", v1::AGREEMENT_STATE_PROPOSED), now, 3).empty());
  auto state = with_check_in("daily 21:00", v1::AGREEMENT_STATE_ACTIVE);
  auto times = next_check_ins(state, now, 3);
  ASSERT_EQ(times.size(), 3u);
  EXPECT_EQ(times[1].at().seconds() - times[0].at().seconds(), 86400);
  EXPECT_EQ(times[0].agreement_id(), "abcdef");
  EXPECT_EQ(times[0].schedule(), "daily 21:00 UTC");
  EXPECT_GT(times[0].at().seconds(), std::chrono::system_clock::to_time_t(now));
}

TEST(CheckIns, EndOfSpaceIsDueUntilSomeoneChecksIn) {
  auto state = with_check_in("end-of-space", v1::AGREEMENT_STATE_ACTIVE);
  v1::StatusEntry status;
  status.set_until_ms(1'000'000);
  EXPECT_TRUE(end_of_space_check_in_due(state, status));
  state.add_check_ins()->set_at_ms(1'000'500);
  EXPECT_FALSE(end_of_space_check_in_due(state, status));
}

}  // namespace
}  // namespace pairspace::daemon
