"""The lab network: five namespaces named <prefix>-<run id>-<role>.

    isp   targets 2001:db8:ffff::1..3 on lo, TCP listener on [::1 target]:80
     | wan1 2001:db8:1::1/64           | wan2 2001:db8:2::1/64
     | wan  2001:db8:1::2/64           | wan  2001:db8:2::2/64
    fw1 ------- sync (fd00:99::1, 10.99.0.1) --- (fd00:99::2, 10.99.0.2) ------- fw2
     | lan fd00:10::2/64                | lan fd00:10::3/64
     +----------- lan: bridge br0 (fd00:10::50/64), ports p1, p2 -----+
                 VRRP virtual address fd00:10::100 (VRID 51)

Each router reaches the isp targets only through its own WAN (default route
via its WAN gateway). DAD is off everywhere so addresses are usable at once,
and addresses survive link down (keep_addr_on_down) so a link can be
brought down and up again by a scenario.
"""

import dataclasses
import glob
import os
import shutil
import tempfile

from . import shell

PREFIX = "ip6lab"
ROUTERS = ("fw1", "fw2")


@dataclasses.dataclass(frozen=True)
class Router:
    name: str
    wan_addr: str
    wan_gw: str
    isp_if: str
    lan_addr: str
    sync_addr: str
    sync_addr4: str
    bridge_port: str
    priority: int


TARGETS = ("2001:db8:ffff::1", "2001:db8:ffff::2", "2001:db8:ffff::3")
TCP_TARGET = (TARGETS[0], 80)
VIP = "fd00:10::100"
VIP_PLEN = 64
LAN_CLIENT = "fd00:10::50"
VRID = 51

ROUTER_PLAN = {
    "fw1": Router("fw1", "2001:db8:1::2", "2001:db8:1::1", "wan1", "fd00:10::2",
                  "fd00:99::1", "10.99.0.1", "p1", 150),
    "fw2": Router("fw2", "2001:db8:2::2", "2001:db8:2::1", "wan2", "fd00:10::3",
                  "fd00:99::2", "10.99.0.2", "p2", 100),
}


def peer_of(name):
    return "fw2" if name == "fw1" else "fw1"


class Topology:
    """Creates the namespaces and links; destroy() removes them (idempotent)."""

    def __init__(self, run_id):
        self.run_id = run_id
        self.ns = {role: f"{PREFIX}-{run_id}-{role}"
                   for role in ("isp", "fw1", "fw2", "lan")}
        self.created = []

    def build(self):
        for role, ns in self.ns.items():
            shell.run(["ip", "netns", "add", ns])
            self.created.append(ns)
            for key in ("all", "default"):
                self.sysctl(role, f"net.ipv6.conf.{key}.accept_dad", "0")
                self.sysctl(role, f"net.ipv6.conf.{key}.keep_addr_on_down", "1")
            self.ip(role, "link", "set", "lo", "up")
        self._build_isp()
        self._build_lan()
        for name in ROUTERS:
            self._build_router(ROUTER_PLAN[name])
        self._veth("fw1", "sync", "fw2", "sync")
        for name in ROUTERS:
            r = ROUTER_PLAN[name]
            self.ip(name, "-6", "addr", "add", f"{r.sync_addr}/64", "dev", "sync", "nodad")
            self.ip(name, "addr", "add", f"{r.sync_addr4}/24", "dev", "sync")
            self.ip(name, "link", "set", "sync", "up")

    def _veth(self, a_role, a_if, b_role, b_if):
        shell.run(["ip", "link", "add", a_if, "netns", self.ns[a_role], "type", "veth",
                   "peer", "name", b_if, "netns", self.ns[b_role]])

    def _build_isp(self):
        for t in TARGETS:
            self.ip("isp", "-6", "addr", "add", f"{t}/128", "dev", "lo")

    def _build_lan(self):
        self.ip("lan", "link", "add", "br0", "type", "bridge", "mcast_snooping", "0")
        self.ip("lan", "link", "set", "br0", "up")
        self.ip("lan", "-6", "addr", "add", f"{LAN_CLIENT}/64", "dev", "br0", "nodad")

    def _build_router(self, r):
        n = r.name
        self.sysctl(n, "net.ipv6.conf.all.forwarding", "1")
        self._veth(n, "wan", "isp", r.isp_if)
        self.ip(n, "-6", "addr", "add", f"{r.wan_addr}/64", "dev", "wan", "nodad")
        self.ip("isp", "-6", "addr", "add", f"{r.wan_gw}/64", "dev", r.isp_if, "nodad")
        self.ip(n, "link", "set", "wan", "up")
        self.ip("isp", "link", "set", r.isp_if, "up")
        self.ip(n, "-6", "route", "add", "default", "via", r.wan_gw, "dev", "wan")
        self._veth(n, "lan", "lan", r.bridge_port)
        self.ip("lan", "link", "set", r.bridge_port, "master", "br0")
        self.ip("lan", "link", "set", r.bridge_port, "up")
        self.ip(n, "-6", "addr", "add", f"{r.lan_addr}/64", "dev", "lan", "nodad")
        self.ip(n, "link", "set", "lan", "up")

    def ip(self, role, *args, check=True):
        return shell.run(["ip", "-n", self.ns[role]] + list(args), check=check)

    def sysctl(self, role, key, value):
        shell.run_in(self.ns[role], ["sysctl", "-qw", f"{key}={value}"])

    def link(self, role, ifname, up):
        self.ip(role, "link", "set", ifname, "up" if up else "down")
        if up and ifname == "wan" and role in ROUTER_PLAN:
            # The kernel drops the default route with the link; put it back.
            self.ip(role, "-6", "route", "replace", "default", "via",
                    ROUTER_PLAN[role].wan_gw, "dev", "wan")

    def has_vip(self, role):
        """True when the VRRP virtual address is on this router's LAN."""
        out = self.ip(role, "-6", "-o", "addr", "show", "dev", "lan", check=False)
        return f" {VIP}/" in out

    def destroy(self):
        for ns in list(self.created):
            kill_namespace_processes(ns)
            shell.run(["ip", "netns", "del", ns], check=False)
            self.created.remove(ns)


def kill_namespace_processes(ns):
    """Kills what still runs inside one of *our* lab namespaces."""
    out = shell.run(["ip", "netns", "pids", ns], check=False)
    for pid in out.split():
        shell.run(["kill", "-9", pid], check=False)


def cleanup_leftovers(prefix=PREFIX):
    """Removes namespaces of earlier lab runs (name starts with `prefix-`)."""
    removed = []
    for line in shell.run(["ip", "netns", "list"], check=False).splitlines():
        ns = line.split()[0] if line.split() else ""
        if ns.startswith(prefix + "-"):
            kill_namespace_processes(ns)
            shell.run(["ip", "netns", "del", ns], check=False)
            removed.append(ns)
    # Temp dirs <tmp>/<prefix>-<pid>-*, of runs whose process is gone.
    for path in glob.glob(os.path.join(tempfile.gettempdir(), prefix + "-*-*")):
        pid = os.path.basename(path).split("-")[1]
        if pid.isdigit() and not os.path.exists(f"/proc/{pid}"):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed
