// Shared state between two paired devices through the real binaries: space requests and
// acknowledgements (status, watch), delivery while the partner is away, offline catch-up to
// the same state digest, agreement rules, check-in times across time zones (and the
// calendar export), and what a relay and the partner's files never see.
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "relay.hpp"
#include "store/store.hpp"
#include "tcp_probe.hpp"
#include "two_devices.hpp"

namespace pairspace::itest {
namespace {

constexpr auto arrive_bound = 20s;    // a change reaches the connected partner's device
constexpr auto catch_up_bound = 60s;  // hundreds of ops after a reconnect
constexpr int offline_changes = 200;

class SharedState : public TwoDevices {
 protected:
  nlohmann::json json_of(const fs::path& at, const std::vector<std::string>& args, const RunOptions& options = {}) {
    std::vector<std::string> full = args;
    full.emplace_back("--json");
    auto r = cli_at(at, full, options);
    if (r.exit_code != 0) return nlohmann::json();
    auto parsed = nlohmann::json::parse(r.out, nullptr, false);
    return parsed.is_discarded() ? nlohmann::json() : parsed;
  }
  nlohmann::json status_json(const fs::path& at) { return json_of(at, {"status"}); }
  std::string digest(const fs::path& at) { return status_json(at).value("state_digest", ""); }

  // Both daemons started, paired, and connected.
  void paired_and_connected() {
    ASSERT_NO_FATAL_FAILURE(start_both());
    pair();
    ASSERT_TRUE(wait_both_connected()) << peer_json(alex).dump() << "\n" << peer_json(sam).dump();
  }

