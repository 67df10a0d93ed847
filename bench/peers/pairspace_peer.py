"""pairspace itself: pairing time, signal latency to the partner's `watch`, idle RSS."""

import json
import os
import subprocess
import time

from procs import BenchError, LineReader, tree_context_switches, tree_rss_kib
from report import Series

CLI_TIMEOUT_S = 30.0
PAIR_TIMEOUT_S = 30.0
SIGNAL_TIMEOUT_S = 10.0
CONNECT_TIMEOUT_S = 30.0
WATCH_SETTLE_S = 0.5  # lets `watch` subscribe before the first signal
BETWEEN_SIGNALS_S = 0.2


class Device:
    def __init__(self, bin_dir, home, name, ledger, env):
        self.cli = os.path.join(bin_dir, "pairspace")
        self.home, self.name, self.ledger, self.env = home, name, ledger, env
        self.pid = None

    def run(self, *args, json_out=False, check=True):
        argv = [self.cli, "--home", self.home] + (["--json"] if json_out else []) + list(args)
        p = subprocess.run(argv, capture_output=True, text=True, timeout=CLI_TIMEOUT_S,
                           env=self.env, stdin=subprocess.DEVNULL)
        if check and p.returncode != 0:
            raise BenchError(f"`pairspace {' '.join(args)}` on {self.name} exited "
                             f"{p.returncode}: {p.stderr.strip() or p.stdout.strip()}")
        if json_out and p.returncode == 0:
            return json.loads(p.stdout)
        return p

    def start(self):
        self.run("init", "--name", self.name)
        self.run("daemon", "start", "--listen", "127.0.0.1:0")
        status = self.run("daemon", "status", json_out=True)
        self.pid = int(status["pid"])
        self.ledger.adopt(self.pid)
        return status["listen_address"]

    def stop(self):
        if self.pid is not None:
            self.run("daemon", "stop", check=False)
            self.pid = None

    def popen(self, *args, log_name):
        argv = [self.cli, "--home", self.home, "--json"] + list(args)
        return self.ledger.spawn(argv, log_name, env=self.env, stdout=subprocess.PIPE)


def _pair_once(tmp, bin_dir, ledger, env, trial):
    a = Device(bin_dir, os.path.join(tmp, f"ps-a{trial}"), "Alex", ledger, env)
    b = Device(bin_dir, os.path.join(tmp, f"ps-b{trial}"), "Sam", ledger, env)
    address = a.start()
    b.start()
    invite = a.popen("pair", "invite", "--wait", log_name=f"pairspace-invite{trial}.log")
    reader = LineReader(invite.stdout)
    _, first = reader.wait_for(lambda line: '"code"' in line, CLI_TIMEOUT_S)
    if first is None:
        raise BenchError("`pair invite --wait` printed no code; its log is kept with "
                         "--keep-logs DIR.")
    code = json.loads(first[1])["code"]
    t0 = time.perf_counter()
    join = subprocess.run([b.cli, "--home", b.home, "--json", "pair", "join", "--peer", address,
                           code], capture_output=True, text=True, timeout=PAIR_TIMEOUT_S, env=env,
                          stdin=subprocess.DEVNULL)
    t_join = time.perf_counter()
    invite.wait(timeout=PAIR_TIMEOUT_S)
    t_invite = time.perf_counter()  # invite --wait returns once A has stored the partner
    if join.returncode != 0 or invite.returncode != 0:
        raise BenchError(f"pairing did not complete (join exit {join.returncode}, invite exit "
                         f"{invite.returncode}): {join.stderr.strip()}")
    seen_by_a = a.run("peer", json_out=True)
    seen_by_b = b.run("peer", json_out=True)
    if seen_by_a["safety_number"] != seen_by_b["safety_number"]:
        raise BenchError("the two devices show different safety numbers after pairing.")
    return a, b, (max(t_join, t_invite) - t0) * 1000.0, (t_join - t0) * 1000.0


def _wait_connected(a, b):
    deadline = time.monotonic() + CONNECT_TIMEOUT_S
    while time.monotonic() < deadline:
        if a.run("peer", json_out=True).get("connected") and \
           b.run("peer", json_out=True).get("connected"):
            return
        time.sleep(0.1)
    raise BenchError("the paired daemons did not connect within 30 s.")


def _signal_trials(a, b, trials, s_need, s_end, s_cli):
    watch = b.popen("watch", log_name="pairspace-watch.log")
    reader = LineReader(watch.stdout)
    time.sleep(WATCH_SETTLE_S)
    seen = 0
    for i in range(trials):
        for verb, series in (("need", s_need), ("end", s_end)):
            note = f"bench-{verb}-{i}"
            t0 = time.perf_counter()
            a.run("space", verb, "--note", note)
            t_cli = time.perf_counter()
            idx, hit = reader.wait_for(lambda line, n=note: '"partner_status"' in line and
                                       f'"{n}"' in line, SIGNAL_TIMEOUT_S, seen)
            if hit is None:
                raise BenchError(f"B's watch did not show `space {verb}` within 10 s.")
            seen = idx + 1
            series.add((hit[0] - t0) * 1000.0)
            if verb == "need":
                s_cli.add((t_cli - t0) * 1000.0)
            time.sleep(BETWEEN_SIGNALS_S)
    watch.terminate()
    watch.wait(timeout=CLI_TIMEOUT_S)


def run(tmp, bin_dir, ledger, env, trials, idle_seconds, log):
    s = {
        "pair": Series("pairspace: `pair join` start → both devices paired", "ms"),
        "join": Series("pairspace: `pair join` wall time (B's side only)", "ms"),
        "need": Series("pairspace: `space need` start → line on B's `watch`", "ms"),
        "end": Series("pairspace: `space end` start → line on B's `watch`", "ms"),
        "cli": Series("pairspace: `space need` wall time (returns once delivered)", "ms"),
        "rss": Series("pairspace: idle RSS of one pairspaced", "MB"),
        "wake": Series("pairspace: context switches per minute, one idle pairspaced", "/min"),
    }
    kept = None
    for i in range(trials):
        a, b, both_ms, join_ms = _pair_once(tmp, bin_dir, ledger, env, i)
        s["pair"].add(both_ms)
        s["join"].add(join_ms)
        log(f"  pairing {i + 1}/{trials}: {both_ms:.1f} ms")
        if kept:
            for d in kept:
                d.stop()
        kept = (a, b)
    a, b = kept
    _wait_connected(a, b)
    _signal_trials(a, b, trials, s["need"], s["end"], s["cli"])
    log(f"  signals: space need median {s['need'].median_text()}, "
        f"space end median {s['end'].median_text()}")
    log(f"  idling {idle_seconds:g} s before reading RSS")
    before = {d.pid: tree_context_switches(d.pid) for d in (a, b)}
    time.sleep(idle_seconds)
    for d in (a, b):
        kib, _ = tree_rss_kib(d.pid)
        s["rss"].add(kib / 1024.0)
        s["wake"].add((tree_context_switches(d.pid) - before[d.pid]) * 60.0 / idle_seconds)
    if not (a.run("peer", json_out=True).get("connected")):
        raise BenchError("the paired daemons were no longer connected after idling.")
    for d in (a, b):
        d.stop()
    return s


def version(bin_dir):
    try:
        p = subprocess.run([os.path.join(bin_dir, "pairspace"), "--version"], capture_output=True,
                           text=True, timeout=CLI_TIMEOUT_S)
        return p.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"
