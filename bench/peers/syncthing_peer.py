"""Syncthing: two instances on loopback sharing one folder; a 100-byte file written on A until
it is on B with equal content, at the watcher's default delay and at its minimum; idle RSS."""

import json
import os
import secrets
import subprocess
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

from procs import BenchError, free_port, tree_context_switches, tree_rss_kib

FOLDER_ID = "pairspace-bench"
FILE_BYTES = 100
REST_TIMEOUT_S = 10.0
START_TIMEOUT_S = 60.0
CONNECT_TIMEOUT_S = 90.0  # a first dial can sit in a redial backoff for ~20 s
IDLE_TIMEOUT_S = 60.0
ARRIVE_TIMEOUT_S = 60.0
POLL_S = 0.002  # how often B's folder is looked at while waiting for the file
WATCHER_SETTLE_S = 2.0  # after a folder (re)start, before the first write
BETWEEN_TRIALS_S = 1.5

# Every discovery, relay, NAT, upgrade and reporting feature off, before the first start.
QUIET_OPTIONS = {
    "globalAnnounceEnabled": "false", "localAnnounceEnabled": "false",
    "relaysEnabled": "false", "natEnabled": "false", "crashReportingEnabled": "false",
    "urAccepted": "-1", "autoUpgradeIntervalH": "0", "stunKeepaliveStartS": "0",
    "globalAnnounceServer": "", "stunServer": "", "releasesURL": "",
    "announceLANAddresses": "false", "startBrowser": "false",
}


