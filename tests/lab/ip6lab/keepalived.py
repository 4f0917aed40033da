"""keepalived (VRRPv3 over IPv6) in one router namespace.

Two ways to lower the priority of a node:
  * track_file (the exporter's sink): priority += value * weight, weight -1;
  * vrrp_script (the usual ping script; the benchmark's baseline).
Both routers start as BACKUP; the higher priority (fw1) wins, preemption on.
"""

import os
import re

from . import shell, topology

KEEPALIVED = "/usr/sbin/keepalived"
ADVERT_INT = "0.2"  # VRRPv3 takes centiseconds; 3 adverts + skew ~ 0.7 s


def track_file_config(router, track_file, advert_int=ADVERT_INT, ping_script=None):
    """keepalived.conf text. ping_script: None, or dict(target, interval, fall,
    rise, weight) for a `vrrp_script` running ping -6 -c1 -W1 target."""
    r = topology.ROUTER_PLAN[router]
    lines = [
        "global_defs {",
        f"  router_id {router}",
        "  script_user root",
        "  enable_script_security",
        "}",
        "track_file demote {",
        f"  file \"{track_file}\"",
        "  weight -1",
        "}",
    ]
    if ping_script:
        s = ping_script
        lines += [
            "vrrp_script ping6 {",
            f"  script \"/usr/bin/ping -6 -n -q -c1 -W1 {s['target']}\"",
            f"  interval {s.get('interval', 1)}",
            f"  timeout {s.get('timeout', 2)}",
            f"  fall {s.get('fall', 3)}",
            f"  rise {s.get('rise', 3)}",
            f"  weight {s.get('weight', -60)}",
            "}",
        ]
    lines += [
        "vrrp_instance LAN6 {",
        "  state BACKUP",
        "  interface lan",
        f"  virtual_router_id {topology.VRID}",
        f"  priority {r.priority}",
        f"  advert_int {advert_int}",
        "  native_ipv6",
        "  virtual_ipaddress {",
        f"    {topology.VIP}/{topology.VIP_PLEN} dev lan",
        "  }",
        "  track_file {",
        "    demote",
        "  }",
    ]
    if ping_script:
        lines += ["  track_script {", "    ping6", "  }"]
    lines += ["}", ""]
    return "\n".join(lines)


class Keepalived:
    """keepalived -n (foreground) for one router, files under `workdir`."""

    def __init__(self, topo, router, workdir, track_file, ping_script=None):
        self.topo = topo
        self.router = router
        self.workdir = workdir
        self.track_file = track_file
        self.conf = os.path.join(workdir, "keepalived.conf")
        with open(self.conf, "w") as f:
            f.write(track_file_config(router, track_file, ping_script=ping_script))
        if not os.path.exists(track_file):
            shell.write_atomic(track_file, "0\n")
        self.proc = None

    def start(self):
        argv = [KEEPALIVED, "-n", "-l", "-D", "-P", "-f", self.conf,
                "-p", os.path.join(self.workdir, "keepalived.pid"),
                "-r", os.path.join(self.workdir, "vrrp.pid")]
        self.proc = shell.Proc(f"keepalived-{self.router}", self.topo.ns[self.router],
                               argv, os.path.join(self.workdir, "keepalived.log"))
        return self

    def alive(self):
        return self.proc is not None and self.proc.alive()

    def effective_priority(self):
        """The priority keepalived last logged for the instance (it logs
        "(LAN6) Changing effective priority from 150 to 90"); the configured
        priority when it has not changed since start."""
        prio = topology.ROUTER_PLAN[self.router].priority
        try:
            with open(os.path.join(self.workdir, "keepalived.log"), errors="replace") as f:
                text = f.read()
        except OSError:
            return None
        starts = text.rfind("Starting VRRP child process")
        for m in re.finditer(r"Changing effective priority from \d+ to (\d+)",
                             text[max(starts, 0):]):
            prio = int(m.group(1))
        return prio

    def stop(self):
        if self.proc is not None:
            self.proc.stop()
            self.proc = None
