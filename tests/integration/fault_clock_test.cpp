// Clock skew between the two devices: Alex's clock runs an hour ahead, later an hour behind
// (a four-hour step back), Sam's is right. Sessions are still accepted (the replay guard
// compares a device's timestamps only with its own earlier ones), ops fold in causal order
// whatever their wall times, and a space period ends at the moment its author meant as
// seen on the partner's device too. The clocks are libfaketime (Debian package `faketime`)
// preloaded into each device's CLI and daemon, read from a file that the test rewrites.
#include <glob.h>
#include <time.h>

#include <fstream>
#include <thread>

#include "fault_support.hpp"

namespace pairspace::itest {
namespace {

using SystemClock = std::chrono::system_clock;
constexpr auto arrive_bound = 20s;
constexpr auto until_tolerance = 2min;  // the request, its arrival and the test's own clock

std::string faketime_library() {
  glob_t found{};
  std::string path;
  if (::glob("/usr/lib/*/faketime/libfaketime.so.1", 0, nullptr, &found) == 0 && found.gl_pathc > 0) {
    path = found.gl_pathv[0];
  }
  ::globfree(&found);
  return path;
}

// "2026-11-26T01:33:38.393Z" -> that instant; nullopt when it is not one.
std::optional<SystemClock::time_point> parse_instant(const std::string& text) {
  std::tm tm{};
  const char* rest = ::strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr) return std::nullopt;
  return SystemClock::from_time_t(::timegm(&tm));
}

class FaultClock : public FaultDevices {
 protected:
  void SetUp() override {
    FaultDevices::SetUp();
    library = faketime_library();
    if (library.empty()) GTEST_SKIP() << "libfaketime is not installed (Debian package `faketime`)";
    set_clock(alex, 0min);
    set_clock(sam, 0min);
  }

  fs::path clock_file(const fs::path& at) const { return root / (at.filename().string() + ".clock"); }
  // The device's clock runs `offset` from the real one (read by libfaketime at every call).
  void set_clock(const fs::path& at, std::chrono::minutes offset) {
    std::ofstream(clock_file(at), std::ios::trunc) << (offset.count() < 0 ? "-" : "+")
                                                   << std::abs(offset.count()) * 60 << "\n";
    offsets[at] = offset;
  }
  // Runs behind /usr/bin/env with the fake clock preloaded (ASan tolerates a preload that
  // comes first only when told to).
  std::vector<std::string> faked(const fs::path& at) const {
    const char* asan = std::getenv("ASAN_OPTIONS");
    return {"/usr/bin/env",
            "LD_PRELOAD=" + library,
            "FAKETIME_TIMESTAMP_FILE=" + clock_file(at).string(),
            "FAKETIME_NO_CACHE=1",
            "FAKETIME_DONT_FAKE_MONOTONIC=1",
            std::string("ASAN_OPTIONS=") + (asan != nullptr ? std::string(asan) + ":" : "") +
                "verify_asan_link_order=0"};
  }
  RunResult as(const fs::path& at, const std::vector<std::string>& args) {
    RunOptions options;
    options.prefix = faked(at);
    return cli_at(at, args, options);
  }
  nlohmann::json status_of(const fs::path& at) {
    auto r = as(at, {"status", "--json"});
    auto parsed = nlohmann::json::parse(r.out, nullptr, false);
    return r.exit_code == 0 && parsed.is_object() ? parsed : nlohmann::json::object();
  }
  std::string partner_note(const fs::path& at) {
    auto s = status_of(at);
    return s.contains("partner_space") ? s["partner_space"].value("note", "") : "";
  }
  // The device's own clock now.
  SystemClock::time_point now_at(const fs::path& at) { return SystemClock::now() + offsets[at]; }
  void restart_both() {
    ASSERT_NO_FATAL_FAILURE(stop(alex));
    ASSERT_NO_FATAL_FAILURE(stop(sam));
    ASSERT_TRUE(start(alex, alex_address, faked(alex)));
    ASSERT_TRUE(start(sam, sam_address, faked(sam)));
  }
  // Sam's view of Alex's space: its end, as Sam's clock will read it, is `meant` (within
  // the tolerance); it has not ended a little before that and has ended a little after.
  void expect_partner_space_ends_at(SystemClock::time_point meant) {
    auto view = status_of(sam)["partner_space"];
    auto until = parse_instant(view.value("until", ""));
    ASSERT_TRUE(until.has_value()) << view.dump();
    EXPECT_LT(std::chrono::abs(*until - meant), until_tolerance)
        << "Sam's device shows the end " << std::chrono::duration_cast<std::chrono::minutes>(*until - meant).count()
        << " min away from the moment Alex meant";
    const auto shift_to = [&](std::chrono::minutes from_now) {
      const auto real_offset = std::chrono::duration_cast<std::chrono::minutes>(meant - SystemClock::now()) -
                               offsets[sam] + from_now;
      for (const fs::path* at : {&alex, &sam}) set_clock(*at, offsets[*at] + real_offset);
    };
    const auto alex_was = offsets[alex], sam_was = offsets[sam];
    shift_to(-3min);
    EXPECT_FALSE(status_of(sam)["partner_space"].value("ended", true)) << "3 min before the end, on Sam's device";
    EXPECT_FALSE(status_of(alex)["me"].value("ended", true)) << "3 min before the end, on Alex's device";
    shift_to(3min);
    EXPECT_TRUE(status_of(sam)["partner_space"].value("ended", false)) << "3 min after the end, on Sam's device";
    EXPECT_TRUE(status_of(alex)["me"].value("ended", false)) << "3 min after the end, on Alex's device";
    set_clock(alex, alex_was);
    set_clock(sam, sam_was);
  }

