// daemon_bench: real daemons on 127.0.0.1 with temporary homes, driven through the public
// CLI (docs/cli.md), each figure beside a floor measured by this program in the same run.
//
//   daemon_bench [--root DIR] [--cache DIR] [--only LIST] [--pairings N] [--signals N]
//                [--reconnects N] [--idle-seconds N] [--status-runs N] [--catchup N[,N...]]
//                [--journal N] [--journal-runs N]
//   LIST: comma-separated of pairing,signals,reconnect,idle,status,catchup,journal (default all)
//
// Prints Markdown. Every process it starts is killed and reaped on exit, on die() and on
// SIGINT/SIGTERM/SIGHUP (bench_proc.hpp). Opt-in (-DPAIRSPACE_BENCH=ON); scripts/bench.sh runs it.
#include <sys/syscall.h>

#include <iostream>
#include <map>
#include <set>

#include "bench_proc.hpp"
#include "daemon/lock_file.hpp"
#include "store/store.hpp"

namespace {

using namespace pairspace;
using namespace pairspace::bench;
using namespace std::chrono_literals;

constexpr auto command_limit = 60s;
constexpr auto event_limit = 10s;
constexpr auto connect_limit = 30s;
constexpr auto catchup_limit = 600s;
constexpr auto catchup_poll = 50ms;
constexpr int warmup_signals = 5;
constexpr int rtt_rounds = 5000;

struct Options {
  fs::path root;
  fs::path cache;
  std::set<std::string> only;
  int pairings = 20;
  int signals = 200;
  int reconnects = 10;
  int idle_seconds = 60;
  int status_runs = 300;
  std::vector<int> catchup{100'000};
  int journal = 100'000;
  int journal_runs = 20;
  bool wants(const std::string& part) const { return only.empty() || only.count(part) != 0; }
};

// One line of the summary table.
struct Figure {
  std::string what, median, p99, floor, target, verdict;
};

std::vector<Figure> g_summary;

std::string verdict(double value, double target) { return value < target ? "met" : "**missed**"; }

struct Device {
  std::string name;
  fs::path home;
  std::uint16_t port = 0;
  pid_t pid = -1;
  std::string address() const { return "127.0.0.1:" + std::to_string(port); }
};

std::uint16_t free_port() {
  std::uint16_t port = 0;
  const int fd = listen_loopback(port);
  if (fd < 0) die("no free port");
  ::close(fd);
  return port;
}

class Bench {
 public:
  explicit Bench(Options o) : m_o(std::move(o)), m_scratch(m_o.root / "scratch") {
    fs::create_directories(m_scratch);
  }

  void run_all();

