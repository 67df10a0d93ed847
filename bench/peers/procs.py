"""Processes the comparison starts: how they are started, measured and always stopped.

Every process we start is written to a ledger file (`TMP/started.txt`, one line per entry:
`group PGID NAME` or `pid PID NAME`), so that the shell wrapper can still stop them if this
Python process itself is killed. Only entries from the ledger are ever signalled, and only
while /proc/PID/comm still names the program we started (a pid can be reused).
"""

import os
import signal
import socket
import subprocess
import threading
import time

STOP_GRACE_S = 3.0  # SIGTERM first; SIGKILL for whatever is still there after this


class BenchError(Exception):
    """Something the run could not do; its message is one sentence for the person running it."""


def free_port():
    """A loopback port that was free a moment ago (the peers take a port number, not :0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def comm_of(pid):
    try:
        with open(f"/proc/{pid}/comm", encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return None


def _proc_stats():
    """(pid, fields of /proc/PID/stat after the name) for every process still there."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as f:
                stat = f.read()
        except OSError:
            continue
        # The name is in parentheses and may hold spaces; the state follows the last ')'.
        yield int(entry), stat[stat.rfind(")") + 2:].split()


def _children_map():
    children = {}
    for pid, fields in _proc_stats():
        children.setdefault(int(fields[1]), []).append(pid)
    return children


def _live_groups():
    groups = set()
    for _pid, fields in _proc_stats():
        if fields[0] != "Z":
            groups.add(int(fields[2]))
    return groups


def process_tree(pid):
    """pid and all its descendants."""
    children = _children_map()
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, []))
    return tree


def _status_fields(path):
    fields = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
    except OSError:
        pass
    return fields


def has_tcp_connection(pid, remote_port):
    """Whether pid holds an established TCP connection to remote_port (read from /proc)."""
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        return False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as f:
                next(f)
                for line in f:
                    cols = line.split()
                    port = int(cols[2].rsplit(":", 1)[1], 16)
                    if cols[3] == "01" and port == remote_port and cols[9] in inodes:
                        return True
        except OSError:
            continue
    return False


def tree_rss_kib(pid):
    """Sum of VmRSS over pid's process tree, and how many processes that was."""
    tree = process_tree(pid)
    total = 0
    for p in tree:
        rss = _status_fields(f"/proc/{p}/status").get("VmRSS", "0 kB")
        total += int(rss.split()[0])
    return total, len(tree)


def tree_context_switches(pid):
    """Context switches (voluntary + involuntary) of every thread in pid's process tree."""
    total = 0
    for p in process_tree(pid):
        try:
            tasks = os.listdir(f"/proc/{p}/task")
        except OSError:
            continue
        for t in tasks:
            st = _status_fields(f"/proc/{p}/task/{t}/status")
            total += int(st.get("voluntary_ctxt_switches", "0"))
            total += int(st.get("nonvoluntary_ctxt_switches", "0"))
    return total


class Ledger:
    """Starts processes in their own process group and stops every one of them."""

    def __init__(self, tmp):
        self.path = os.path.join(tmp, "started.txt")
        self.entries = []  # (kind, id, name)
        self.logs = os.path.join(tmp, "logs")
        os.makedirs(self.logs, exist_ok=True)

    def _note(self, kind, ident, name):
        self.entries.append((kind, ident, name))
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(f"{kind} {ident} {name}\n")

    def spawn(self, argv, log_name, env=None, stdout=None):
        """Starts argv in a new session; stderr (and stdout unless piped) go to a log file."""
        log = open(os.path.join(self.logs, log_name), "ab")
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=stdout if stdout is not None else log,
            stderr=log, env=env, start_new_session=True)
        log.close()
        self._note("group", proc.pid, comm_of(proc.pid) or os.path.basename(argv[0])[:15])
        return proc

    def adopt(self, pid):
        """A process started on our behalf (e.g. a daemon that detached itself)."""
        self._note("pid", pid, comm_of(pid) or "?")

    def adopt_tree(self, pid):
        """pid's descendants: a child that moved to a group of its own is still stopped."""
        for p in process_tree(pid)[1:]:
            self.adopt(p)

    def _alive(self, kind, ident, name):
        if kind == "group":
            # Linux never hands out a pid equal to a live group's id, so a group that
            # still has members is still ours.
            return ident in _live_groups()
        return comm_of(ident) == name

    def stop_all(self):
        for sig in (signal.SIGTERM, signal.SIGKILL):
            pending = False
            for kind, ident, name in self.entries:
                if not self._alive(kind, ident, name):
                    continue
                pending = True
                try:
                    if kind == "group":
                        os.killpg(ident, sig)
                    else:
                        os.kill(ident, sig)
                except OSError:
                    pass
            if not pending:
                break
            deadline = time.monotonic() + STOP_GRACE_S
            while time.monotonic() < deadline:
                if not any(self._alive(*e) for e in self.entries):
                    break
                time.sleep(0.05)
        # Reap our own children so none is left as a zombie.
        try:
            while os.waitpid(-1, os.WNOHANG)[0] != 0:
                pass
        except ChildProcessError:
            pass


class LineReader:
    """Reads a child's stdout on a thread and stamps each line with perf_counter()."""

    def __init__(self, stream):
        self.lines = []  # (time, text)
        self.cond = threading.Condition()
        self.thread = threading.Thread(target=self._run, args=(stream,), daemon=True)
        self.thread.start()

    def _run(self, stream):
        for raw in iter(stream.readline, b""):
            now = time.perf_counter()
            with self.cond:
                self.lines.append((now, raw.decode("utf-8", "replace").rstrip("\n")))
                self.cond.notify_all()

    def wait_for(self, predicate, timeout_s, start_index=0):
        """Index and (time, text) of the first line from start_index matching predicate."""
        deadline = time.monotonic() + timeout_s
        with self.cond:
            i = start_index
            while True:
                while i < len(self.lines):
                    if predicate(self.lines[i][1]):
                        return i, self.lines[i]
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0:
                    return None, None
                self.cond.wait(left)
