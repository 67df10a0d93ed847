// kill -9 of either daemon (now and then both) at random moments while a 10 000-op sync
// runs, many times over: every restart opens the store, and in the end both devices hold
// the same ops, gapless and each exactly once, and the same digest.
//
// The two reach each other through FaultProxys limited to a slow link's rate, so the sync
// lasts through all the rounds. Each round: wait a random moment, SIGKILL the victim(s),
// start it again on its port. Should the two have caught up anyway (longer runs), new ops
// are first added to the killed home with pairspace-testgen, so the next rounds again fall
// into a sync. The seed (printed) replays the same choices; PAIRSPACE_FAULT_ROUNDS runs
// more rounds (docs/faults.md).
#include <thread>

#include "fault_support.hpp"

namespace pairspace::itest {
namespace {

constexpr int backlog_ops = 5000;  // per device: the 10 000-op sync
constexpr int default_rounds = 20;
constexpr int top_up_ops = 1500;   // added to a killed home when the two were in sync
constexpr int max_moment_ms = 400;  // a kill falls in [0, this) after the last start
// Bytes per second each way: a 48 KiB batch crosses in 160 ms, so most rounds move the
// sync on by a batch or two and the 10 000 ops take about 20 rounds.
constexpr std::size_t link_rate = 300 * 1024;
constexpr auto converge_bound = 150s;

class FaultKill : public FaultDevices {};

TEST_F(FaultKill, KillingEitherDaemonDuringSyncLosesNoOpAndAppliesNoneTwice) {
  const std::uint64_t seed = fault_seed("FaultKill.KillingEitherDaemonDuringSync");
  const int rounds = fault_rounds(default_rounds);
  std::mt19937_64 rng(seed);
  auto uniform = [&](int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng); };

  ASSERT_NO_FATAL_FAILURE(paired_through_proxies(seed));
  ASSERT_NO_FATAL_FAILURE(stop(alex));
  ASSERT_NO_FATAL_FAILURE(stop(sam));
  ASSERT_NO_FATAL_FAILURE(testgen(alex, {"ops", "--count", std::to_string(backlog_ops)}));
  ASSERT_NO_FATAL_FAILURE(testgen(sam, {"ops", "--count", std::to_string(backlog_ops)}));
  std::map<fs::path, std::uint64_t> written = {{alex, backlog_ops}, {sam, backlog_ops}};
  const std::map<fs::path, std::string> listen = {{alex, alex_address}, {sam, sam_address}};
  to_alex->limit_rate(link_rate);
  to_sam->limit_rate(link_rate);
  ASSERT_TRUE(start(alex, alex_address));
  ASSERT_TRUE(start(sam, sam_address));

  int mid_sync = 0;
  int first_caught_up = -1;
  for (int round = 0; round < rounds; ++round) {
    const int moment = uniform(0, max_moment_ms - 1);
    const int pick = uniform(0, 9);  // 0-4 Alex, 5-8 Sam, 9 both
    std::this_thread::sleep_for(std::chrono::milliseconds(moment));
    std::vector<fs::path> victims;
    if (pick <= 4 || pick == 9) victims.push_back(alex);
    if (pick >= 5) victims.push_back(sam);
    // A sync is under way while the two states differ (or a daemon is still starting).
    const auto before_alex = state_digest(alex);
    const bool syncing = before_alex.empty() || before_alex != state_digest(sam);
    for (const auto& at : victims) ASSERT_TRUE(kill(at)) << "round " << round;
    if (syncing) ++mid_sync;
    if (!syncing && first_caught_up < 0) first_caught_up = round;
    std::cout << "[fault] round " << round << ": killed "
              << (victims.size() == 2 ? "both" : victims[0].filename().string()) << " " << moment
              << " ms after the start, " << (syncing ? "during a sync" : "in sync") << std::endl;
    for (const auto& at : victims) {
      if (!syncing) {  // more ops, so the next round falls into a sync again
        ASSERT_NO_FATAL_FAILURE(testgen(at, {"ops", "--count", std::to_string(top_up_ops)}));
        written[at] += top_up_ops;
      }
      ASSERT_TRUE(start(at, listen.at(at))) << "round " << round << ": the killed daemon does not start again";
    }
  }
  std::cout << "[fault] " << rounds << " rounds, " << mid_sync << " kills during a sync; the first 10 000 ops "
            << (first_caught_up < 0 ? "were still syncing at the end" : "had synced by round " + std::to_string(first_caught_up))
            << "; " << to_alex->counts().bytes + to_sam->counts().bytes << " bytes crossed the link; ops written "
            << written[alex] << " + " << written[sam] << std::endl;
  EXPECT_GE(mid_sync, rounds / 3) << "kills should mostly fall into a sync";

  to_alex->limit_rate(0);
  to_sam->limit_rate(0);
  EXPECT_TRUE(wait_both_connected());
  EXPECT_TRUE(wait_same_digest(converge_bound)) << state_digest(alex) << " vs " << state_digest(sam);
  StoreDigest a, s;
  ASSERT_NO_FATAL_FAILURE(stop_both_and_compare(a, s));
  EXPECT_EQ(a.self, written[alex]) << "an op of Alex's was lost: " << a.raw;
  EXPECT_EQ(s.self, written[sam]) << "an op of Sam's was lost: " << s.raw;
  EXPECT_EQ(a.partner, written[sam]) << a.raw;
  EXPECT_EQ(s.partner, written[alex]) << s.raw;
  EXPECT_EQ(a.rows, a.self + a.partner) << "a gap or a duplicate: " << a.raw;
  EXPECT_EQ(s.rows, s.self + s.partner) << "a gap or a duplicate: " << s.raw;
}

}  // namespace
}  // namespace pairspace::itest
