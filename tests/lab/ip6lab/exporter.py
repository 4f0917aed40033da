"""ipv6_ha_exporter in one router namespace: its YAML config and process.

The config follows DESIGN.md section 5. Everything the lab tunes is in
`Tuning`; anything else can be patched without editing this file with the
environment variable IP6LAB_EXPORTER_PATCH, a JSON object deep-merged into the
generated config (a null value deletes a key), e.g.
  IP6LAB_EXPORTER_PATCH='{"checks": {"ipv6_connectivity": {"method": "tcp"}}}'
IP6LAB_API_FAMILY=4 makes the exporters listen and reach each other over the
IPv4 addresses of the sync link (for builds whose HTTP server cannot listen
on IPv6).
"""

import dataclasses
import datetime
import json
import os

from . import netns, shell, topology

PORT = 9646


@dataclasses.dataclass
class Tuning:
    probe_interval: str = "200ms"
    probe_timeout: str = "150ms"
    # Probes per target per run (the exporter's default): under scenario 4's
    # 30% random loss a run fails with 0.3^(3 x 3) instead of 0.3^3, so
    # `fall` failed runs in a row stop happening (docs/checks.md).
    probes: int = 3
    quorum: int = 1
    connectivity_weight: int = 100
    prefix_weight: int = 100
    peer_interval: str = "200ms"
    peer_timeout: str = "300ms"
    role_poll: str = "100ms"
    fall: int = 3
    rise: int = 5
    hold_down: str = "3s"
    upstream_failover: str = "peer_confirmed"
    flap_changes: int = 4
    flap_window: str = "2m"


def api_family():
    return os.environ.get("IP6LAB_API_FAMILY", "6")


def api_host(router):
    r = topology.ROUTER_PLAN[router]
    return r.sync_addr if api_family() == "6" else r.sync_addr4


def api_url(router):
    h = api_host(router)
    return f"http://[{h}]:{PORT}" if ":" in h else f"http://{h}:{PORT}"


def config_dict(router, files, tuning):
    """The exporter config for `router` as a dict. files: dict with
    track_file, state_file, pds_file."""
    peer = topology.peer_of(router)
    host = api_host(router)
    listen_host = f"[{host}]" if ":" in host else host
    t = tuning
    return {
        "listen": [f"{listen_host}:{PORT}", f"127.0.0.1:{PORT}"],
        "node": {"name": router},
        "role": {"source": "vip", "vip": topology.VIP, "poll_interval": t.role_poll},
        "peer": {"name": peer, "address": topology.ROUTER_PLAN[peer].sync_addr,
                 "api": api_url(peer), "timeout": t.peer_timeout},
        "checks": {
            "prefix_freshness": {"pds_file": files["pds_file"], "max_age": "1h",
                                 "min_active": 1, "weight": t.prefix_weight,
                                 "interval": t.probe_interval},
            # backup_policy is left at its default, auto: a BACKUP whose WAN
            # has a route and a global address evaluates the check and can
            # vouch for its upstream; one whose WAN is down (scenario 3, the
            # singleton setup) reports unknown.
            "ipv6_connectivity": {"targets": list(topology.TARGETS), "method": "icmp",
                                  "interval": t.probe_interval,
                                  "timeout": t.probe_timeout, "probes": t.probes,
                                  "quorum": t.quorum,
                                  "weight": t.connectivity_weight},
            "peer_reachability": {"interval": t.peer_interval},
        },
        "demotion": {
            "enabled": True,
            "sink": "keepalived_track_file",
            "track_file": files["track_file"],
            "state_file": files["state_file"],
            "fall": t.fall,
            "rise": t.rise,
            "hold_down": t.hold_down,
            "max": 240,
            "upstream_failover": t.upstream_failover,
            "flap_guard": {"changes": t.flap_changes, "window": t.flap_window},
        },
    }


def deep_merge(base, patch):
    for key, value in patch.items():
        if value is None:
            base.pop(key, None)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            deep_merge(base[key], value)
        else:
            base[key] = value
    return base


