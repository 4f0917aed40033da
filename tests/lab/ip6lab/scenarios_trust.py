"""Scenarios 8-11: demotion you can trust (issue 13). Conventions as in
scenarios.py; every scenario runs with the default exporter config (in
particular `backup_policy: auto`), changing only what it says.

   8  a singleton pair: kill -9 while demoted for a local fault with an
      upstream share held back, the WANs follow the roles, restart: no
      doubling (the track file stays at the local share); healed, fw1
      fails back
   9  an upstream fault of fw1 alone, both WANs up: fw2 vouches, the pair
      fails over exactly once
  10  a sync link that carries IPv4 only: the exporters reach each other
      over it and a local fault fails over
  11  a local fault on fw1 while fw2's upstream fails: no failover to a
      worse peer

The shared outage (both upstreams down, no role change) is scenario 2.
"""

import time

from . import exporter as exporter_mod
from . import shell, topology
from . import status as st
from .scenarios import (CONNECTIVITY, PREFIX, _dur, _positive, _start, _wait,
                        expect_failover, fall_seconds)
from .verdict import Verdict

UPSTREAM_POLICY = "upstream_policy"


def _peak_track(lab, router, since):
    values = [e[3] for e in lab.observer.events
              if e[0] >= since and e[1] == "track" and e[2] == router]
    return max(values, default=lab.observer.track[router])


def _recovery_seconds(lab):
    t = lab.tuning
    return t.rise * _dur(t.probe_interval) + _dur(t.hold_down)


def _ipv4_sync_patch(router):
    me = topology.ROUTER_PLAN[router]
    peer = topology.ROUTER_PLAN[topology.peer_of(router)]
    port = exporter_mod.PORT
    return {"listen": [f"{me.sync_addr4}:{port}", f"127.0.0.1:{port}"],
            "peer": {"address": peer.sync_addr4,
                     "api": f"http://{peer.sync_addr4}:{port}"}}


def _singleton_wans(lab, master):
    """The singleton setup's hooks: the MASTER's WAN up, the BACKUP's down
    (the BACKUP's down first, so only one router is ever connected)."""
    lab.topo.link(topology.peer_of(master), "wan", False)
    lab.topo.link(master, "wan", True)


def s8_crash_no_doubling(lab):
    """A singleton pair: fw1 demoted for a stale prefix while its failing
    upstream check is held back (fw2 cannot vouch); kill -9 fw1's exporter,
    the WANs follow the roles, restart: no doubling although fw2 now
    vouches; the faults healed, fw1 fails back."""
    v = Verdict(8, "crash while demoted with a held-back share: no doubling, "
                   "failback after the heal")
    weight = lab.tuning.prefix_weight
    lab.reset()
    _singleton_wans(lab, "fw1")  # fw2, BACKUP, has no upstream path
    if not _start(lab, v, reset=False):
        return v
    o, e1, e2 = lab.observer, lab.exporters["fw1"], lab.exporters["fw2"]
    lab.faults.drop_upstream("fw1")
    v.expect(_wait(lambda: UPSTREAM_POLICY in (st.suppressed_of(e1.status()) or []),
                   fall_seconds(lab) + 5),
             f"fw1's {CONNECTIVITY} is down and held back ({UPSTREAM_POLICY})")
    t_stale = o.now()
    lab.set_prefix_fresh("fw1", False)
    t_fail = o.wait_event("vip", "fw2", bool, t_stale, 10)
    if v.expect(t_fail is not None and _wait(lambda: o.master() == "fw2", 3),
                "the stale prefix fails fw1 over to fw2"):
        v.measure("local fault -> fw2 MASTER", t_fail - t_stale)
    v.expect(_wait(lambda: o.track["fw1"] == weight, 3),
             f"fw1's track file holds the prefix share alone ({o.track['fw1']})")
    if not v.passed:
        return v
    t_kill = o.now()
    e1.kill9()
    # While fw1's exporter is dead the WANs follow the roles: fw2, MASTER
    # now, gets its upstream and can vouch; fw1, BACKUP, loses its own.
    _singleton_wans(lab, "fw2")
    e1.start()
    v.expect(_wait(lambda: e1.status() is not None, 10), "restarted exporter answers")
    v.expect(_wait(lambda: st.check_status(e2.status(), CONNECTIVITY) == "ok", 5),
             "fw2, MASTER with its WAN up, vouches for its upstream")
    # Both checks report again and the restored share is re-confirmed.
    time.sleep(fall_seconds(lab) + 2)
    peak = _peak_track(lab, "fw1", t_kill)
    v.expect(peak == weight and o.track["fw1"] == weight,
             f"no doubling: the track file stays {weight} after the restart "
             f"(peak {peak}, now {o.track['fw1']})")
    s = e1.status()
    v.expect(st.contribution_of(s) == weight,
             f"fw1 reports the contribution the sink holds ({st.contribution_of(s)}): "
             f"{st.reason_of(s)!r}")
    v.expect(st.check_summary(s, CONNECTIVITY).startswith("no upstream path in BACKUP"),
             f"fw1's {CONNECTIVITY} has no fresh result: "
             f"{st.check_summary(s, CONNECTIVITY)!r}")
    v.expect(not o.changes(t_kill), f"no role change from the restart ({o.changes(t_kill)})")
    # The operator repairs fw1: WAN back (the BACKUP's WAN stays down until
    # the failback in a real singleton pair; up here so that fw1 fails back
    # to a working upstream), upstream fault and prefix healed.
    _singleton_wans(lab, "fw1")
    lab.faults.heal("fw1")
    t_heal = o.now()
    lab.set_prefix_fresh("fw1", True)
    limit = _recovery_seconds(lab) + 10
    t_zero = o.wait_event("track", "fw1", lambda x: x == 0, t_heal, limit)
    if v.expect(t_zero is not None, "fw1 withdraws its contribution after the heal"):
        v.measure("heal -> contribution withdrawn", t_zero - t_heal)
    t_back = o.wait_event("vip", "fw1", bool, t_heal, limit + 3)
    if v.expect(t_back is not None, "fw1 fails back (no stuck demotion)"):
        v.measure("heal -> fw1 MASTER", t_back - t_heal)
    time.sleep(2)
    v.expect(o.vip_gains("fw1", t_heal) == 1 and o.vip_gains("fw2", t_heal) == 0,
             f"fw1 took the VIP back once and keeps it (fw1 {o.vip_gains('fw1', t_heal)}x, "
             f"fw2 {o.vip_gains('fw2', t_heal)}x)")
    return v