  // The state of agreement `id` in `at`'s `agree list --all`; "" when absent.
  std::string agreement_state(const fs::path& at, const std::string& id) {
    auto list = json_of(at, {"agree", "list", "--all"});
    if (!list.is_object() || !list.contains("agreements")) return "";
    for (const auto& a : list["agreements"]) {
      if (a.value("id", "") == id) return a.value("state", "");
    }
    return "";
  }
  bool both_in_state(const std::string& id, const std::string& state) {
    return eventually([&] { return agreement_state(alex, id) == state && agreement_state(sam, id) == state; },
                      arrive_bound);
  }
};

TEST_F(SharedState, SpaceRequestReachesThePartnerAndTheAcknowledgementComesBack) {
  ASSERT_NO_FATAL_FAILURE(paired_and_connected());
  auto watch = cli_background(sam, {"watch", "--json"});
  std::this_thread::sleep_for(1s);  // the watch connection is registered by then

  auto need = cli_at(alex, {"space", "need", "--for", "2h", "--note", "recharging, love you"});
  ASSERT_EQ(need.exit_code, 0) << need.describe();
  EXPECT_TRUE(contains(need.out, "Shared with " + sam_name)) << need.out;
  EXPECT_TRUE(contains(need.out, "recharging, love you")) << need.out;

  ASSERT_TRUE(eventually([&] {
    auto s = status_json(sam);
    return s.contains("partner_space") && s["partner_space"].value("state", "") == "SPACE_STATE_NEED_SPACE" &&
           s["partner_space"].value("note", "") == "recharging, love you";
  }, arrive_bound)) << status_json(sam).dump();
  auto prose = cli_at(sam, {"status"});
  ASSERT_EQ(prose.exit_code, 0) << prose.describe();
  EXPECT_TRUE(contains(prose.out, alex_name + " asked for")) << prose.out;
  EXPECT_TRUE(contains(prose.out, "recharging, love you")) << prose.out;
  EXPECT_TRUE(contains(prose.out, "pairspace space ack")) << prose.out;
  EXPECT_TRUE(watch->wait_for_output("recharging, love you", arrive_bound)) << watch->out() << watch->err();
  std::istringstream lines(watch->out());
  for (std::string line; std::getline(lines, line);) {
    EXPECT_FALSE(nlohmann::json::parse(line, nullptr, false).is_discarded()) << "not a JSON line: " << line;
  }

  auto ack = cli_at(sam, {"space", "ack", "--note", "got it, take your time"});
  ASSERT_EQ(ack.exit_code, 0) << ack.describe();
  ASSERT_TRUE(eventually([&] {
    auto s = status_json(alex);
    return s.contains("me") && s["me"].value("acknowledged", false);
  }, arrive_bound)) << status_json(alex).dump();
  auto mine = cli_at(alex, {"status"});
  EXPECT_TRUE(contains(mine.out, sam_name + " acknowledged it")) << mine.out;
  EXPECT_TRUE(contains(mine.out, "got it, take your time")) << mine.out;
  EXPECT_TRUE(contains(cli_at(sam, {"status"}).out, "You acknowledged it"));

  RunOptions interrupted;  // `watch` in prose until SIGINT, which ends it with status 0
  interrupted.prefix = {"timeout", "--preserve-status", "-s", "INT", "2"};
  auto prose_watch = cli_at(alex, {"watch"}, interrupted);
  EXPECT_EQ(prose_watch.exit_code, 0) << prose_watch.describe();
  EXPECT_TRUE(contains(prose_watch.out, "Watching")) << prose_watch.describe();
  stop_daemon_at(alex);
  stop_daemon_at(sam);
}

TEST_F(SharedState, ARequestWhileThePartnerIsAwayIsPendingThenDelivered) {
  ASSERT_NO_FATAL_FAILURE(paired_and_connected());
  stop_daemon_at(sam);
  auto need = cli_at(alex, {"space", "need", "--until", "23:59", "--kind", "quiet", "--note", "early night"});
  ASSERT_EQ(need.exit_code, 0) << need.describe();
  EXPECT_TRUE(contains(need.out, "(pending)")) << need.out;
  EXPECT_FALSE(contains(need.out, "delivered")) << need.out;
  auto pending = status_json(alex);
  ASSERT_TRUE(pending.contains("me")) << pending.dump();
  EXPECT_EQ(pending["me"].value("delivery", ""), "DELIVERY_PENDING") << pending.dump();

  ASSERT_GT(start_daemon_at(sam, sam_address), 0);
  EXPECT_TRUE(eventually([&] {
    auto s = status_json(alex);
    return s.contains("me") && s["me"].value("delivery", "") == "DELIVERY_DELIVERED";
  }, arrive_bound)) << status_json(alex).dump();
  EXPECT_TRUE(contains(cli_at(alex, {"status"}).out, sam_name + "\u2019s device has it (delivered"));
  stop_daemon_at(alex);
  stop_daemon_at(sam);
}

TEST_F(SharedState, OfflineChangesCatchUpToTheSameDigestBothWays) {
  ASSERT_NO_FATAL_FAILURE(paired_and_connected());
  stop_daemon_at(sam);
  for (int i = 0; i < offline_changes; ++i) {
    auto r = i % 2 == 0 ? cli_at(alex, {"space", "need", "--for", "1h", "--note", "n" + std::to_string(i), "--json"})
                        : cli_at(alex, {"space", "end", "--json"});
    ASSERT_EQ(r.exit_code, 0) << i << ": " << r.describe();
  }
  ASSERT_GT(start_daemon_at(sam, sam_address), 0);
  EXPECT_TRUE(eventually([&] {
    const auto a = digest(alex);
    return !a.empty() && a == digest(sam);
  }, catch_up_bound)) << digest(alex) << " vs " << digest(sam);

  stop_daemon_at(alex);
  for (int i = 0; i < offline_changes; ++i) {
    auto r = cli_at(sam, {"checkin", "--mood", std::to_string(i % 5 + 1), "--note", "c" + std::to_string(i), "--json"});
    ASSERT_EQ(r.exit_code, 0) << i << ": " << r.describe();
  }
  const auto before = digest(sam);
  ASSERT_GT(start_daemon_at(alex, alex_address), 0);
  EXPECT_TRUE(eventually([&] {
    const auto a = digest(alex);
    return !a.empty() && a == digest(sam);
  }, catch_up_bound)) << digest(alex) << " vs " << digest(sam);
  EXPECT_EQ(digest(sam), before) << "catching up changes nothing on the device that already had it all";
  stop_daemon_at(alex);
  stop_daemon_at(sam);
}

TEST_F(SharedState, AgreementsNeedTheOtherPartnerAndFollowAcceptAmendRevoke) {
  ASSERT_NO_FATAL_FAILURE(paired_and_connected());
  auto proposed = json_of(alex, {"agree", "propose", "--ritual", "Sunday pancakes", "--note", "our thing?"});
  const std::string id = proposed.value("id", "");
  ASSERT_FALSE(id.empty()) << proposed.dump();

  auto self = cli_at(alex, {"agree", "accept", id});
  EXPECT_EQ(self.exit_code, 4) << self.describe();
  EXPECT_FALSE(self.err.empty());

  ASSERT_TRUE(both_in_state(id, "AGREEMENT_STATE_PROPOSED"));
  auto accept = cli_at(sam, {"agree", "accept", id});
  ASSERT_EQ(accept.exit_code, 0) << accept.describe();
  EXPECT_TRUE(both_in_state(id, "AGREEMENT_STATE_ACTIVE"));
  auto listed = cli_at(alex, {"agree", "list"});
  EXPECT_TRUE(contains(listed.out, id) && contains(listed.out, "active")) << listed.out;

  auto amended = json_of(sam, {"agree", "amend", id, "--ritual", "Sunday waffles"});
  const std::string id2 = amended.value("id", "");
  ASSERT_FALSE(id2.empty()) << amended.dump();
  EXPECT_NE(id2, id);
  ASSERT_TRUE(both_in_state(id2, "AGREEMENT_STATE_PROPOSED"));
  EXPECT_EQ(agreement_state(alex, id), "AGREEMENT_STATE_ACTIVE") << "the old one holds until the change is agreed";
  EXPECT_EQ(cli_at(sam, {"agree", "accept", id2}).exit_code, 4);
  ASSERT_EQ(cli_at(alex, {"agree", "accept", id2}).exit_code, 0);
  EXPECT_TRUE(both_in_state(id2, "AGREEMENT_STATE_ACTIVE"));
  EXPECT_TRUE(both_in_state(id, "AGREEMENT_STATE_SUPERSEDED"));

  ASSERT_EQ(cli_at(alex, {"agree", "revoke", id2}).exit_code, 0);
  EXPECT_TRUE(both_in_state(id2, "AGREEMENT_STATE_REVOKED"));

  auto boundary = json_of(sam, {"agree", "propose", "--boundary", "no phones at dinner"});
  const std::string id3 = boundary.value("id", "");
  ASSERT_FALSE(id3.empty());
  ASSERT_TRUE(both_in_state(id3, "AGREEMENT_STATE_PROPOSED"));
  ASSERT_EQ(cli_at(alex, {"agree", "decline", id3, "--note", "maybe weekends only?"}).exit_code, 0);
  EXPECT_TRUE(both_in_state(id3, "AGREEMENT_STATE_DECLINED"));
  stop_daemon_at(alex);
  stop_daemon_at(sam);
}

// Daemons started with an environment of their own (TZ); stopped again at the end.
class ZonedDaemons {
 public:
  explicit ZonedDaemons(PairspaceTest& test) : m_test(test) {}
  ~ZonedDaemons() {
    for (const auto& at : m_homes) {
      (void)run_process({binary("pairspace").string(), "--home", at.string(), "daemon", "stop"});
    }
  }
  ZonedDaemons(const ZonedDaemons&) = delete;
  ZonedDaemons& operator=(const ZonedDaemons&) = delete;
  bool start(const fs::path& at, const std::string& tz) {
    RunOptions options;
    options.env = {"TZ=" + tz};
    auto r = run_process({binary("pairspace").string(), "--home", at.string(), "daemon", "start", "--listen",
                          "127.0.0.1:0"}, options);
    if (r.exit_code != 0) return false;
    m_homes.push_back(at);
    return true;
  }

