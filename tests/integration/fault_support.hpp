#pragma once
// Shared pieces of the fault tests: the seed and round count (from the environment, for
// replays and longer runs), `pairspace-testgen` on stopped homes, state digests, and
// daemons that can be killed with SIGKILL and started again on the same port.
#include <cstdint>
#include <map>
#include <random>
#include <string>

#include "fault_proxy.hpp"
#include "two_devices.hpp"

namespace pairspace::itest {

// PAIRSPACE_FAULT_SEED when set (replay), else a fresh random seed. Printed with `what`
// so a failing run can be replayed.
std::uint64_t fault_seed(const std::string& what);
// PAIRSPACE_FAULT_ROUNDS when set (a longer opt-in run), else `fallback`.
int fault_rounds(int fallback);

// `pairspace-testgen digest` of a stopped home.
struct StoreDigest {
  bool ok = false;
  std::string digest;
  std::uint64_t self = 0, partner = 0, rows = 0;
  std::string raw;  // the tool's output, for messages
};

class FaultDevices : public TwoDevices {
 protected:
  // `pairspace-testgen ARGS... --home AT`; asserts success.
  void testgen(const fs::path& at, const std::vector<std::string>& args);
  StoreDigest store_digest(const fs::path& at);

  // The running daemon's `status --json` state_digest ("" when it does not answer).
  std::string state_digest(const fs::path& at);
  bool wait_same_digest(std::chrono::milliseconds bound);

  // Starts `at`'s daemon on `listen` (`pairspace daemon start` run behind `prefix`, e.g.
  // {"env", "NAME=VALUE"}), remembering its pid for kill(); TearDown ends what still runs.
  bool start(const fs::path& at, const std::string& listen, const std::vector<std::string>& prefix = {});
  // `daemon stop`, with exit status 0 and a log without crash reports (asserted).
  void stop(const fs::path& at);
  // Stops both daemons and reads both stores into `a` and `s`: both read, digests equal
  // (asserted).
  void stop_both_and_compare(StoreDigest& a, StoreDigest& s);
  // Both daemons on 127.0.0.1:0 (tracked); fills alex_address and sam_address, which later
  // starts reuse, so the partner's note of the address stays right.
  void start_both_tracked();
  // SIGKILL and reaped; false when it was not running.
  bool kill(const fs::path& at);
  bool running(const fs::path& at) const;
  // Invite on Alex, join on Sam through `alex_via`, then Alex dials Sam at `sam_via`;
  // both daemons restarted so each dials the other through those addresses.
  void pair_via(const std::string& alex_via, const std::string& sam_via);

  // Both daemons started, paired and connected through the proxies to_alex and to_sam
  // (faithful until told otherwise), seeded from `seed`.
  void paired_through_proxies(std::uint64_t seed);
  void TearDown() override;
  // Called by TearDown once every daemon has ended, before the homes are removed.
  virtual void after_daemons() {}

  std::map<fs::path, pid_t> pids;
  std::unique_ptr<FaultProxy> to_alex, to_sam;
};

}  // namespace pairspace::itest