 private:
  // ---- CLI helpers
  RunResult ps(const Device& d, std::vector<std::string> args, bool capture = true,
               std::chrono::milliseconds limit = command_limit) {
    std::vector<std::string> argv{m_cli, "--home", d.home.string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, m_scratch, capture, limit);
  }
  RunResult must_ps(const Device& d, std::vector<std::string> args) {
    auto r = ps(d, args);
    if (r.exit_code != 0) {
      std::string joined;
      for (const auto& a : args) joined += a + " ";
      die("`pairspace " + joined + "` on " + d.name + " exited " + std::to_string(r.exit_code) + ": " + r.err + r.out);
    }
    return r;
  }
  Device make_device(const std::string& dir, const std::string& name) {
    Device d{name, m_o.root / dir, free_port(), -1};
    must_ps(d, {"init", "--name", name});
    return d;
  }
  // `daemon start` on the device's fixed port; adopts the daemon's pid. Returns the CLI's ms.
  double start(Device& d) {
    auto r = must_ps(d, {"daemon", "start", "--listen", d.address()});
    auto st = must_ps(d, {"daemon", "status", "--json"});
    d.pid = std::atoi(json_field(st.out, "pid").c_str());
    if (d.pid <= 0) die("no daemon pid for " + d.name);
    track_child(d.pid);
    return r.ms;
  }
  void stop(Device& d) {
    if (d.pid <= 0) return;
    must_ps(d, {"daemon", "stop"});
    watchdog().guard(d.pid, 20s);
    ::waitpid(d.pid, nullptr, 0);
    watchdog().release();
    untrack_child(d.pid);
    d.pid = -1;
  }
  std::string status_json(const Device& d) { return must_ps(d, {"status", "--json"}).out; }
  bool connected(const Device& d) { return json_field(status_json(d), "partner_connected") == "true"; }
  bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds limit,
                  std::chrono::milliseconds every = 20ms) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(every);
    }
    return false;
  }
  // Invite on a, join on b. Returns {join CLI ms, join start -> both paired ms}.
  std::pair<double, double> pair(Device& a, Device& b) {
    Background invite({m_cli, "--home", a.home.string(), "pair", "invite", "--wait", "--json"});
    auto first = invite.next_line(event_limit);
    if (!first) die("pair invite printed no code");
    const std::string code = json_field(*first, "code");
    if (code.empty()) die("no code in: " + *first);
    const auto t0 = Clock::now();
    auto join = ps(b, {"pair", "join", "--peer", a.address(), code, "--json"});
    if (join.exit_code != 0) die("pair join failed: " + join.err);
    Clock::time_point invite_done;
    if (invite.finish(event_limit, &invite_done) != 0) die("pair invite --wait did not end paired");
    const double both = std::max(join.ms, to_ms(invite_done - t0));
    return {join.ms, both};
  }
  Device& main_a() { return m_a; }

  void floors();
  void pairing();
  void signals();
  void reconnect();
  void idle();
  void status();
  void catchup(int count);
  void journal();
  void summary();

  Options m_o;
  fs::path m_scratch;
  const std::string m_cli = std::string(PAIRSPACE_BIN_DIR) + "/pairspace";
  const std::string m_testgen = std::string(PAIRSPACE_BIN_DIR) + "/pairspace-testgen";
  Device m_a, m_b;  // the paired, running pair most parts use
  Stats m_rtt, m_true, m_status;
  int m_pair_count = 0;
};

std::string ms_cell(double v) { return fmt(v, v < 10 ? 2 : 1) + " ms"; }
std::string us_cell(double v) { return fmt(v, 1) + " µs"; }

void Bench::floors() {
  m_rtt = stats_of(loopback_round_trips(rtt_rounds));
  std::cout << "\n### Floors\n\n| floor | median | p99 | n |\n|---|---:|---:|---:|\n"
            << "| loopback TCP round trip, 64 B, TCP_NODELAY | " << us_cell(m_rtt.median) << " | "
            << us_cell(m_rtt.p99) << " | " << m_rtt.n << " |\n";
}

void Bench::pairing() {
  std::vector<double> join_ms, both_ms;
  for (int i = 0; i < m_o.pairings; ++i) {
    const std::string n = std::to_string(m_pair_count++);
    Device a = make_device("pa" + n, "Alex"), b = make_device("pb" + n, "Sam");
    start(a);
    start(b);
    auto [join, both] = pair(a, b);
    join_ms.push_back(join);
    both_ms.push_back(both);
    if (i + 1 == m_o.pairings) {
      m_a = a;
      m_b = b;
    } else {
      stop(a);
      stop(b);
      std::error_code ec;
      fs::remove_all(a.home, ec);
      fs::remove_all(b.home, ec);
    }
  }
  const Stats join = stats_of(join_ms), both = stats_of(both_ms);
  std::cout << "\n### Pairing: `pair join` start -> both devices paired\n\n"
            << "| measure | median | p99 | n |\n|---|---:|---:|---:|\n"
            << "| `pair join` CLI (spawn -> exit, joiner paired) | " << ms_cell(join.median) << " | "
            << ms_cell(join.p99) << " | " << join.n << " |\n"
            << "| both paired (inviter's `pair invite --wait` has exited too) | " << ms_cell(both.median)
            << " | " << ms_cell(both.p99) << " | " << both.n << " |\n";
  g_summary.push_back({"pairing: `pair join` start -> both paired", ms_cell(both.median), ms_cell(both.p99),
                       "`status` CLI round trip (see below)", "< 50 ms", verdict(both.median, 50)});
}

