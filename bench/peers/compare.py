"""Side-by-side run: pairspace, Syncthing and magic-wormhole on loopback, one report.

Started by bench/compare-peers.sh, which installs the peers, makes the temp dir and cleans up;
run that script rather than this file.
"""

import argparse
import datetime
import os
import signal
import sys

import pairspace_peer
import syncthing_peer
import wormhole_peer
from procs import BenchError, Ledger
from report import Series, machine_lines, markdown

PEER_PACKAGES = ["syncthing", "magic-wormhole", "python3-magic-wormhole-mailbox-server",
                 "magic-wormhole-transit-relay", "wormhole-william"]
SYNCTHING_DEFAULT_DELAY_S = 10
SYNCTHING_MIN_DELAY_S = 1


def log(message):
    print(message, file=sys.stderr, flush=True)


def on_stop_request(*_):
    log("compare-peers: asked to stop; stopping everything this run started.")
    sys.exit(130)


def parse_args():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--tmp", required=True)
    p.add_argument("--bin", required=True)
    p.add_argument("--trials", type=int, required=True)
    p.add_argument("--idle-seconds", type=float, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--command", required=True)
    return p.parse_args()


def child_env(tmp):
    """The peers get a home of their own inside the temp dir, so nothing lands in ~."""
    home = os.path.join(tmp, "home")
    os.makedirs(home, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAIRSPACE_", "XDG_"))}
    env.update(HOME=home, XDG_CONFIG_HOME=f"{home}/.config", XDG_DATA_HOME=f"{home}/.local",
               XDG_CACHE_HOME=f"{home}/.cache", XDG_STATE_HOME=f"{home}/.state",
               LC_ALL="C.UTF-8")
    return env


def load_average():
    try:
        with open("/proc/loadavg", encoding="utf-8") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def build_report(args, ps, wh, st_delay, st_other, when, loads):
    rows = [
        ("pairing: code typed on the other device → secure channel (pairspace: `pair join` "
         "start → both paired)", ps["pair"], wh["python"], "magic-wormhole, Python"),
        ("pairing, as above", ps["pair"], wh["go"], "wormhole-william, Go"),
        ("A→B change: pairspace `space need` → B's `watch` line; Syncthing 100-B file, "
         "watcher delay 10 s (default)", ps["need"], st_delay[SYNCTHING_DEFAULT_DELAY_S],
         "Syncthing"),
        ("A→B change, as above, Syncthing watcher delay 1 s (minimum)", ps["need"],
         st_delay[SYNCTHING_MIN_DELAY_S], "Syncthing"),
        ("A→B change: pairspace `space end` → B's `watch` line; Syncthing at 1 s",
         ps["end"], st_delay[SYNCTHING_MIN_DELAY_S], "Syncthing"),
        (f"idle RSS of one instance after {args.idle_seconds:g} s idle, paired and connected "
         "(process tree)", ps["rss"], st_other["rss"], "Syncthing, monitor + worker"),
        ("wake-ups while idle: context switches per minute, all threads",
         ps["wake"], st_other["wake"], "Syncthing"),
    ]
    extras = [
        ("`space need` wall time on A (the command returns once B's device has confirmed "
         "it)",
         ps["cli"].median_text()),
        ("`pair join` wall time on B alone", ps["join"].median_text()),
        ("magic-wormhole mailbox server RSS", wh["mailbox_rss"].median_text()),
        ("wormhole sender start → both clients exited (Python / Go)",
         f"{wh['python_total'].median_text()} / {wh['go_total'].median_text()}"),
        ("Syncthing processes per instance (monitor + worker)", str(st_other.get("procs", "?"))),
        ("RSS of both instances (pairspace / Syncthing)",
         f"{', '.join(ps['rss'].fmt(v) for v in ps['rss'].values)} / "
         f"{', '.join(st_other['rss'].fmt(v) for v in st_other['rss'].values)}"),
    ]
    details = [ps["pair"], ps["join"], wh["python"], wh["go"], wh["python_total"],
               wh["go_total"], ps["need"], ps["end"], ps["cli"],
               st_delay[SYNCTHING_DEFAULT_DELAY_S], st_delay[SYNCTHING_MIN_DELAY_S],
               ps["rss"], st_other["rss"], ps["wake"], st_other["wake"]]
    machine = machine_lines(PEER_PACKAGES, pairspace_peer.version(args.bin)) + [
        f"- {syncthing_peer.version()}",
        f"- load average (1, 5, 15 min) at start: {loads[0]}; at end: {loads[1]} "
        "(other work on the machine slows every column alike only roughly)"]
    notes = [
        "Everything on 127.0.0.1, in one temp dir removed at the end; each peer with a HOME "
        "of its own there; all logs to files in that dir.",
        "Syncthing: two instances with separate `--home`s, `generate --no-default-folder`, "
        "then before the first start: listen on tcp://127.0.0.1 only; global and local "
        "discovery, relays, NAT, crash reports, usage reports (urAccepted −1), upgrades, "
        "STUN, LAN-address announcing all off. Devices introduced and the sendreceive folder "
        "shared through the REST API; rescan interval 3600 s, so only the watcher triggers. "
        "A trial writes 100 bytes to a new file on A and polls B every 2 ms until the file "
        "has the same bytes.",
        "magic-wormhole: own mailbox server and transit relay (`twist3`) on loopback; the "
        "receiver starts first, and once it holds a connection to the mailbox server (read "
        "from /proc) and 0.3 s more for its claim, the sender starts, so that only the "
        "sender's start-up is on the clock; the clock runs from the sender's start to the "
        "text on the receiver's stdout. Python client with `--no-listen` and the local transit "
        "helper; text never uses transit.",
        "pairspace: fresh homes per pairing trial (`init`, `daemon start --listen "
        "127.0.0.1:0`); A runs `pair invite --wait --json`, B runs `pair join --peer ADDR "
        "CODE`; the clock runs from the join's start until both commands have returned "
        "(the invite returns once A has stored the partner), and the safety numbers are "
        "checked equal. The last pair stays up for the signals: B runs `watch --json`, A "
        "runs `space need --note X` then `space end --note Y`; the clock runs from the "
        "command's start to the matching line on B's watch stdout.",
        "Idle: RSS is the sum of VmRSS over the process tree; wake-ups are the voluntary + "
        "involuntary context switches of every thread over the idle window, per minute.",
    ]
    return markdown("pairspace beside the peers users would pick instead", when,
                    args.command, rows, extras, details, machine, notes)


def main():
    args = parse_args()
    ledger = Ledger(args.tmp)
    signal.signal(signal.SIGTERM, on_stop_request)
    env = child_env(args.tmp)
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M")
    load_at_start = load_average()
    try:
        log("pairspace: pairing, signals, idle")
        ps = pairspace_peer.run(args.tmp, args.bin, ledger, env, args.trials,
                                args.idle_seconds, log)
        log("magic-wormhole: mailbox server and transit relay on loopback")
        wh = wormhole_peer.run(args.tmp, ledger, env, args.trials, log)
        log("Syncthing: two instances, one shared folder")
        st_delay = {d: Series(f"Syncthing: 100-B file A→B, watcher delay {d} s", "ms")
                    for d in (SYNCTHING_DEFAULT_DELAY_S, SYNCTHING_MIN_DELAY_S)}
        st_other = {"rss": Series("Syncthing: idle RSS of one instance (monitor + worker)",
                                  "MB"),
                    "wake": Series("Syncthing: context switches per minute, one idle "
                                   "instance", "/min")}
        syncthing_peer.run(args.tmp, ledger, env, args.trials, args.idle_seconds, st_delay,
                           st_other, log)
    except BenchError as e:
        log(f"compare-peers: {e}")
        return 1
    except KeyboardInterrupt:
        log("compare-peers: interrupted; stopping everything it started.")
        return 130
    finally:
        ledger.stop_all()
    text = build_report(args, ps, wh, st_delay, st_other, when, (load_at_start, load_average()))
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(text)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
