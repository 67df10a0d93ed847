"""magic-wormhole: own mailbox server and transit relay on loopback; `send --text` start to the
text received, with the Python client (`wormhole`) and the Go client (`wormhole-william`)."""

import socket
import subprocess
import time

from procs import BenchError, LineReader, free_port, has_tcp_connection, tree_rss_kib
from report import Series

PORT_TIMEOUT_S = 30.0
TRIAL_TIMEOUT_S = 30.0
# The receiver starts first and waits on the mailbox; the clock starts with the sender, so
# the receiver must have finished starting up: we wait until it holds a connection to the
# mailbox server, then a little more for its claim of the nameplate to go through.
RECEIVER_READY_TIMEOUT_S = 30.0
RECEIVER_CLAIM_S = 0.3
BETWEEN_TRIALS_S = 0.3


def wait_port(port, proc, what):
    deadline = time.monotonic() + PORT_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"{what} stopped while starting (exit {proc.returncode}); "
                             "its log is kept with --keep-logs DIR.")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise BenchError(f"{what} did not listen on 127.0.0.1:{port} within 30 s.")


def _clients(mailbox_url, transit):
    py = ["wormhole", f"--relay-url={mailbox_url}", f"--transit-helper={transit}"]
    go = ["wormhole-william"]
    return {
        "python": (py + ["send", "--no-listen", "--hide-progress", "--code", "{code}", "--text",
                         "{text}"],
                   py + ["receive", "--no-listen", "--hide-progress", "--only-text", "{code}"]),
        "go": (go + ["send", "--relay-url", mailbox_url, "--hide-progress", "--code", "{code}",
                     "--text", "{text}"],
               go + ["receive", "--relay-url", mailbox_url, "--hide-progress", "{code}"]),
    }


def _fill(argv, code, text):
    return [a.replace("{code}", code).replace("{text}", text) for a in argv]


def _wait_receiver(recv, mailbox_port, flavour):
    deadline = time.monotonic() + RECEIVER_READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if recv.poll() is not None:
            raise BenchError(f"the {flavour} wormhole receiver stopped early (exit "
                             f"{recv.returncode}); its log is kept with --keep-logs DIR.")
        if has_tcp_connection(recv.pid, mailbox_port):
            time.sleep(RECEIVER_CLAIM_S)
            return
        time.sleep(0.005)
    raise BenchError(f"the {flavour} wormhole receiver did not reach the mailbox server "
                     "within 30 s.")


def _trial(ledger, env, send_argv, recv_argv, flavour, i, mailbox_port):
    code = f"{i + 3}-bench-{flavour}-trial"
    text = f"pairing-anchor-{flavour}-{i}"
    recv = ledger.spawn(_fill(recv_argv, code, text), f"wormhole-{flavour}-recv{i}.log", env=env,
                        stdout=subprocess.PIPE)
    reader = LineReader(recv.stdout)
    _wait_receiver(recv, mailbox_port, flavour)
    t0 = time.perf_counter()
    send = ledger.spawn(_fill(send_argv, code, text), f"wormhole-{flavour}-send{i}.log", env=env)
    _, hit = reader.wait_for(lambda line: text in line, TRIAL_TIMEOUT_S)
    if hit is None:
        raise BenchError(f"the {flavour} wormhole receiver did not get the text within 30 s; "
                         "the logs are kept with --keep-logs DIR.")
    for p in (send, recv):
        try:
            p.wait(timeout=TRIAL_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            p.kill()
    t_sender_done = time.perf_counter()
    return (hit[0] - t0) * 1000.0, (t_sender_done - t0) * 1000.0


def run(tmp, ledger, env, trials, log):
    mailbox_port, relay_port = free_port(), free_port()
    mailbox = ledger.spawn(["twist3", "wormhole-mailbox",
                            f"--port=tcp:{mailbox_port}:interface=127.0.0.1",
                            f"--channel-db={tmp}/wormhole-channel.sqlite"],
                           "wormhole-mailbox.log", env=env)
    relay = ledger.spawn(["twist3", "transitrelay",
                          f"--port=tcp:{relay_port}:interface=127.0.0.1"],
                         "wormhole-transit-relay.log", env=env)
    wait_port(mailbox_port, mailbox, "the wormhole mailbox server")
    wait_port(relay_port, relay, "the wormhole transit relay")
    clients = _clients(f"ws://127.0.0.1:{mailbox_port}/v1", f"tcp:127.0.0.1:{relay_port}")
    s = {
        "python": Series("magic-wormhole (Python): `send --text` start → text received", "ms"),
        "go": Series("wormhole-william (Go): `send --text` start → text received", "ms"),
        "python_total": Series("magic-wormhole (Python): sender start → both clients exited",
                               "ms"),
        "go_total": Series("wormhole-william (Go): sender start → both clients exited", "ms"),
        "mailbox_rss": Series("magic-wormhole mailbox server RSS after the trials", "MB"),
    }
    for flavour in ("python", "go"):
        send_argv, recv_argv = clients[flavour]
        for i in range(trials):
            got, total = _trial(ledger, env, send_argv, recv_argv, flavour, i,
                                mailbox_port)
            s[flavour].add(got)
            s[flavour + "_total"].add(total)
            time.sleep(BETWEEN_TRIALS_S)
        log(f"  {flavour} client: median {s[flavour].median_text()}")
    s["mailbox_rss"].add(tree_rss_kib(mailbox.pid)[0] / 1024.0)
    for p in (mailbox, relay):
        p.terminate()
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
    return s