void Bench::signals() {
  if (!wait_until([&] { return connected(m_a) && connected(m_b); }, connect_limit, 100ms)) {
    die("the pair did not connect");
  }
  Background watch({m_cli, "--home", m_b.home.string(), "watch"});
  if (!watch.wait_for("Watching", event_limit)) die("watch did not start");
  std::vector<double> line_ms, cli_ms, cli_cpu;
  double a_cpu0 = 0, b_cpu0 = 0;
  for (int i = 0; i < m_o.signals + warmup_signals; ++i) {
    if (i == warmup_signals) {
      a_cpu0 = process_cpu_ms(m_a.pid);
      b_cpu0 = process_cpu_ms(m_b.pid);
    }
    const bool need = i % 2 == 0;
    std::vector<std::string> argv{m_cli, "--home", m_a.home.string(), "space"};
    if (need) {
      argv.insert(argv.end(), {"need", "--note", "a walk"});
    } else {
      argv.insert(argv.end(), {"end"});
    }
    const int null_in = open_null(O_RDONLY), null_out = open_null(O_WRONLY);
    const auto t0 = Clock::now();
    const pid_t pid = spawn(argv, null_in, null_out, null_out);
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    ::close(null_in);
    ::close(null_out);
    const std::string needle = need ? "asked for" : "is back";
    Clock::time_point line_at, exit_at;
    bool have_line = false, have_exit = false;
    const auto deadline = t0 + event_limit;
    while (!(have_line && have_exit) && Clock::now() < deadline) {
      while (!have_line) {
        Clock::time_point at;
        auto line = watch.take_line(&at);
        if (!line) break;
        if (line->find(needle) != std::string::npos) {
          have_line = true;
          line_at = at;
        }
      }
      if (have_line && have_exit) break;
      pollfd p[2] = {{have_line ? -1 : watch.fd(), POLLIN, 0}, {have_exit ? -1 : pidfd, POLLIN, 0}};
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (::poll(p, 2, static_cast<int>(std::max<long>(1, left.count()))) <= 0) continue;
      if (p[1].revents != 0) {
        exit_at = Clock::now();
        have_exit = true;
      }
      if (p[0].revents != 0 && !watch.pump()) die("B's watch ended");
    }
    int status = 0;
    rusage usage{};
    ::wait4(pid, &status, 0, &usage);
    untrack_child(pid);
    ::close(pidfd);
    if (!have_line) die("B's watch did not print the signal");
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die("space need/end failed");
    if (i >= warmup_signals) {
      line_ms.push_back(to_ms(line_at - t0));
      cli_ms.push_back(to_ms(exit_at - t0));
      cli_cpu.push_back(cpu_ms_of(usage));
    }
  }
  const double a_cpu = (process_cpu_ms(m_a.pid) - a_cpu0) / m_o.signals;
  const double b_cpu = (process_cpu_ms(m_b.pid) - b_cpu0) / m_o.signals;
  const Stats line = stats_of(line_ms), cli = stats_of(cli_ms), cpu = stats_of(cli_cpu);
  std::cout << "\n### Signal: `space need` on A -> the line printed by B's `pairspace watch`\n\n"
            << "| measure | median | p99 | n |\n|---|---:|---:|---:|\n"
            << "| `space need`/`space end` spawned on A -> B's watch line read | " << ms_cell(line.median) << " | "
            << ms_cell(line.p99) << " | " << line.n << " |\n"
            << "| the same CLI's own exit (it waits for B's delivery receipt) | " << ms_cell(cli.median) << " | "
            << ms_cell(cli.p99) << " | " << cli.n << " |\n"
            << "| floor: loopback TCP round trip (64 B, same program) | " << us_cell(m_rtt.median) << " | "
            << us_cell(m_rtt.p99) << " | " << m_rtt.n << " |\n"
            << "\nCPU per signal: the `space` CLI " << ms_cell(cpu.median) << " (median), A's daemon "
            << ms_cell(a_cpu) << ", B's daemon " << ms_cell(b_cpu)
            << " (mean; it includes the CLI's status requests while it waits for the receipt).\n";
  g_summary.push_back({"signal: `space need` -> B's `watch` line", ms_cell(line.median), ms_cell(line.p99),
                       "loopback RTT " + us_cell(m_rtt.median), "< 10 ms", verdict(line.median, 10)});
}

