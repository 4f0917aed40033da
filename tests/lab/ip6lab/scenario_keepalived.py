"""Scenario 16 (numbered after its issue): the exporter's role source `keepalived` against real keepalived.

keepalived gets `vrrp_notify_fifo` in its global_defs, the exporters
`role: {source: keepalived}`. Every line keepalived logs is stamped (wall
clock) the moment it reaches us: keepalived's console log has whole seconds
only, and it writes stderr unbuffered, so the arrival time is its own. The
exporter logs "role: changed from X to Y" with milliseconds. The latency of
a transition is the difference of the two stamps.

Steps: exporters start after keepalived (they read what keepalived buffered);
fw1's LAN link down (fw1 FAULT, fw2 MASTER); up again (fw1 MASTER, fw2
BACKUP); keepalived on fw1 restarted (unknown, then MASTER again); the
exporter on fw1 restarted (the role is known at once, from its record).
Checks run every 30 s here, so a run within a second of a transition is the
re-check the transition triggered.
"""

import datetime
import os
import re
import signal
import subprocess
import threading
import time

from . import keepalived as ka
from . import shell, topology
from .scenarios import _wait
from .verdict import Verdict

INSTANCE = "LAN6"
LATENCY_LIMIT = 0.2
CHECK_INTERVAL = "30s"


class StampedKeepalived:
    """keepalived -n for one router with a notify FIFO; each output line is
    kept with the wall-clock time it arrived."""

    def __init__(self, lab, router):
        self.lab, self.router = lab, router
        self.workdir = lab.workdir(router)
        self.fifo = os.path.join(self.workdir, "notify.fifo")
        self.vrrp_pid_file = os.path.join(self.workdir, "vrrp-fifo.pid")
        self.conf = os.path.join(self.workdir, "keepalived-fifo.conf")
        text = ka.track_file_config(router, lab.track_file(router))
        text = text.replace("global_defs {\n", "global_defs {\n"
                            f"  vrrp_notify_fifo {self.fifo} root\n"
                            "  fifo_write_vrrp_states_on_reload\n", 1)
        with open(self.conf, "w") as f:
            f.write(text)
        self.lines = []  # (wall time, text)
        self.lock = threading.Lock()
        self.popen = None
        self.reader = None

    def start(self):
        argv = [ka.KEEPALIVED, "-n", "-l", "-D", "-P", "-f", self.conf,
                "-p", os.path.join(self.workdir, "keepalived-fifo.pid"),
                "-r", self.vrrp_pid_file]
        self.popen = subprocess.Popen(
            shell.ns_argv(self.lab.topo.ns[self.router], argv),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        return self

    def _read(self):
        log = os.path.join(self.workdir, "keepalived-fifo.log")
        with open(log, "ab") as out:
            for raw in self.popen.stdout:
                t = time.time()
                with self.lock:
                    self.lines.append((t, raw.decode(errors="replace").rstrip()))
                out.write(f"[{t:.6f}] ".encode() + raw)

    def reload(self):
        os.kill(self.popen.pid, signal.SIGHUP)

    def stop(self):
        if self.popen and self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
        if self.reader:
            self.reader.join(timeout=5)
        self.popen = self.reader = None

    def entered(self, state, since):
        """Wall time of the first "(LAN6) Entering STATE STATE" after since."""
        with self.lock:
            for t, text in self.lines:
                if t >= since and f"({INSTANCE}) Entering {state} STATE" in text:
                    return t
        return None


_EXPORTER_LINE = re.compile(
    r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:?\d\d) \w+ role: changed from "
    r"(\w+) to (\w+)")


def role_changes(exporter):
    """[(wall time, from, to)] from the exporter's log."""
    out = []
    try:
        with open(exporter.proc.log_path, errors="replace") as f:
            for line in f:
                m = _EXPORTER_LINE.match(line)
                if m:
                    t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f%z")
                    out.append((t.timestamp(), m.group(2), m.group(3)))
    except (OSError, AttributeError):
        pass
    return out


