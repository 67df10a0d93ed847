#include "fault_support.hpp"

#include "tcp_probe.hpp"

#include <signal.h>
#include <sys/wait.h>

#include <cstdlib>
#include <iostream>
#include <regex>
#include <sstream>

namespace pairspace::itest {

namespace {
constexpr auto testgen_timeout = 120s;  // 10 000 signed ops under ASan
constexpr auto kill_reap_bound = 10s;
}  // namespace

std::uint64_t fault_seed(const std::string& what) {
  std::uint64_t seed = 0;
  if (const char* given = std::getenv("PAIRSPACE_FAULT_SEED"); given != nullptr && *given != '\0') {
    seed = std::strtoull(given, nullptr, 10);
  } else {
    std::random_device device;
    seed = (std::uint64_t{device()} << 32U) | device();
  }
  std::cout << "[fault] " << what << ": seed " << seed << " (replay with PAIRSPACE_FAULT_SEED=" << seed << ")"
            << std::endl;
  ::testing::Test::RecordProperty("fault_seed", std::to_string(seed));
  return seed;
}

int fault_rounds(int fallback) {
  if (const char* given = std::getenv("PAIRSPACE_FAULT_ROUNDS"); given != nullptr && *given != '\0') {
    const int rounds = std::atoi(given);
    if (rounds > 0) return rounds;
  }
  return fallback;
}

void FaultDevices::testgen(const fs::path& at, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {binary("pairspace-testgen").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.insert(argv.end(), {"--home", at.string()});
  RunOptions options;
  options.timeout = testgen_timeout;
  auto r = run_process(argv, options);
  ASSERT_EQ(r.exit_code, 0) << r.describe();
}

StoreDigest FaultDevices::store_digest(const fs::path& at) {
  StoreDigest d;
  auto r = run_process({binary("pairspace-testgen").string(), "digest", "--home", at.string()});
  d.raw = r.out + r.err;
  if (r.exit_code != 0) return d;
  std::istringstream lines(r.out);
  for (std::string key, value; lines >> key >> value;) {
    if (key == "digest") d.digest = value;
    if (key == "self") d.self = std::stoull(value);
    if (key == "partner") d.partner = std::stoull(value);
    if (key == "rows") d.rows = std::stoull(value);
  }
  d.ok = !d.digest.empty();
  return d;
}

std::string FaultDevices::state_digest(const fs::path& at) {
  auto r = cli_at(at, {"status", "--json"});
  if (r.exit_code != 0) return {};
  auto parsed = nlohmann::json::parse(r.out, nullptr, false);
  return parsed.is_object() ? parsed.value("state_digest", "") : "";
}

bool FaultDevices::wait_same_digest(std::chrono::milliseconds bound) {
  return eventually([&] {
    const auto a = state_digest(alex);
    return !a.empty() && a == state_digest(sam);
  }, bound);
}

bool FaultDevices::start(const fs::path& at, const std::string& listen, const std::vector<std::string>& prefix) {
  pid_t pid = -1;
  if (prefix.empty()) {
    pid = start_daemon_at(at, listen);
  } else {
    RunOptions options;
    options.prefix = prefix;
    auto r = cli_at(at, {"daemon", "start", "--listen", listen, "--json"}, options);
    EXPECT_EQ(r.exit_code, 0) << r.describe();
    static const std::regex pid_re(R"re("pid"\s*:\s*(\d+))re");
    std::smatch m;
    if (r.exit_code == 0 && std::regex_search(r.out, m, pid_re)) pid = static_cast<pid_t>(std::stol(m[1].str()));
  }
  if (pid <= 0) return false;
  pids[at] = pid;
  return true;
}

void FaultDevices::start_both_tracked() {
  ASSERT_TRUE(start(alex, "127.0.0.1:0"));
  ASSERT_TRUE(start(sam, "127.0.0.1:0"));
  alex_address = listen_address_of(alex);
  sam_address = listen_address_of(sam);
  ASSERT_FALSE(alex_address.empty() || sam_address.empty());
}

void FaultDevices::stop(const fs::path& at) {
  auto r = cli_at(at, {"daemon", "stop"});
  EXPECT_EQ(r.exit_code, 0) << r.describe();
  auto it = pids.find(at);
  if (it != pids.end()) {
    const pid_t pid = it->second;
    pids.erase(it);
    auto status = wait_for_exit(pid, daemon_exit_timeout);
    ASSERT_TRUE(status.has_value()) << "pairspaced " << pid << " did not exit after `daemon stop`";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << "wait status " << *status;
  }
  const auto log = read_file(at / "daemon.log");
  EXPECT_FALSE(looks_like_crash(log)) << "daemon.log:\n" << log;
}

void FaultDevices::stop_both_and_compare(StoreDigest& a, StoreDigest& s) {
  ASSERT_NO_FATAL_FAILURE(stop(alex));
  ASSERT_NO_FATAL_FAILURE(stop(sam));
  a = store_digest(alex);
  s = store_digest(sam);
  ASSERT_TRUE(a.ok && s.ok) << a.raw << s.raw;
  EXPECT_EQ(a.digest, s.digest);
}

bool FaultDevices::kill(const fs::path& at) {
  auto it = pids.find(at);
  if (it == pids.end()) return false;
  const pid_t pid = it->second;
  pids.erase(it);
  if (::kill(pid, SIGKILL) != 0) return false;
  return wait_for_exit(pid, kill_reap_bound).has_value();
}

bool FaultDevices::running(const fs::path& at) const { return pids.count(at) != 0; }

void FaultDevices::pair_via(const std::string& alex_via, const std::string& sam_via) {
  const std::string code = invite(alex).value("code", "");
  ASSERT_FALSE(code.empty());
  auto joined = cli_at(sam, {"pair", "join", "--peer", alex_via, code});
  ASSERT_EQ(joined.exit_code, 0) << joined.describe();
  auto address = cli_at(alex, {"peer", "address", sam_via});
  ASSERT_EQ(address.exit_code, 0) << address.describe();
  // Any session made before the addresses were set goes with the restart.
  for (const fs::path* at : {&alex, &sam}) {
    ASSERT_NO_FATAL_FAILURE(stop(*at));
    ASSERT_TRUE(start(*at, *at == alex ? alex_address : sam_address));
  }
  ASSERT_TRUE(wait_both_connected()) << peer_json(alex).dump() << "\n" << peer_json(sam).dump();
}

void FaultDevices::paired_through_proxies(std::uint64_t seed) {
  ASSERT_NO_FATAL_FAILURE(start_both_tracked());
  to_alex = std::make_unique<FaultProxy>(port_of(alex_address), seed);
  to_sam = std::make_unique<FaultProxy>(port_of(sam_address), seed ^ 0x5a5a5a5aULL);
  ASSERT_TRUE(to_alex->listening() && to_sam->listening());
  ASSERT_NO_FATAL_FAILURE(pair_via(to_alex->address(), to_sam->address()));
}

void FaultDevices::TearDown() {
  for (const auto& [at, pid] : pids) {
    ::kill(pid, SIGTERM);
    if (!wait_for_exit(pid, daemon_exit_timeout)) {
      ::kill(pid, SIGKILL);
      (void)wait_for_exit(pid, kill_reap_bound);
    }
  }
  pids.clear();
  after_daemons();
  to_alex.reset();
  to_sam.reset();
  TwoDevices::TearDown();
}

}  // namespace pairspace::itest
