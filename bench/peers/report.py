"""Medians, spreads and the Markdown report of the side-by-side comparison."""

import math
import os
import platform
import subprocess

P90_MIN_TRIALS = 5  # below this the table shows the maximum instead of a p90


def median(xs):
    s = sorted(xs)
    n = len(s)
    if n == 0:
        return None
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def p90(xs):
    """Nearest-rank 90th percentile (with 5 to 9 trials it is the largest value)."""
    s = sorted(xs)
    if len(s) < P90_MIN_TRIALS:
        return None
    return s[max(0, math.ceil(0.9 * len(s)) - 1)]


class Series:
    """One measured quantity: its unit and every trial's value."""

    def __init__(self, label, unit):
        self.label, self.unit, self.values = label, unit, []

    def add(self, value):
        self.values.append(value)

    def fmt(self, value):
        if value is None:
            return "—"
        if self.unit == "ms":
            return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"
        if self.unit == "MB":
            return f"{value:.1f} MB"
        if self.unit == "/min":
            return f"{value:.0f} /min"
        return f"{value:g} {self.unit}"

    def median_text(self):
        return self.fmt(median(self.values))


def ratio_text(peer, ours):
    m_peer, m_ours = median(peer.values), median(ours.values)
    if not m_peer or not m_ours:
        return "—"
    r = m_peer / m_ours
    return f"{r:.0f}×" if r >= 100 else f"{r:.1f}×" if r >= 10 else f"{r:.2f}×"


def _package_versions(packages):
    out = []
    for p in packages:
        try:
            v = subprocess.run(["dpkg-query", "-W", "-f=${Version}", p], capture_output=True,
                               text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            v = ""
        out.append(f"{p} {v or '(not installed)'}")
    return out


def _cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def machine_lines(packages, pairspace_version):
    return [
        f"- CPUs: {os.cpu_count()} × {_cpu_model()}",
        f"- kernel: {platform.release()} ({platform.machine()})",
        f"- pairspace: {pairspace_version}",
        "- peers (Debian packages): " + ", ".join(_package_versions(packages)),
        f"- Python (timing harness): {platform.python_version()}",
    ]


def markdown(title, when, command, rows, extras, details, machine, notes):
    """rows: (measure, ours Series, peer Series or None, peer name); extras: (label, text)."""
    lines = [f"# {title}", "", f"Run {when} (UTC). Command:", "", "```", command, "```", ""]
    lines += ["| measure | pairspace (median) | peer (median) | ratio peer/pairspace | trials |",
              "|---|---|---|---|---|"]
    for measure, ours, peer, peer_name in rows:
        peer_cell = f"{peer.median_text()} ({peer_name})" if peer else "—"
        trials = f"{len(ours.values)}" + (f" / {len(peer.values)}" if peer else "")
        ratio = ratio_text(peer, ours) if peer else "—"
        lines.append(f"| {measure} | {ours.median_text()} | {peer_cell} | {ratio} | {trials} |")
    lines += ["", "Trials are pairspace / peer (for RSS and wake-ups: one value per instance, "
              "two instances each). Ratios above 1 mean pairspace is faster or smaller. Every "
              "figure comes from this one run on this one machine.", ""]
    if extras:
        lines += ["## Also seen in this run", ""]
        lines += [f"- {label}: {text}" for label, text in extras]
        lines.append("")
    lines += ["## Spread of every series", "",
              f"p90 is nearest-rank; with {P90_MIN_TRIALS}–9 trials it equals the maximum.", "",
              "| series | n | min | median | p90 | max |", "|---|---|---|---|---|---|"]
    for s in details:
        if not s.values:
            lines.append(f"| {s.label} | 0 | — | — | — | — |")
            continue
        lines.append(f"| {s.label} | {len(s.values)} | {s.fmt(min(s.values))} | "
                     f"{s.median_text()} | {s.fmt(p90(s.values))} | {s.fmt(max(s.values))} |")
    lines += ["", "## Machine", ""] + machine + ["", "## How each was run", ""]
    lines += [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"