def changed_to(exporter, role, since, slack=0.05):
    """Wall time of the first change to `role` logged at or after `since`
    (less `slack`: keepalived's stamp is when its line reached us, and the
    exporter may log first)."""
    for t, _, to in role_changes(exporter):
        if t >= since - slack and to == role:
            return t
    return None


def vrrp_state(exporter, instance=INSTANCE):
    """The state whose ipv6_ha_vrrp_instance_state series is 1, or None."""
    res = exporter.get("/metrics")
    if not res or res[0] != 200:
        return None
    for line in res[1].splitlines():
        if (line.startswith("ipv6_ha_vrrp_instance_state{") and line.endswith(" 1")
                and f'instance="{instance}"' in line):
            m = re.search(r'state="(\w+)"', line)
            return m.group(1) if m else None
    return None


def runs(exporter):
    s = exporter.status() or {}
    return {c.get("name"): c.get("runs", 0) for c in s.get("checks", [])
            if isinstance(c, dict)}


def last_run_starts(exporter):
    """{check: wall time its last run started}: now - age - duration."""
    now = time.time()
    s = exporter.status() or {}
    return {c["name"]: now - c.get("age_seconds", 0) - c.get("duration_seconds", 0)
            for c in s.get("checks", []) if isinstance(c, dict) and c.get("runs")}


def role(exporter):
    return (exporter.status() or {}).get("role")


def _patch(lab, router, k):
    checks = {name: {"interval": CHECK_INTERVAL} for name in
              ("prefix_freshness", "ipv6_connectivity", "peer_reachability")}
    return {"role": {"source": "keepalived", "fifo": k.fifo, "instances": [INSTANCE],
                     "record_file": os.path.join(lab.workdir(router), "keepalived.states"),
                     "vrrp_pid_file": k.vrrp_pid_file},
            "checks": checks}


class Transition:
    """Measures one keepalived transition as the exporter saw it."""

    def __init__(self, v, k, exporter, state, role_name, since):
        self.v, self.k, self.exporter = v, k, exporter
        self.state, self.role_name, self.since = state, role_name, since

    def measure(self, label, timeout=10):
        t_k = None
        ok = _wait(lambda: self.k.entered(self.state, self.since) is not None, timeout)
        if ok:
            t_k = self.k.entered(self.state, self.since)
        ok = ok and _wait(lambda: changed_to(self.exporter, self.role_name, t_k)
                          is not None, timeout)
        if not self.v.expect(ok, f"{label}: keepalived logged {self.state} and the "
                                 f"exporter changed to {self.role_name}"):
            return None
        raw = changed_to(self.exporter, self.role_name, t_k) - t_k
        if raw < 0:  # its line reached us after the exporter logged
            self.v.note(f"{label}: the exporter logged {-raw * 1000:.0f} ms before "
                        "keepalived's log line reached the lab; counted as 0")
        latency = max(0.0, raw)
        self.v.measure(f"{label}: keepalived log -> exporter role", latency)
        self.v.expect(latency <= LATENCY_LIMIT,
                      f"{label}: within {LATENCY_LIMIT * 1000:.0f} ms "
                      f"({latency * 1000:.0f} ms)")
        return latency


def _reloads(v, k, e1, e2):
    """A reload closes and recreates the FIFO and does not repeat a state
    that stays MASTER: the same VRRP process means the states still hold."""
    for exporter, router, expected in ((e1, "fw1", "master"), (e2, "fw2", "backup")):
        t = time.time()
        k[router].reload()
        closed = _wait(lambda: changed_to(exporter, "unknown", t, 0) is not None, 3)
        t_closed = changed_to(exporter, "unknown", t, 0) or t
        back = closed and _wait(
            lambda: changed_to(exporter, expected, t_closed, 0) is not None
            and role(exporter) == expected, 5)
        v.expect(closed and back,
                 f"a keepalived reload on {router}: unknown while the FIFO is closed, "
                 f"then {expected} again (now {role(exporter)})")
        if closed and back:
            v.measure(f"{router} keepalived reload (SIGHUP) -> {expected} again",
                      changed_to(exporter, expected, t_closed, 0) - t)


