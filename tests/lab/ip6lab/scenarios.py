"""The lab scenarios (issue 6), each returning a Verdict.

Scenario 0 needs only keepalived (it proves the track_file contract the
exporter's sink relies on); 1-7 need the exporter. Each scenario starts from
`lab.reset()`: no faults, fw1 MASTER, track files 0, exporters (re)started
with no state. Long observation windows come from the environment:
  IP6LAB_OUTAGE_SECONDS  scenario 2 (default 60; CI uses 20)
  IP6LAB_FLAP_SECONDS    scenario 4, 30% loss phase (default 60; CI uses 20)
"""

import time

from . import status as st
from .verdict import Verdict, env_seconds

CONNECTIVITY = "ipv6_connectivity"
PREFIX = "prefix_freshness"


def _positive(v):
    return v > 0


def _ms(seconds):
    return f"{seconds * 1000:.0f} ms"


def fall_seconds(lab):
    t = lab.tuning
    return t.fall * _dur(t.probe_interval)


def _dur(text):
    text = str(text)
    for suffix, mult in (("ms", 0.001), ("s", 1.0), ("m", 60.0)):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * mult
    return float(text)


def wait_healthy(lab, v, timeout=15):
    """Both exporters answer, every check has run and none fails (the
    MASTER's all ok), no contribution."""
    def healthy():
        for r in ("fw1", "fw2"):
            s = lab.exporters[r].status()
            checks = st.checks_of(s)
            if not s or not checks or any(c[1] == "fail" for c in checks):
                return False
            if any(c.get("runs", 1) == 0 for c in s.get("checks", [])
                   if isinstance(c, dict)):
                return False
            if r == "fw1" and any(c[1] != "ok" for c in checks):
                return False
            if st.contribution_of(s) not in (0, None):
                return False
        return True
    ok = _wait(healthy, timeout)
    if not ok:
        for r in ("fw1", "fw2"):
            v.note(f"{r} status: {st.checks_of(lab.exporters[r].status())}")
    return v.expect(ok, f"both exporters healthy within {timeout} s")


def _wait(pred, timeout, step=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(step)
    return bool(pred())


def _start(lab, v, patches=None, reset=True):
    """reset, then start both exporters (with per-router config patches)."""
    if reset:
        lab.reset()
    for router, patch in (patches or {}).items():
        lab.exporters[router].patch = patch
        lab.exporters[router].write_config()
    lab.start_exporters()
    return wait_healthy(lab, v)


def s0_track_file_contract(lab):
    """keepalived alone: 60 in fw1's track file moves the VIP, 0 brings it back."""
    v = Verdict(0, "track_file contract on real VRRP (manual writes)")
    lab.reset()
    o = lab.observer
    t0 = o.now()
    lab.write_track("fw1", 60)
    t = o.wait_event("vip", "fw2", bool, t0, 5)
    if v.expect(t is not None, "fw2 takes the VIP after fw1's track file = 60"):
        v.measure("write 60 -> fw2 MASTER", t - t0)
    v.expect(_wait(lambda: o.master() == "fw2", 3), "fw1 released the VIP")
    t1 = o.now()
    lab.write_track("fw1", 0)
    t = o.wait_event("vip", "fw1", bool, t1, 5)
    if v.expect(t is not None, "fw1 takes the VIP back after writing 0 (preemption)"):
        v.measure("write 0 -> fw1 MASTER", t - t1)
    v.expect(_wait(lambda: o.master() == "fw1", 3), "fw2 released the VIP")
    return v


def expect_failover(lab, v, t0, fault="fault"):
    """After a fault on fw1 injected at t0: fw1 writes a demotion and fw2
    takes the VIP, each within 10 s (measured as `fault -> ...`)."""
    o = lab.observer
    t_dem = o.wait_event("track", "fw1", _positive, t0, 10)
    t_fail = o.wait_event("vip", "fw2", bool, t0, 10)
    if v.expect(t_dem is not None, "fw1 writes a demotion into its track file"):
        v.measure(f"{fault} -> demotion written", t_dem - t0)
    if v.expect(t_fail is not None, "fw2 becomes MASTER"):
        v.measure(f"{fault} -> fw2 MASTER", t_fail - t0)


def s1_local_fault(lab, v=None):
    """fw1 loses IPv6 to the isp; the peer vouches; fw2 takes over."""
    v = v or Verdict(1, "node-local IPv6 fault on the MASTER fails over")
    if not _start(lab, v):
        return v
    o = lab.observer
    t0 = o.now()
    lab.faults.drop_upstream("fw1")
    expect_failover(lab, v, t0)
    v.expect(_wait(lambda: o.master() == "fw2", 2), "fw1 no longer holds the VIP")
    return v


def s2_shared_outage(lab):
    seconds = env_seconds("IP6LAB_OUTAGE_SECONDS", 60)
    v = Verdict(2, f"shared upstream outage: no role change in {seconds:.0f} s")
    if not _start(lab, v):
        return v
    o = lab.observer
    t0 = o.now()
    lab.faults.isp_outage()
    time.sleep(seconds)
    v.expect(not o.changes(t0), f"no VRRP role change (changes: {o.changes(t0)})")
    for r in ("fw1", "fw2"):
        v.expect(o.first("track", r, _positive, t0) is None,
                 f"{r} never wrote a demotion")
        s = lab.exporters[r].status()
        v.expect(st.check_status(s, CONNECTIVITY) == "fail",
                 f"{r} reports the outage ({CONNECTIVITY} = "
                 f"{st.check_status(s, CONNECTIVITY)})")
        reason = st.reason_of(s)
        v.expect(bool(reason), f"{r} says why it does not demote: {reason!r}")
        suppressed = st.suppressed_of(s)
        if suppressed is not None:
            v.expect(bool(suppressed), f"{r} names the suppression: {suppressed}")
    return v


def s3_singleton_wan(lab):
    v = Verdict(3, "singleton WAN: upstream fault holds, local fault fails over")
    # The singleton setup: the BACKUP's WAN is down by design. With the
    # default backup_policy (auto) it finds no upstream path, reports its
    # upstream check unknown, and so cannot vouch.
    lab.reset()
    lab.topo.link("fw2", "wan", False)
    if not _start(lab, v, reset=False):
        return v
    o = lab.observer

    def fw2_connectivity():
        s = lab.exporters["fw2"].status()
        return st.check_status(s, CONNECTIVITY), st.check_summary(s, CONNECTIVITY)
    v.expect(_wait(lambda: fw2_connectivity()[0] == "unknown", 10),
             "fw2 (BACKUP, WAN down) cannot vouch for an upstream "
             f"({CONNECTIVITY} = {fw2_connectivity()[0]})")
    summary = fw2_connectivity()[1]
    v.expect(summary.startswith("no upstream path in BACKUP: no route to "),
             f"fw2 says what it lacks: {summary!r}")
    t0 = o.now()
    lab.faults.drop_upstream("fw1")
    time.sleep(fall_seconds(lab) + 3)
    v.expect(o.master() == "fw1" and not o.changes(t0),
             "upstream fault on fw1 does not fail over under peer_confirmed")
    v.expect(o.first("track", "fw1", _positive, t0) is None,
             "fw1 wrote no demotion for the upstream fault")
    v.note(f"fw1 controller: {st.reason_of(lab.exporters['fw1'].status())!r}")
    t1 = o.now()
    lab.set_prefix_fresh("fw1", False)
    t = o.wait_event("vip", "fw2", bool, t1, 10)
    if v.expect(t is not None, "local fault (stale prefix) on fw1 fails over to fw2"):
        v.measure("local fault -> fw2 MASTER", t - t1)
    return v