class Instance:
    def __init__(self, tmp, name, ledger, env):
        self.name, self.ledger = name, ledger
        self.home = os.path.join(tmp, f"syncthing-{name}")
        self.folder = os.path.join(tmp, f"syncthing-{name}-folder")
        self.env = dict(env, STNODEFAULTFOLDER="1", STNOUPGRADE="1")
        self.gui_port, self.sync_port = free_port(), free_port()
        self.key = secrets.token_hex(16)
        self.proc, self.device_id = None, None

    def configure(self):
        subprocess.run(["syncthing", "generate", f"--home={self.home}", "--no-default-folder"],
                       check=True, capture_output=True, timeout=START_TIMEOUT_S, env=self.env)
        path = os.path.join(self.home, "config.xml")
        tree = ET.parse(path)
        options = tree.getroot().find("options")
        for listen in options.findall("listenAddress"):
            options.remove(listen)
        ET.SubElement(options, "listenAddress").text = f"tcp://127.0.0.1:{self.sync_port}"
        for key, value in QUIET_OPTIONS.items():
            found = options.findall(key) or [ET.SubElement(options, key)]
            for el in found:
                el.text = value
        gui = tree.getroot().find("gui")
        gui.find("address").text = f"127.0.0.1:{self.gui_port}"
        gui.find("apikey").text = self.key
        tree.write(path)
        os.makedirs(os.path.join(self.folder, ".stfolder"), exist_ok=True)

    def start(self):
        self.proc = self.ledger.spawn(
            ["syncthing", "serve", f"--home={self.home}", "--no-browser", "--no-restart",
             "--no-upgrade", f"--gui-address=http://127.0.0.1:{self.gui_port}",
             f"--gui-apikey={self.key}",
             f"--logfile={self.ledger.logs}/syncthing-{self.name}-logfile.log"],
            f"syncthing-{self.name}.log", env=self.env)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"Syncthing {self.name} stopped while starting (exit "
                                 f"{self.proc.returncode}); its log is kept with --keep-logs DIR.")
            try:
                self.device_id = self.rest("GET", "/rest/system/status")["myID"]
                self.ledger.adopt_tree(self.proc.pid)  # the worker under the monitor
                return
            except (OSError, urllib.error.URLError, ValueError):
                time.sleep(0.1)
        raise BenchError(f"Syncthing {self.name} did not answer its REST API within 60 s.")

    def rest(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"http://127.0.0.1:{self.gui_port}{path}", data=data,
                                     method=method, headers={"X-API-Key": self.key,
                                                             "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=REST_TIMEOUT_S) as r:
            raw = r.read()
        return json.loads(raw) if raw.strip() else None

    def introduce(self, other):
        self.rest("PUT", f"/rest/config/devices/{other.device_id}", {
            "deviceID": other.device_id, "name": other.name,
            "addresses": [f"tcp://127.0.0.1:{other.sync_port}"]})

    def share(self, other, delay_s):
        self.rest("PUT", f"/rest/config/folders/{FOLDER_ID}", {
            "id": FOLDER_ID, "label": "bench", "path": self.folder, "type": "sendreceive",
            "devices": [{"deviceID": self.device_id}, {"deviceID": other.device_id}],
            "fsWatcherEnabled": True, "fsWatcherDelayS": delay_s, "rescanIntervalS": 3600})

    def set_delay(self, delay_s):
        self.rest("PATCH", f"/rest/config/folders/{FOLDER_ID}", {"fsWatcherDelayS": delay_s})

    def connected_to(self, other):
        conns = self.rest("GET", "/rest/system/connections")["connections"]
        return bool(conns.get(other.device_id, {}).get("connected"))

    def folder_idle(self):
        st = self.rest("GET", f"/rest/db/status?folder={FOLDER_ID}")
        return st.get("state") == "idle" and st.get("needTotalItems", 0) == 0

    def shutdown(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            self.rest("POST", "/rest/system/shutdown")
            self.proc.wait(timeout=15)
        except (OSError, urllib.error.URLError, ValueError, subprocess.TimeoutExpired):
            pass  # the ledger stops whatever is left


def _wait(what, predicate, timeout_s):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except (OSError, urllib.error.URLError, ValueError, KeyError):
            pass
        time.sleep(0.1)
    raise BenchError(f"Syncthing: {what} did not happen within {timeout_s:g} s.")


def _wait_both_idle(a, b):
    _wait("both folders idle", lambda: a.folder_idle() and b.folder_idle(), IDLE_TIMEOUT_S)


def _one_file(a, b, name):
    content = secrets.token_hex(FILE_BYTES // 2).encode()
    src, dst = os.path.join(a.folder, name), os.path.join(b.folder, name)
    t0 = time.perf_counter()
    with open(src, "wb") as f:
        f.write(content)
    deadline = time.monotonic() + ARRIVE_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with open(dst, "rb") as f:
                if f.read() == content:
                    return (time.perf_counter() - t0) * 1000.0
        except OSError:
            pass
        time.sleep(POLL_S)
    raise BenchError(f"Syncthing: {name} did not reach B within {ARRIVE_TIMEOUT_S:g} s.")


def run(tmp, ledger, env, trials, idle_seconds, delays, series, log):
    """delays: {delay_s: Series}; series: dict with 'rss' and 'wake' Series."""
    a, b = Instance(tmp, "A", ledger, env), Instance(tmp, "B", ledger, env)
    try:
        for inst in (a, b):
            inst.configure()
            inst.start()
        a.introduce(b)
        b.introduce(a)
        first_delay = next(iter(delays))
        a.share(b, first_delay)
        b.share(a, first_delay)
        log("  waiting for the two instances to connect (a first dial may back off ~20 s)")
        _wait("A and B connected", lambda: a.connected_to(b) and b.connected_to(a),
              CONNECT_TIMEOUT_S)
        _wait_both_idle(a, b)
        for delay, s in delays.items():
            a.set_delay(delay)
            b.set_delay(delay)
            time.sleep(WATCHER_SETTLE_S)
            _wait_both_idle(a, b)
            time.sleep(WATCHER_SETTLE_S)
            for i in range(trials):
                s.add(_one_file(a, b, f"trial-delay{delay}-{i}.txt"))
                time.sleep(BETWEEN_TRIALS_S)
                _wait_both_idle(a, b)
            log(f"  watcher delay {delay} s: median {s.median_text()}")
        log(f"  idling {idle_seconds:g} s before reading RSS")
        before = {i.name: tree_context_switches(i.proc.pid) for i in (a, b)}
        time.sleep(idle_seconds)
        for inst in (a, b):
            kib, nproc = tree_rss_kib(inst.proc.pid)
            series["rss"].add(kib / 1024.0)
            series["procs"] = nproc
            wake = tree_context_switches(inst.proc.pid) - before[inst.name]
            series["wake"].add(wake * 60.0 / idle_seconds)
    finally:
        for inst in (a, b):
            inst.shutdown()


def version():
    try:
        return subprocess.run(["syncthing", "--version"], capture_output=True, text=True,
                              timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