  std::string library;
  std::map<fs::path, std::chrono::minutes> offsets;
};

TEST_F(FaultClock, AnHourAheadOrBehindKeepsSessionsOrderAndTheEndOfASpace) {
  set_clock(alex, 60min);
  ASSERT_TRUE(start(alex, "127.0.0.1:0", faked(alex)));
  ASSERT_TRUE(start(sam, "127.0.0.1:0", faked(sam)));
  alex_address = listen_address_of(alex);
  sam_address = listen_address_of(sam);
  pair();
  ASSERT_TRUE(wait_both_connected()) << "sessions with Alex an hour ahead";

  // Alex acknowledges Sam's request with a wall time an hour after it.
  ASSERT_EQ(as(sam, {"space", "need", "--for", "1h", "--note", "sam first"}).exit_code, 0);
  ASSERT_TRUE(eventually([&] { return partner_note(alex) == "sam first"; }, arrive_bound));
  ASSERT_EQ(as(alex, {"space", "ack", "--note", "seen"}).exit_code, 0);
  EXPECT_TRUE(eventually([&] { return status_of(sam)["me"].value("acknowledged", false); }, arrive_bound))
      << status_of(sam).dump();

  // Two hours of space asked for on the device an hour ahead end two hours from now.
  const auto asked = SystemClock::now();
  auto need = as(alex, {"space", "need", "--for", "2h", "--note", "ahead"});
  ASSERT_EQ(need.exit_code, 0) << need.describe();
  ASSERT_TRUE(eventually([&] { return partner_note(sam) == "ahead"; }, arrive_bound)) << status_of(sam).dump();
  ASSERT_NO_FATAL_FAILURE(expect_partner_space_ends_at(asked + offsets[sam] + 2h));

  // Alex's clock steps back four hours (an hour behind), Sam's two: sessions still start.
  set_clock(alex, -60min);
  ASSERT_NO_FATAL_FAILURE(restart_both());
  ASSERT_TRUE(wait_both_connected()) << "sessions after the clocks stepped back";

  // A newer request with a wall time four hours before the older one replaces it.
  const auto asked_again = SystemClock::now();
  ASSERT_EQ(as(alex, {"space", "need", "--for", "2h", "--note", "behind"}).exit_code, 0);
  ASSERT_TRUE(eventually([&] { return partner_note(sam) == "behind"; }, arrive_bound)) << status_of(sam).dump();
  ASSERT_NO_FATAL_FAILURE(expect_partner_space_ends_at(asked_again + offsets[sam] + 2h));

  // Alex, an hour behind, accepts Sam's proposal: the answer's wall time is before it.
  auto proposed = as(sam, {"agree", "propose", "--ritual", "tea at dusk", "--json"});
  const auto id = nlohmann::json::parse(proposed.out, nullptr, false).value("id", "");
  ASSERT_FALSE(id.empty()) << proposed.describe();
  ASSERT_TRUE(eventually([&] { return as(alex, {"agree", "accept", id}).exit_code == 0; }, arrive_bound));
  auto active_on = [&](const fs::path& at) {
    return contains(as(at, {"agree", "list", "--json"}).out, "AGREEMENT_STATE_ACTIVE");
  };
  EXPECT_TRUE(eventually([&] { return active_on(alex) && active_on(sam); }, arrive_bound));
  EXPECT_TRUE(wait_same_digest(arrive_bound));
  ASSERT_NO_FATAL_FAILURE(stop(alex));
  ASSERT_NO_FATAL_FAILURE(stop(sam));
}

}  // namespace
}  // namespace pairspace::itest