def to_yaml(value, indent=0):
    """Block-style YAML for dicts of scalars/lists/dicts (strings JSON-quoted,
    which YAML accepts)."""
    pad = "  " * indent
    out = []
    for key, v in value.items():
        if isinstance(v, dict):
            out.append(f"{pad}{key}:")
            out.append(to_yaml(v, indent + 1))
        elif isinstance(v, list):
            out.append(f"{pad}{key}: [{', '.join(_scalar(x) for x in v)}]")
        else:
            out.append(f"{pad}{key}: {_scalar(v)}")
    return "\n".join(out)


def _scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    return json.dumps(str(v))


def render_config(router, files, tuning, scenario_patch=None):
    cfg = config_dict(router, files, tuning)
    patch = os.environ.get("IP6LAB_EXPORTER_PATCH")
    if patch:
        deep_merge(cfg, json.loads(patch))
    if scenario_patch:
        deep_merge(cfg, json.loads(json.dumps(scenario_patch)))
    return f"# generated by tests/lab for {router}\n" + to_yaml(cfg) + "\n"


def pds_json(fresh, now=None):
    """A dhcp6c-pds.json (new format) whose timestamps are now (fresh) or
    three hours old (stale). Timestamps are local time without zone."""
    now = now or datetime.datetime.now()
    ts = now if fresh else now - datetime.timedelta(hours=3)
    stamp = ts.strftime("%Y-%m-%dT%H:%M:%S.%f")
    pd = {"prefix": "2001:db8:1100::/56", "interface": "wan", "status": "active",
          "created": stamp, "last_updated": stamp, "last_seen": stamp,
          "prefix_history": [{"prefix": "2001:db8:1100::/56", "timestamp": stamp}]}
    doc = {"summary": {"total_pds": 1, "active_pds": 1, "missing_prefix_files": 0,
                       "last_run": stamp},
           "prefix_delegations": {"0": pd}}
    return json.dumps(doc, indent=2) + "\n", ts.timestamp()


def write_pds(path, fresh):
    text, mtime = pds_json(fresh)
    shell.write_atomic(path, text, mtime)


class Exporter:
    """One exporter: config written on construction, start/stop/kill9."""

    def __init__(self, topo, router, workdir, binary, tuning):
        self.topo, self.router, self.workdir, self.binary = topo, router, workdir, binary
        self.files = {"track_file": os.path.join(workdir, "demote"),
                      "state_file": os.path.join(workdir, "exporter.state"),
                      "pds_file": os.path.join(workdir, "dhcp6c-pds.json")}
        self.conf = os.path.join(workdir, "ipv6_ha_exporter.yml")
        self.tuning = tuning
        self.patch = {}  # per scenario, deep-merged last; reset() clears it
        self.proc = None
        self.write_config()
        if not os.path.exists(self.files["pds_file"]):
            write_pds(self.files["pds_file"], fresh=True)

    def write_config(self):
        with open(self.conf, "w") as f:
            f.write(render_config(self.router, self.files, self.tuning, self.patch))

    def check_config(self):
        return shell.run([self.binary, "--config", self.conf, "--check-config"],
                         check=False)

    def start(self):
        self.proc = shell.Proc(f"exporter-{self.router}", self.topo.ns[self.router],
                               [self.binary, "--config", self.conf],
                               os.path.join(self.workdir, "exporter.log"))
        return self

    def alive(self):
        return self.proc is not None and self.proc.alive()

    def stop(self):
        if self.proc is not None:
            self.proc.stop()
            self.proc = None

    def kill9(self):
        if self.proc is not None:
            self.proc.kill9()
            self.proc = None

    def get(self, path, timeout=0.5):
        return netns.http_get(self.topo.ns[self.router], "127.0.0.1", PORT, path,
                              timeout)

    def status(self):
        """The parsed /api/v1/status, or None."""
        res = self.get("/api/v1/status")
        if not res or res[0] != 200:
            return None
        try:
            return json.loads(res[1])
        except ValueError:
            return None