void Bench::reconnect() {
  Background watch({m_cli, "--home", m_a.home.string(), "watch"});
  if (!watch.wait_for("Watching", event_limit)) die("watch did not start");
  std::vector<double> answering, connect_ms, synced_ms;
  for (int i = 0; i < m_o.reconnects; ++i) {
    stop(m_b);
    if (!watch.wait_for("paused", event_limit)) die("A did not notice B going away");
    const auto t0 = Clock::now();
    answering.push_back(start(m_b));
    Clock::time_point connected_at;
    if (!watch.wait_for("are connected", connect_limit, &connected_at)) die("B did not reconnect");
    connect_ms.push_back(to_ms(connected_at - t0));
    const bool synced = wait_until(
        [&] {
          const auto ja = status_json(m_a), jb = status_json(m_b);
          return json_field(ja, "partner_connected") == "true" && json_field(jb, "partner_connected") == "true" &&
                 json_field(ja, "state_digest") == json_field(jb, "state_digest");
        },
        connect_limit, 0ms);
    if (!synced) die("the pair did not sync after a restart");
    synced_ms.push_back(to_ms(Clock::now() - t0));
  }
  const Stats ans = stats_of(answering), conn = stats_of(connect_ms), syn = stats_of(synced_ms);
  std::cout << "\n### Reconnect: restart B's daemon -> both connected and synced\n\n"
            << "| measure (from `pairspace daemon start` on B) | median | p99 | n |\n|---|---:|---:|---:|\n"
            << "| `daemon start` returned (B's daemon answers) | " << ms_cell(ans.median) << " | " << ms_cell(ans.p99)
            << " | " << ans.n << " |\n"
            << "| A's `watch` prints \"connected\" | " << ms_cell(conn.median) << " | " << ms_cell(conn.p99) << " | "
            << conn.n << " |\n"
            << "| both `status --json` connected with equal state_digest (polled back to back) | "
            << ms_cell(syn.median) << " | " << ms_cell(syn.p99) << " | " << syn.n << " |\n"
            << "| floor: `pairspace status` CLI round trip (two per poll) | see CLI below | | |\n";
  g_summary.push_back({"reconnect: daemon restart -> A's watch \"connected\"", ms_cell(conn.median),
                       ms_cell(conn.p99), "`daemon start` alone " + ms_cell(ans.median), "-", "-"});
}

void Bench::idle() {
  if (!wait_until([&] { return connected(m_a) && connected(m_b); }, connect_limit, 100ms)) {
    die("the pair is not connected before the idle minute");
  }
  const long a0 = context_switches(m_a.pid), b0 = context_switches(m_b.pid);
  std::this_thread::sleep_for(std::chrono::seconds(m_o.idle_seconds));
  const long a1 = context_switches(m_a.pid), b1 = context_switches(m_b.pid);
  const double per_minute = 60.0 / m_o.idle_seconds;
  std::cout << "\n### Idle: paired, connected, no clients, after " << m_o.idle_seconds << " s\n\n"
            << "| daemon | VmRSS | RssAnon | VmHWM | threads | wake-ups / min |\n|---|---:|---:|---:|---:|---:|\n";
  double worst_rss = 0, worst_wake = 0;
  for (const auto* d : {&m_a, &m_b}) {
    const long rss = proc_status_field(d->pid, "VmRSS");
    const double wake = static_cast<double>(d == &m_a ? a1 - a0 : b1 - b0) * per_minute;
    worst_rss = std::max(worst_rss, static_cast<double>(rss) / 1024.0);
    worst_wake = std::max(worst_wake, wake);
    std::cout << "| " << d->name << " | " << fmt(static_cast<double>(rss) / 1024.0, 2) << " MB | "
              << fmt(static_cast<double>(proc_status_field(d->pid, "RssAnon")) / 1024.0, 2) << " MB | "
              << fmt(static_cast<double>(proc_status_field(d->pid, "VmHWM")) / 1024.0, 2) << " MB | "
              << proc_status_field(d->pid, "Threads") << " | " << fmt(wake, 1) << " |\n";
  }
  std::cout << "\n(wake-ups: voluntary + nonvoluntary context switches of every thread over the minute.)\n";
  g_summary.push_back({"idle RSS (larger of the two daemons)", fmt(worst_rss, 2) + " MB", "-", "-", "< 10 MB",
                       verdict(worst_rss, 10)});
  g_summary.push_back({"idle wake-ups per minute (larger)", fmt(worst_wake, 1), "-", "-", "-", "-"});
}