 private:
  [[maybe_unused]] PairspaceTest& m_test;
  std::vector<fs::path> m_homes;
};

// `date` (GNU coreutils) as an independent clock: the instant of 21:00 in `tz` on the day
// that `instant` falls on there, and `instant` as HH:MM in `tz`.
long long instant_at_nine_pm(long long instant, const std::string& tz) {
  RunOptions in_zone;
  in_zone.env = {"TZ=" + tz};
  auto day = run_process({"/bin/date", "-d", "@" + std::to_string(instant), "+%F"}, in_zone);
  std::string d = day.out.substr(0, day.out.find('\n'));
  auto at = run_process({"/bin/date", "-d", "TZ=\"" + tz + "\" " + d + " 21:00", "+%s"});
  return std::stoll(at.out);
}
std::string wall_clock(long long instant, const std::string& tz) {
  RunOptions in_zone;
  in_zone.env = {"TZ=" + tz};
  auto r = run_process({"/bin/date", "-d", "@" + std::to_string(instant), "+%H:%M"}, in_zone);
  return r.out.substr(0, r.out.find('\n'));
}
long long epoch_of(const std::string& rfc3339) {
  auto r = run_process({"/bin/date", "-u", "-d", rfc3339, "+%s"});
  return r.exit_code == 0 ? std::stoll(r.out) : -1;
}

TEST_F(SharedState, CheckInTimesFollowTheAgreedZoneOnBothDevicesAndInTheCalendar) {
  const std::string berlin = "Europe/Berlin", new_york = "America/New_York";
  ZonedDaemons zoned(*this);
  ASSERT_TRUE(zoned.start(alex, berlin));
  ASSERT_TRUE(zoned.start(sam, new_york));
  alex_address = listen_address_of(alex);
  sam_address = listen_address_of(sam);
  ASSERT_FALSE(alex_address.empty() || sam_address.empty());
  pair();
  ASSERT_TRUE(wait_both_connected());
  RunOptions in_berlin, in_new_york;
  in_berlin.env = {"TZ=" + berlin};
  in_new_york.env = {"TZ=" + new_york};

  auto proposed = json_of(alex, {"agree", "propose", "--checkin", "daily 21:00", "--tz", berlin}, in_berlin);
  const std::string id = proposed.value("id", "");
  ASSERT_FALSE(id.empty()) << proposed.dump();
  ASSERT_TRUE(eventually([&] { return agreement_state(sam, id) == "AGREEMENT_STATE_PROPOSED"; }, arrive_bound));
  auto accepted = cli_at(sam, {"agree", "accept", id}, in_new_york);
  ASSERT_EQ(accepted.exit_code, 0) << accepted.describe();

  nlohmann::json next;
  ASSERT_TRUE(eventually([&] {
    next = json_of(sam, {"checkin", "next", "--count", "3"}, in_new_york);
    return next.contains("times") && next["times"].size() == 3;
  }, arrive_bound)) << next.dump();
  std::vector<long long> instants;
  for (const auto& t : next["times"]) {
    const long long at = epoch_of(t.value("at", ""));
    ASSERT_GT(at, 0) << t.dump();
    EXPECT_EQ(at, instant_at_nine_pm(at, berlin)) << t.dump() << ": not 21:00 in Berlin";
    EXPECT_EQ(t.value("agreement_id", ""), id);
    instants.push_back(at);
  }
  auto prose = cli_at(sam, {"checkin", "next", "--count", "3"}, in_new_york);
  ASSERT_EQ(prose.exit_code, 0) << prose.describe();
  EXPECT_TRUE(contains(prose.out, wall_clock(instants.front(), new_york))) << prose.out;
  EXPECT_TRUE(contains(prose.out, "daily 21:00")) << prose.out;

  const fs::path ics = root / "checkins.ics";
  auto cal = cli_at(sam, {"calendar", "--out", ics.string()}, in_new_york);
  ASSERT_EQ(cal.exit_code, 0) << cal.describe();
  EXPECT_EQ(fs::status(ics).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  auto expanded = run_process({"/usr/bin/python3", std::string(PAIRSPACE_TEST_DATA) + "/../tools/ics_expand.py",
                               ics.string(), "60"});
  ASSERT_EQ(expanded.exit_code, 0) << expanded.describe() << read_file(ics);
  for (long long at : instants) {
    RunOptions utc;
    utc.env = {"TZ=UTC"};
    auto stamp = run_process({"/bin/date", "-u", "-d", "@" + std::to_string(at), "+%Y-%m-%dT%H:%M:%SZ"}, utc);
    const std::string want = stamp.out.substr(0, stamp.out.find('\n'));
    EXPECT_TRUE(contains(expanded.out, want)) << want << " not in\n" << expanded.out;
  }
}

TEST_F(SharedState, RelaysAndThePartnersFilesSeeNoNotesAgreementsOrJournalWords) {
  ASSERT_NO_FATAL_FAILURE(start_both());
  Relay to_alex(port_of(alex_address));
  Relay to_sam(port_of(sam_address));
  ASSERT_TRUE(to_alex.listening() && to_sam.listening());
  const std::string code = invite(alex).value("code", "");
  ASSERT_FALSE(code.empty());
  ASSERT_EQ(cli_at(sam, {"pair", "join", "--peer", to_alex.address(), code}).exit_code, 0);
  ASSERT_EQ(cli_at(alex, {"peer", "address", to_sam.address()}).exit_code, 0);
  stop_daemon_at(sam);
  ASSERT_GT(start_daemon_at(sam, sam_address), 0);
  ASSERT_TRUE(wait_both_connected());

  const std::string note = "Quillfeather evening recharge";
  const std::string ritual = "Brightwater tea ceremony";
  const std::string journal = "Marzipanwolken uber Heidelbeerfeldern";
  ASSERT_EQ(cli_at(alex, {"journal", "add", journal}).exit_code, 0);
  ASSERT_EQ(cli_at(alex, {"space", "need", "--for", "2h", "--note", note}).exit_code, 0);
  auto proposed = json_of(alex, {"agree", "propose", "--ritual", ritual, "--note", "Saffronkettle"});
  ASSERT_FALSE(proposed.value("id", "").empty()) << proposed.dump();
  ASSERT_TRUE(eventually([&] {
    auto s = status_json(sam);
    return s.contains("partner_space") && s["partner_space"].value("note", "") == note &&
           agreement_state(sam, proposed.value("id", "")) == "AGREEMENT_STATE_PROPOSED";
  }, arrive_bound));
  ASSERT_EQ(cli_at(sam, {"space", "ack", "--note", "Lanternmoth kindness"}).exit_code, 0);
  ASSERT_EQ(cli_at(sam, {"checkin", "--mood", "4", "--note", "Gossamerpine"}).exit_code, 0);
  ASSERT_TRUE(eventually([&] { return !digest(alex).empty() && digest(alex) == digest(sam); }, arrive_bound));
  stop_daemon_at(alex);
  stop_daemon_at(sam);

  const std::string seen = to_alex.recorded() + to_sam.recorded();
  EXPECT_GT(seen.size(), 200U);
  const std::vector<std::string> secrets = {note, "Quillfeather", ritual, "Brightwater", journal, "Marzipanwolken",
                                           "Saffronkettle", "Lanternmoth", "Gossamerpine"};
  for (const auto& secret : secrets) {
    EXPECT_FALSE(contains(seen, secret)) << "the relay saw \"" << secret << "\" in the clear";
  }
  const auto paths = store::HomePaths::of(sam);
  for (const fs::path& file : {paths.database, fs::path(paths.database.string() + "-wal"), paths.key_file, paths.log}) {
    const std::string bytes = read_file(file);
    for (const auto& secret : std::vector<std::string>{journal, "Marzipanwolken", "Heidelbeer"}) {
      EXPECT_FALSE(contains(bytes, secret)) << file << " holds Alex's journal words";
    }
    for (const auto& secret : std::vector<std::string>{note, ritual}) {
      EXPECT_FALSE(contains(bytes, secret)) << file << " holds shared text in the clear";
    }
  }
}

}  // namespace
}  // namespace pairspace::itest
