// Fault injection on the partner connection: both devices reach each other only through a
// FaultProxy that cuts, stalls and slices the byte stream at random points (seeded), while
// thousands of ops sync both ways and live changes are made; once the faults stop, both
// devices hold the same ops, each exactly once. And a stalled session, cut, comes back.
#include <thread>

#include "fault_proxy.hpp"
#include "fault_support.hpp"

namespace pairspace::itest {
namespace {

constexpr int backlog_ops = 1500;       // per device, written while both are stopped
constexpr int live_changes = 4;         // per device, through the CLI while faults happen
constexpr std::size_t wanted_faults = 16;  // across both proxies before the faults stop
constexpr auto faults_bound = 40s;      // time allowed to see them
constexpr auto converge_bound = 60s;    // once the faults stop
constexpr auto arrive_bound = 20s;

class FaultProxyTest : public FaultDevices {
 protected:
  nlohmann::json status_of(const fs::path& at) {
    auto r = cli_at(at, {"status", "--json"});
    auto parsed = nlohmann::json::parse(r.out, nullptr, false);
    return r.exit_code == 0 && parsed.is_object() ? parsed : nlohmann::json::object();
  }
};

TEST_F(FaultProxyTest, SyncThroughCutsStallsAndSlicesEndsWithEveryOpOnceOnBoth) {
  const std::uint64_t seed = fault_seed("FaultProxyTest.SyncThroughCutsStallsAndSlices");
  ASSERT_NO_FATAL_FAILURE(paired_through_proxies(seed));
  ASSERT_NO_FATAL_FAILURE(stop(alex));
  ASSERT_NO_FATAL_FAILURE(stop(sam));
  ASSERT_NO_FATAL_FAILURE(testgen(alex, {"ops", "--count", std::to_string(backlog_ops)}));
  ASSERT_NO_FATAL_FAILURE(testgen(sam, {"ops", "--count", std::to_string(backlog_ops)}));

  FaultPlan plan;
  plan.mean_bytes_between = 8 * 1024;
  to_alex->faults_on(plan);
  to_sam->faults_on(plan);
  ASSERT_TRUE(start(alex, alex_address));
  ASSERT_TRUE(start(sam, sam_address));
  for (int i = 0; i < live_changes; ++i) {
    auto need = cli_at(alex, {"space", "need", "--for", "1h", "--note", "live " + std::to_string(i)});
    EXPECT_EQ(need.exit_code, 0) << need.describe();
    auto checkin = cli_at(sam, {"checkin", "--mood", "3", "--note", "live " + std::to_string(i)});
    EXPECT_EQ(checkin.exit_code, 0) << checkin.describe();
    std::this_thread::sleep_for(300ms);
  }
  auto total = [&] {
    const auto a = to_alex->counts();
    const auto s = to_sam->counts();
    FaultCounts sum;
    sum.connections = a.connections + s.connections;
    sum.cuts = a.cuts + s.cuts;
    sum.resets = a.resets + s.resets;
    sum.half_cuts = a.half_cuts + s.half_cuts;
    sum.stalls = a.stalls + s.stalls;
    sum.slices = a.slices + s.slices;
    sum.bytes = a.bytes + s.bytes;
    return sum;
  };
  EXPECT_TRUE(eventually([&] { return total().faults() >= wanted_faults; }, faults_bound))
      << "only " << total().faults() << " faults";
  to_alex->faults_off();
  to_sam->faults_off();
  const auto seen = total();
  std::cout << "[fault] connections " << seen.connections << ", cuts " << seen.cuts << " (" << seen.resets
            << " with RST), one-side cuts " << seen.half_cuts << ", stalls " << seen.stalls << ", slices "
            << seen.slices << ", bytes " << seen.bytes << std::endl;
  EXPECT_GE(seen.cuts + seen.half_cuts, 1U);
  EXPECT_GE(seen.stalls, 1U);
  EXPECT_GE(seen.slices, 1U);

  EXPECT_TRUE(wait_same_digest(converge_bound)) << state_digest(alex) << " vs " << state_digest(sam);
  StoreDigest a, s;
  ASSERT_NO_FATAL_FAILURE(stop_both_and_compare(a, s));
  EXPECT_EQ(a.self, static_cast<std::uint64_t>(backlog_ops + live_changes)) << a.raw;
  EXPECT_EQ(s.self, static_cast<std::uint64_t>(backlog_ops + live_changes)) << s.raw;
  EXPECT_EQ(a.partner, s.self) << a.raw << s.raw;
  EXPECT_EQ(s.partner, a.self) << a.raw << s.raw;
  EXPECT_EQ(a.rows, a.self + a.partner) << "a gap or a duplicate: " << a.raw;
  EXPECT_EQ(s.rows, s.self + s.partner) << "a gap or a duplicate: " << s.raw;
}

TEST_F(FaultProxyTest, AStalledSessionIsDroppedWhenCutAndTheDevicesReconnect) {
  ASSERT_NO_FATAL_FAILURE(paired_through_proxies(fault_seed("FaultProxyTest.AStalledSession")));
  to_alex->hold();
  to_sam->hold();
  auto need = cli_at(alex, {"space", "need", "--for", "1h", "--note", "stalled"});
  ASSERT_EQ(need.exit_code, 0) << need.describe();
  std::this_thread::sleep_for(1500ms);
  EXPECT_TRUE(connected(alex) && connected(sam)) << "a stall alone looks like a quiet session";
  const auto waiting = status_of(sam);
  EXPECT_FALSE(waiting.contains("partner_space") &&
               waiting["partner_space"].value("note", "") == "stalled")
      << "nothing crosses a stalled connection: " << waiting.dump();
  EXPECT_EQ(status_of(alex)["me"].value("delivery", ""), "DELIVERY_PENDING") << status_of(alex).dump();

  const auto before = to_alex->counts().connections + to_sam->counts().connections;
  to_alex->cut_all(true);
  to_sam->cut_all(true);
  to_alex->release();
  to_sam->release();
  EXPECT_TRUE(eventually([&] {
    auto s = status_of(sam);
    return s.contains("partner_space") && s["partner_space"].value("note", "") == "stalled";
  }, arrive_bound)) << status_of(sam).dump();
  EXPECT_TRUE(eventually([&] { return status_of(alex)["me"].value("delivery", "") == "DELIVERY_DELIVERED"; },
                         arrive_bound))
      << status_of(alex).dump();
  EXPECT_TRUE(wait_same_digest(arrive_bound));
  EXPECT_GT(to_alex->counts().connections + to_sam->counts().connections, before) << "a new session was made";
  ASSERT_NO_FATAL_FAILURE(stop(alex));
  ASSERT_NO_FATAL_FAILURE(stop(sam));
}

// A middlebox forgets the connection: one device hears a reset, the other hears nothing and
// keeps its session until it next sends. The devices must be back together well before
// keepalive and idle timeouts (25 s, 75 s) would notice, whichever side lost it.
TEST_F(FaultProxyTest, AConnectionForgottenOnOneSideComesBackQuickly) {
  ASSERT_NO_FATAL_FAILURE(paired_through_proxies(fault_seed("FaultProxyTest.AConnectionForgotten")));
  for (int side : {0, 1, 0, 1}) {
    SCOPED_TRACE("the " + std::string(side == 0 ? "dialler's" : "listener's") + " side hears the reset");
    const bool silent = true;
    ASSERT_TRUE(eventually([&] { return to_alex->open_connections() + to_sam->open_connections() == 1; }, 10s));
    const auto before = std::chrono::steady_clock::now();
    to_alex->cut_one_side(side, true, 120s, silent);
    to_sam->cut_one_side(side, true, 120s, silent);
    const std::string note = "after a forgotten connection " + std::to_string(side);
    ASSERT_EQ(cli_at(sam, {"space", "need", "--for", "1h", "--note", note}).exit_code, 0);
    EXPECT_TRUE(eventually([&] {
      auto s = status_of(alex);
      return s.contains("partner_space") && s["partner_space"].value("note", "") == note;
    }, 12s)) << "not back within 12 s";
    std::cout << "[fault] back after "
              << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - before).count()
              << " ms" << std::endl;
    ASSERT_TRUE(wait_same_digest(20s));
  }
  ASSERT_NO_FATAL_FAILURE(stop(alex));
  ASSERT_NO_FATAL_FAILURE(stop(sam));
}

}  // namespace
}  // namespace pairspace::itest