void Bench::status() {
  std::vector<double> t_true, t_status, cpu_status;
  double daemon_cpu0 = 0;
  for (int i = 0; i < m_o.status_runs + 10; ++i) {  // interleaved: both see the same noise
    if (i == 10) daemon_cpu0 = process_cpu_ms(m_a.pid);
    auto f = run({"/bin/true"}, m_scratch, false);
    auto s = ps(m_a, {"status"}, false);
    if (s.exit_code != 0) die("status failed");
    if (i >= 10) {
      t_true.push_back(f.ms);
      t_status.push_back(s.ms);
      cpu_status.push_back(s.cpu_ms);
    }
  }
  const double daemon_cpu = (process_cpu_ms(m_a.pid) - daemon_cpu0) / m_o.status_runs;
  const Stats cpu = stats_of(cpu_status);
  m_true = stats_of(t_true);
  m_status = stats_of(t_status);
  std::cout << "\n### CLI: `pairspace status` against a running, paired daemon\n\n"
            << "| measure | median | p99 | n |\n|---|---:|---:|---:|\n"
            << "| `pairspace status` (spawn -> reaped, output to /dev/null) | " << ms_cell(m_status.median) << " | "
            << ms_cell(m_status.p99) << " | " << m_status.n << " |\n"
            << "| floor: `/bin/true` (process start, same loop) | " << ms_cell(m_true.median) << " | "
            << ms_cell(m_true.p99) << " | " << m_true.n << " |\n"
            << "\nCPU per call: the CLI " << ms_cell(cpu.median) << " (median, user + system), the daemon "
            << ms_cell(daemon_cpu) << " (mean). The rest of the wall time is process creation, the "
               "dynamic loader's page faults and waiting to be scheduled.\n";
  g_summary.push_back({"CLI: `pairspace status`", ms_cell(m_status.median), ms_cell(m_status.p99),
                       "`/bin/true` " + ms_cell(m_true.median), "< 10 ms", verdict(m_status.median, 10)});
}

