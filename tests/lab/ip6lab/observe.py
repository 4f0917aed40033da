"""Watching the pair: who holds the VIP, what the track files say.

`Observer` runs two daemon threads: one polls VIP presence on both routers
every 50 ms (one `ip -6 addr` per router), one reads both track files every
10 ms. Every change is an event (monotonic time, kind, router, value), so a
scenario can measure fault -> demotion written and fault -> failover.
"""

import threading
import time

from . import topology


def read_track(path):
    try:
        with open(path) as f:
            text = f.read(127).strip()
        return int(text) if text else 0
    except (OSError, ValueError):
        return 0  # keepalived counts a missing or non-numeric file as 0


class Observer:
    def __init__(self, topo, track_files, role_period=0.05, track_period=0.01):
        self.topo = topo
        self.track_files = track_files  # router -> path
        self.role_period, self.track_period = role_period, track_period
        self.lock = threading.Lock()
        self.events = []
        self.vip = {r: None for r in topology.ROUTERS}
        self.track = {r: None for r in topology.ROUTERS}
        self.stopped = False
        self.enabled = {r: True for r in topology.ROUTERS}
        self._threads = [threading.Thread(target=self._poll_roles, daemon=True),
                         threading.Thread(target=self._poll_tracks, daemon=True)]
        for t in self._threads:
            t.start()

    def _record(self, kind, router, value, store):
        with self.lock:
            if store[router] != value:
                store[router] = value
                self.events.append((time.monotonic(), kind, router, value))

    def _poll_roles(self):
        while not self.stopped:
            for r in topology.ROUTERS:
                try:
                    self._record("vip", r, self.topo.has_vip(r), self.vip)
                except Exception:  # namespace going away during teardown
                    pass
            time.sleep(self.role_period)

    def _poll_tracks(self):
        while not self.stopped:
            for r in topology.ROUTERS:
                self._record("track", r, read_track(self.track_files[r]), self.track)
            time.sleep(self.track_period)

    def stop(self):
        self.stopped = True
        for t in self._threads:
            t.join(timeout=2)

    def master(self):
        with self.lock:
            holders = [r for r in topology.ROUTERS if self.vip[r]]
        if len(holders) == 1:
            return holders[0]
        return "both" if holders else "none"

    def now(self):
        return time.monotonic()

    def first(self, kind, router, pred, since):
        """Time of the first event at/after `since` matching, or None."""
        with self.lock:
            for t, k, r, v in self.events:
                if t >= since and k == kind and r == router and pred(v):
                    return t
        return None

    def wait_event(self, kind, router, pred, since, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            t = self.first(kind, router, pred, since)
            if t is not None:
                return t
            time.sleep(0.01)
        return self.first(kind, router, pred, since)

    def wait_master(self, router, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.master() == router:
                return True
            time.sleep(0.02)
        return self.master() == router

    def vip_gains(self, router, since):
        """How many times `router` acquired the VIP since `since`."""
        with self.lock:
            return sum(1 for t, k, r, v in self.events
                       if t >= since and k == "vip" and r == router and v)

    def changes(self, since):
        with self.lock:
            return [e for e in self.events if e[0] >= since and e[1] == "vip"]