def s9_upstream_fault_one_node(lab):
    """The isp drops fw1's echo requests while fw2's path works: fw2, BACKUP
    with an upstream path, vouches; the pair fails over once and stays."""
    v = Verdict(9, "upstream fault of one node, both WANs up: fails over "
                   "exactly once (default config)")
    if not _start(lab, v):
        return v
    o, e1 = lab.observer, lab.exporters["fw1"]
    fw2 = lab.exporters["fw2"].status()
    v.expect(st.check_status(fw2, CONNECTIVITY) == "ok",
             f"fw2 (BACKUP) evaluates its upstream check: "
             f"{st.check_status(fw2, CONNECTIVITY)} {st.check_summary(fw2, CONNECTIVITY)!r}")
    t0 = o.now()
    lab.faults.isp_drops_echo_from("fw1")
    expect_failover(lab, v, t0)
    # The status shows the decision once its evaluation is over.
    _wait(lambda: st.reason_of(e1.status()).startswith("demoting"), 2)
    reason = st.reason_of(e1.status())
    v.expect("peer fw2 confirms its upstream" in reason,
             f"fw1 demotes because fw2 vouches for its upstream: {reason!r}")
    # Long enough for a withdrawal (rise + hold_down) to show as a failback.
    time.sleep(_recovery_seconds(lab) + 2)
    v.expect(o.vip_gains("fw2", t0) == 1 and o.vip_gains("fw1", t0) == 0,
             f"exactly one failover (fw2 took the VIP {o.vip_gains('fw2', t0)}x, "
             f"fw1 {o.vip_gains('fw1', t0)}x)")
    v.expect(o.track["fw1"] > 0,
             f"fw1, now BACKUP, keeps its contribution ({o.track['fw1']}) while "
             "its upstream fails")
    return v


def s10_ipv4_sync_link(lab):
    """The sync link carries IPv4 only: peer address, API and probes use it,
    and a local fault on fw1 fails over."""
    v = Verdict(10, "IPv4-only sync link: peers over IPv4, a local fault fails over")
    lab.reset()
    lab.faults.sync_ipv4_only()
    peer6 = topology.ROUTER_PLAN["fw2"].sync_addr
    v.expect(not shell.succeeds(shell.ns_argv(lab.topo.ns["fw1"], [
        "ping", "-6", "-n", "-q", "-c1", "-W1", peer6])),
        f"IPv6 no longer crosses the sync link (fw1 cannot ping {peer6})")
    patches = {r: _ipv4_sync_patch(r) for r in topology.ROUTERS}
    if not _start(lab, v, patches, reset=False):
        return v
    o, e1 = lab.observer, lab.exporters["fw1"]
    peer_check = st.check_summary(e1.status(), "peer_reachability")
    v.expect(st.check_status(e1.status(), "peer_reachability") == "ok",
             f"fw1 reaches fw2 over IPv4: {peer_check!r}")
    t0 = o.now()
    lab.set_prefix_fresh("fw1", False)  # fw1 demotes only to a ready peer
    expect_failover(lab, v, t0, "local fault")
    return v


def s11_peer_upstream_fails(lab):
    """A local fault on fw1 while fw2's own upstream fails: fw2 is worse
    than fw1, so fw1 does not fail over to it."""
    v = Verdict(11, "local fault with a peer whose upstream fails: no failover")
    # Without the worse-peer rule this fails over: once fw1's prefix fails,
    # fw2 sees fw1 not ready, withdraws its own upstream share, looks ready
    # again, and fw1 demotes onto a peer with a broken upstream.
    if not _start(lab, v):
        return v
    o, e1, e2 = lab.observer, lab.exporters["fw1"], lab.exporters["fw2"]
    lab.faults.drop_upstream("fw2")
    v.expect(_wait(lambda: st.check_status(e2.status(), CONNECTIVITY) == "fail",
                   fall_seconds(lab) + 5),
             f"fw2 (BACKUP) sees its own upstream fail ({CONNECTIVITY} = "
             f"{st.check_status(e2.status(), CONNECTIVITY)})")
    time.sleep(fall_seconds(lab) + 1)  # fw1 has fetched fw2's status since
    v.note(f"fw2 track file: {o.track['fw2']}; fw2 controller: "
           f"{st.reason_of(e2.status())!r}")
    t0 = o.now()
    lab.set_prefix_fresh("fw1", False)
    # An observation window: nothing may happen in it.
    time.sleep(fall_seconds(lab) + 3)
    s = e1.status()
    v.expect(st.check_status(s, PREFIX) == "fail", "fw1 sees its local fault")
    v.expect(o.first("track", "fw1", _positive, t0) is None,
             "fw1 writes no demotion: its peer is no better")
    v.expect(not o.changes(t0), f"no role change ({o.changes(t0)})")
    reason = st.reason_of(s)
    v.expect(reason.startswith("not demoting") and "peer fw2 is no better" in reason,
             f"fw1 says why: {reason!r}")
    return v