def s16_keepalived_role(lab):
    """role source keepalived: FIFO states, FAULT, restart, re-check at once"""
    v = Verdict(16, "role source keepalived: notify FIFO, FAULT, restart, re-check")
    lab.reset()
    stamped = {}
    try:
        for r in topology.ROUTERS:
            lab.keepalived[r].stop()
            stamped[r] = StampedKeepalived(lab, r).start()
        if not v.expect(lab.observer.wait_master("fw1", 15),
                        "fw1 VRRP MASTER with the FIFO configured"):
            return v
        _run_steps(lab, v, stamped)
    finally:
        lab.stop_exporters()
        for k in stamped.values():
            k.stop()
    return v


def _run_steps(lab, v, k):
    e1, e2 = lab.exporters["fw1"], lab.exporters["fw2"]
    for r in topology.ROUTERS:
        lab.exporters[r].patch = _patch(lab, r, k[r])
        lab.exporters[r].write_config()
    lab.start_exporters()
    v.expect(_wait(lambda: role(e1) == "master" and role(e2) == "backup", 5),
             "exporters started after keepalived read MASTER (fw1) and BACKUP (fw2) "
             f"from what keepalived had buffered (fw1 {role(e1)}, fw2 {role(e2)})")
    v.expect(vrrp_state(e1) == "master", "fw1 metric: instance LAN6 master")
    _wait(lambda: all(n > 0 for n in runs(e1).values()), 5)
    before = runs(e1)

    t0 = time.time()
    lab.topo.link("fw1", "lan", False)
    Transition(v, k["fw1"], e1, "FAULT", "fault", t0).measure("fw1 lan down, FAULT")
    t_fault = k["fw1"].entered("FAULT", t0)
    rerun = _wait(lambda: all(runs(e1).get(n, 0) > before[n] for n in before), 1,
                  step=0.01)
    v.expect(rerun, "the FAULT transition re-ran every check on fw1 at once "
             f"(interval {CHECK_INTERVAL}; runs {before} -> {runs(e1)})")
    if rerun and t_fault:
        latest = max(last_run_starts(e1).values())
        v.measure("fw1 keepalived FAULT -> last check re-run started",
                  max(0.0, latest - t_fault))
    v.expect(_wait(lambda: vrrp_state(e1) == "fault", 2),
             f"fw1 metric ipv6_ha_vrrp_instance_state says fault ({vrrp_state(e1)})")
    Transition(v, k["fw2"], e2, "MASTER", "master", t0).measure("fw2 takes over, MASTER")
    s1 = e1.status() or {}
    v.expect(s1.get("ready") is False, "fw1 in FAULT says ready: false")

    t1 = time.time()
    lab.topo.link("fw1", "lan", True)
    Transition(v, k["fw1"], e1, "MASTER", "master", t1).measure("fw1 lan up, MASTER")
    Transition(v, k["fw2"], e2, "BACKUP", "backup", t1).measure("fw2 back to BACKUP")

    _reloads(v, k, e1, e2)

    t2 = time.time()
    k["fw1"].stop()
    v.expect(_wait(lambda: changed_to(e1, "unknown", t2) is not None, 5),
             "keepalived stopping on fw1 makes its role unknown")
    detail = ((e1.status() or {}).get("role_detail") or {}).get("error", "")
    v.note(f"fw1 role_detail.error while keepalived is down: {detail}")
    v.expect("keepalived" in detail, "the reason names keepalived")
    k["fw1"].start()
    Transition(v, k["fw1"], e1, "MASTER", "master", t2).measure(
        "keepalived restarted on fw1, MASTER again")

    e1.stop()
    e1.start()
    v.expect(_wait(lambda: role(e1) == "master", 5),
             "the restarted exporter on fw1 knows MASTER at once from its record "
             "(keepalived wrote nothing meanwhile)")
    instances = ((e1.status() or {}).get("role_detail") or {}).get("instances") or []
    v.expect(any(i.get("restored") for i in instances),
             f"and says the state is restored ({instances})")
