#!/usr/bin/env python3
"""Failover benchmark: ipv6_ha_exporter vs. the usual keepalived ping script.

Runs scenario 1 of the lab (fw1, the MASTER, loses IPv6 to the isp targets)
N times per setup and prints median and max of
  fault -> demotion   exporter: fw1's track file turns non-zero
                      vrrp_script: keepalived logs the lowered priority
  fault -> failover   fw2 holds the VRRP virtual address
Setups:
  exporter    probe interval 200 ms, timeout 150 ms, fall 3, sink track_file
  vrrp_script keepalived `vrrp_script` running `ping -6 -c1 -W1 <target>`
              every 1 s, fall 3, weight -60 (no exporter)

  sudo bench/failover_bench.py [--reps 10] [--exporter BIN] [--only exporter|vrrp_script]
Needs root. Exit 77 when not root.
"""

import argparse
import os
import statistics
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "lab"))

from ip6lab import exporter, lab_env, scenarios, topology  # noqa: E402
from ip6lab.verdict import Verdict  # noqa: E402

PRIORITY_LINE = "Changing effective priority from 150 to"


class LogWatcher:
    """Timestamps (monotonic) lines appended to a log file, polled every 10 ms."""

    def __init__(self, path):
        self.path, self.lines, self.stopped = path, [], False
        self._pos = os.path.getsize(path) if os.path.exists(path) else 0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self.stopped:
            try:
                with open(self.path, "rb") as f:
                    f.seek(self._pos)
                    data = f.read()
            except OSError:
                data = b""
            if data:
                now = time.monotonic()
                self._pos += len(data)
                self.lines += [(now, ln) for ln in data.decode(errors="replace").splitlines()]
            time.sleep(0.01)

    def first(self, needle, since):
        for t, line in self.lines:
            if t >= since and needle in line:
                return t
        return None

    def stop(self):
        self.stopped = True
        self._thread.join(timeout=1)


def wait_until(pred, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = pred()
        if value is not None:
            return value
        time.sleep(0.01)
    return pred()


def bench_exporter(binary, reps):
    tuning = exporter.Tuning(probe_interval="200ms", probe_timeout="150ms", fall=3,
                             rise=2, hold_down="1s")
    out = []
    with lab_env.Lab(exporter_binary=binary, tuning=tuning) as lab:
        for i in range(reps):
            v = scenarios.s1_local_fault(lab, Verdict(1, f"rep {i + 1}"))
            dem = v.measurements.get("fault -> demotion written")
            fail = v.measurements.get("fault -> fw2 MASTER")
            print(f"exporter    rep {i + 1}: demotion {fmt(dem)}  failover {fmt(fail)}"
                  + ("" if v.passed else f"  FAILED: {v.failures}"), flush=True)
            out.append((dem, fail))
    return out


def bench_vrrp_script(reps):
    script = {"target": topology.TARGETS[0], "interval": 1, "timeout": 2, "fall": 3,
              "rise": 1, "weight": -60}
    out = []
    with lab_env.Lab(ping_script=script) as lab:
        o = lab.observer
        for i in range(reps):
            lab.reset(timeout=20)
            time.sleep(1.5)  # the script has passed at least once since the heal
            watcher = LogWatcher(lab.keepalived["fw1"].proc.log_path)
            t0 = o.now()
            lab.faults.drop_upstream("fw1")
            fail = o.wait_event("vip", "fw2", bool, t0, 15)
            dem = wait_until(lambda: watcher.first(PRIORITY_LINE, t0), 2)
            watcher.stop()
            dem = None if dem is None else dem - t0
            fail = None if fail is None else fail - t0
            print(f"vrrp_script rep {i + 1}: demotion {fmt(dem)}  failover {fmt(fail)}",
                  flush=True)
            out.append((dem, fail))
    return out


def fmt(seconds):
    return "n/a" if seconds is None else f"{seconds * 1000:.0f} ms"


def summary(name, samples):
    row = [name]
    for idx in (0, 1):
        values = [s[idx] for s in samples if s[idx] is not None]
        missing = len(samples) - len(values)
        if values:
            cell = f"{fmt(statistics.median(values))} / {fmt(max(values))}"
        else:
            cell = "n/a"
        row.append(cell + (f" ({missing} missed)" if missing else ""))
    return "| " + " | ".join(row) + " |"


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--reps", type=int, default=10)
    p.add_argument("--exporter", default=os.path.join(REPO, "build", "exporter",
                                                      "ipv6_ha_exporter"))
    p.add_argument("--only", choices=("exporter", "vrrp_script"))
    args = p.parse_args()
    if os.geteuid() != 0:
        print("SKIP: needs root (network namespaces, keepalived)")
        return 77
    rows = []
    if args.only in (None, "exporter"):
        rows.append(summary("ipv6_ha_exporter (200 ms probes, fall 3, track_file)",
                            bench_exporter(args.exporter, args.reps)))
    if args.only in (None, "vrrp_script"):
        rows.append(summary("keepalived vrrp_script ping -6 -c1 -W1, interval 1 s, fall 3",
                            bench_vrrp_script(args.reps)))
    print(f"\n{args.reps} repetitions, median / max, VRRP advert_int 0.2 s\n")
    print("| setup | fault -> demotion | fault -> failover |")
    print("|---|---|---|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