void Bench::catchup(int count) {
  const std::string n = std::to_string(m_pair_count++);
  Device a = make_device("ca" + n, "Alex"), b = make_device("cb" + n, "Sam");
  start(a);
  start(b);
  pair(a, b);
  if (!wait_until([&] { return connected(a) && connected(b); }, connect_limit, 100ms)) die("catch-up pair not connected");
  stop(b);
  stop(a);
  auto gen = run({m_testgen, "ops", "--home", a.home.string(), "--count", std::to_string(count)}, m_scratch, true, 600s);
  if (gen.exit_code != 0) die("testgen ops failed: " + gen.err);
  auto dig = run({m_testgen, "digest", "--home", a.home.string()}, m_scratch, true);
  if (dig.exit_code != 0) die("testgen digest failed: " + dig.err);
  const std::string want = dig.out.substr(7, 64);  // "digest HEX"
  start(a);
  const long a_start_rss = proc_status_field(a.pid, "VmRSS");
  const auto t0 = Clock::now();
  start(b);
  const long b_start_rss = proc_status_field(b.pid, "VmRSS");
  std::vector<std::pair<double, long>> curve;  // (s, B's VmRSS kB)
  bool done = false;
  while (Clock::now() - t0 < catchup_limit) {
    const auto got = json_field(status_json(b), "state_digest");
    curve.emplace_back(std::chrono::duration<double>(Clock::now() - t0).count(), proc_status_field(b.pid, "VmRSS"));
    if (got == want) {
      done = true;
      break;
    }
    std::this_thread::sleep_for(catchup_poll);
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!done) die("B did not catch up within the limit");
  const double rate = count / seconds;
  const auto mb = [](long kb) { return fmt(static_cast<double>(kb) / 1024.0, 1) + " MB"; };
  std::cout << "\n### Catch-up: " << count << " ops written by A while B was stopped\n\n"
            << "`pairspace-testgen ops` took " << fmt(gen.ms / 1000.0, 1)
            << " s. Both daemons started on their fixed ports; clock from `daemon start` on B to B's "
               "`status --json` state_digest equal to A's (polled every "
            << catchup_poll.count() << " ms).\n\n"
            << "| measure | value |\n|---|---:|\n"
            << "| time to converge | " << fmt(seconds, 2) << " s |\n"
            << "| **ops/s** | " << fmt(rate, 0) << " |\n"
            << "| B VmRSS just after start | " << mb(b_start_rss) << " |\n"
            << "| B VmHWM (peak) after catch-up | " << mb(proc_status_field(b.pid, "VmHWM")) << " |\n"
            << "| B VmRSS after catch-up | " << mb(proc_status_field(b.pid, "VmRSS")) << " |\n"
            << "| A VmRSS just after start (holding the backlog) | " << mb(a_start_rss) << " |\n"
            << "| A VmHWM after catch-up | " << mb(proc_status_field(a.pid, "VmHWM")) << " |\n";
  std::cout << "\nB's VmRSS while catching up (s: MB): ";
  const std::size_t step = std::max<std::size_t>(1, curve.size() / 12);
  for (std::size_t i = 0; i < curve.size(); i += step) {
    std::cout << fmt(curve[i].first, 1) << ": " << fmt(static_cast<double>(curve[i].second) / 1024.0, 1) << (i + step < curve.size() ? ", " : "");
  }
  std::cout << "\n";
  g_summary.push_back({"catch-up " + std::to_string(count) + " ops: ops/s (B's peak RSS)",
                       fmt(rate, 0) + " ops/s", "-", "B peak " + mb(proc_status_field(b.pid, "VmHWM")),
                       ">= 50 000 ops/s, flat memory", rate >= 50'000 ? "met" : "**missed**"});
  stop(b);
  stop(a);
  std::error_code ec;
  fs::remove_all(a.home, ec);
  fs::remove_all(b.home, ec);
}

void Bench::journal() {
  const fs::path home = m_o.cache / ("journal-" + std::to_string(m_o.journal));
  Device j{"Journal", home, free_port(), -1};
  if (!fs::exists(home / "filled")) {
    std::error_code ec;
    fs::remove_all(home, ec);
    fs::create_directories(m_o.cache);
    must_ps(j, {"init", "--name", "Journal"});
    std::cout << "\n(filling " << m_o.journal << " journal entries once, cached in " << home.string() << ")\n";
    auto gen = run({m_testgen, "journal", "--home", home.string(), "--count", std::to_string(m_o.journal)},
                   m_scratch, true, 3600s);
    if (gen.exit_code != 0) die("testgen journal failed: " + gen.err);
    std::ofstream(home / "filled") << m_o.journal << "\n";
  }
  start(j);
  std::vector<double> list_ms, status_ms, list_cpu;
  std::size_t lines = 0;
  double daemon_cpu0 = 0;
  for (int i = 0; i < m_o.journal_runs + 2; ++i) {
    if (i == 2) daemon_cpu0 = process_cpu_ms(j.pid);
    auto r = ps(j, {"journal", "list", "--grep", "needle"}, true, 120s);
    if (r.exit_code != 0) die("journal list failed: " + r.err);
    lines = static_cast<std::size_t>(std::count(r.out.begin(), r.out.end(), '\n'));
    auto s = ps(j, {"status"}, false);
    if (i >= 2) {
      list_ms.push_back(r.ms);
      status_ms.push_back(s.ms);
      list_cpu.push_back(r.cpu_ms);
    }
  }
  const double daemon_cpu = (process_cpu_ms(j.pid) - daemon_cpu0) / m_o.journal_runs;
  stop(j);
  // The store alone, in this process (the daemon is stopped; its lock is taken as it would).
  std::vector<double> store_ms;
  std::size_t found = 0;
  {
    const auto paths = store::HomePaths::of(home);
    auto lock = daemon::LockFile::acquire(paths.lock, paths.home);
    if (!lock) die("journal home lock: " + lock.error().message);
    auto st = store::Store::open(paths);
    if (!st) die("journal store: " + st.error().message);
    for (int i = 0; i < 5; ++i) {
      const auto t0 = Clock::now();
      auto entries = (*st)->journal_list("needle", std::nullopt);
      store_ms.push_back(to_ms(Clock::now() - t0));
      if (!entries) die("journal_list: " + entries.error().message);
      found = entries->size();
    }
  }
  const Stats list = stats_of(list_ms), status_rt = stats_of(status_ms), store_only = stats_of(store_ms),
              cli_cpu = stats_of(list_cpu);
  std::cout << "\n### Store: `pairspace journal list --grep needle` over " << m_o.journal << " entries\n\n"
            << "It prints " << lines << " lines (" << found << " entries match).\n\n"
            << "| measure | median | p99 | n |\n|---|---:|---:|---:|\n"
            << "| `journal list --grep needle` (CLI, spawn -> reaped) | " << ms_cell(list.median) << " | "
            << ms_cell(list.p99) << " | " << list.n << " |\n"
            << "| the store alone: Store::journal_list in process (open each entry, match) | "
            << ms_cell(store_only.median) << " | " << ms_cell(store_only.p99) << " | " << store_only.n << " |\n"
            << "| floor: `pairspace status` against the same daemon | " << ms_cell(status_rt.median) << " | "
            << ms_cell(status_rt.p99) << " | " << status_rt.n << " |\n"
            << "\nCPU per `journal list`: the daemon " << ms_cell(daemon_cpu) << " (mean, with one `status`), the CLI "
            << ms_cell(cli_cpu.median) << " (median).\n";
  g_summary.push_back({"store: `journal list --grep` over " + std::to_string(m_o.journal), ms_cell(list.median),
                       ms_cell(list.p99), "store alone " + ms_cell(store_only.median) + "; `status` " +
                       ms_cell(status_rt.median), "-", "-"});
}

void Bench::summary() {
  std::cout << "\n### Summary\n\n| figure | median | p99 | floor (same run) | target | |\n|---|---:|---:|---|---|---|\n";
  for (const auto& f : g_summary) {
    std::cout << "| " << f.what << " | " << f.median << " | " << f.p99 << " | " << f.floor << " | " << f.target
              << " | " << f.verdict << " |\n";
  }
}

void Bench::run_all() {
  std::cout << "## daemon_bench\n";
  floors();
  const bool need_pair = m_o.wants("pairing") || m_o.wants("signals") || m_o.wants("reconnect") ||
                         m_o.wants("idle") || m_o.wants("status");
  if (need_pair) {
    if (!m_o.wants("pairing")) m_o.pairings = 1;
    pairing();
    if (!m_o.wants("pairing")) g_summary.pop_back();
  }
  if (m_o.wants("signals")) signals();
  if (m_o.wants("reconnect")) reconnect();
  if (m_o.wants("idle")) idle();
  if (m_o.wants("status")) status();
  if (need_pair) {
    stop(m_a);
    stop(m_b);
  }
  if (m_o.wants("catchup")) {
    for (int count : m_o.catchup) catchup(count);
  }
  if (m_o.wants("journal")) journal();
  const Stats rtt_after = stats_of(loopback_round_trips(rtt_rounds));
  std::cout << "\n(loopback round trip again at the end: median " << us_cell(rtt_after.median) << ", p99 "
            << us_cell(rtt_after.p99) << ")\n";
  summary();
}

std::vector<int> parse_list(const std::string& text) {
  std::vector<int> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const int v = std::atoi(item.c_str());
    if (v <= 0) die("bad number in list: " + text);
    out.push_back(v);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  install_cleanup();
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    auto number = [&] {
      const int v = std::atoi(value.c_str());
      if (v <= 0) die("bad value for " + flag);
      return v;
    };
    if (flag == "--root") o.root = value;
    else if (flag == "--cache") o.cache = value;
    else if (flag == "--only") {
      std::stringstream in(value);
      std::string item;
      while (std::getline(in, item, ',')) o.only.insert(item);
    } else if (flag == "--pairings") o.pairings = number();
    else if (flag == "--signals") o.signals = number();
    else if (flag == "--reconnects") o.reconnects = number();
    else if (flag == "--idle-seconds") o.idle_seconds = number();
    else if (flag == "--status-runs") o.status_runs = number();
    else if (flag == "--catchup") o.catchup = parse_list(value);
    else if (flag == "--journal") o.journal = number();
    else if (flag == "--journal-runs") o.journal_runs = number();
    else die("unknown flag " + flag);
  }
  if ((argc - 1) % 2 != 0) die("flags take one value each");
  bool own_root = false;
  if (o.root.empty()) {
    char tmpl[] = "/tmp/psbench-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) die("mkdtemp");
    o.root = tmpl;
    own_root = true;
  }
  if (o.cache.empty()) o.cache = o.root / "cache";
  fs::create_directories(o.root);
  fs::permissions(o.root, fs::perms::owner_all, fs::perm_options::replace);
  {
    Bench bench(o);
    bench.run_all();
  }
  kill_children();
  if (own_root) {
    std::error_code ec;
    fs::remove_all(o.root, ec);
  }
  return 0;
}
