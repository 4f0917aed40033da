"""Fault injection with nftables inside the lab namespaces.

Each fault is one table named `ip6lab_fault_<name>` in one namespace, so
healing is deleting that table. Drops match the isp target addresses only,
so neighbour discovery on the links keeps working (the router still sees
its gateway; only the path to the "internet" breaks).
"""

from . import shell, topology

_TARGET_SET = "{ " + ", ".join(topology.TARGETS) + " }"


class Faults:
    def __init__(self, topo):
        self.topo = topo
        self.active = set()  # (role, table)

    def _table(self, role, name, rules):
        table = f"ip6lab_fault_{name}"
        script = [f"add table inet {table}"]
        for chain, hook in (("out", "output"), ("fwd", "forward"), ("in", "input")):
            chain_name = f"lab_{chain}"  # `fwd` alone is an nft keyword
            script.append(f"add chain inet {table} {chain_name} "
                          f"{{ type filter hook {hook} priority -10; policy accept; }}")
            for rule in rules.get(chain, []):
                script.append(f"add rule inet {table} {chain_name} {rule}")
        shell.run_in(self.topo.ns[role], ["nft", "-f", "-"],
                     input_text="\n".join(script) + "\n")
        self.active.add((role, table))

    def drop_upstream(self, router, icmp_only=False):
        """Node-local fault: `router` loses IPv6 to the isp targets."""
        match = f"ip6 daddr {_TARGET_SET}"
        if icmp_only:
            match += " meta l4proto ipv6-icmp"
        self._table(router, f"{router}_upstream",
                    {"out": [f"{match} drop"], "fwd": [f"{match} drop"]})

    def loss(self, router, percent):
        """Random loss of `percent`% on `router`'s traffic to the targets."""
        rule = f"ip6 daddr {_TARGET_SET} numgen random mod 100 < {int(percent)} drop"
        self._table(router, f"{router}_loss", {"out": [rule], "fwd": [rule]})

    def isp_drops_echo_from(self, router):
        """An upstream fault of one node with both WANs up: the isp drops
        the echo requests `router` sends from its WAN address; the other
        router's path works."""
        src = topology.ROUTER_PLAN[router].wan_addr
        rule = (f"ip6 saddr {src} ip6 daddr {_TARGET_SET} "
                "icmpv6 type echo-request drop")
        self._table("isp", f"isp_echo_{router}", {"in": [rule]})

    def sync_ipv4_only(self):
        """Both routers drop every IPv6 packet on the sync link: what still
        works between them there is IPv4."""
        for router in topology.ROUTERS:
            self._table(router, f"{router}_sync_v4_only", {
                "out": ['oifname "sync" meta nfproto ipv6 drop'],
                "in": ['iifname "sync" meta nfproto ipv6 drop']})

    def isp_outage(self):
        """Shared upstream outage: the isp drops everything to its targets."""
        self._table("isp", "isp_outage", {"in": [f"ip6 daddr {_TARGET_SET} drop"]})

    def heal(self, role=None, name=None):
        for r, table in sorted(self.active):
            if role is not None and r != role:
                continue
            if name is not None and table != f"ip6lab_fault_{name}":
                continue
            shell.run_in(self.topo.ns[r], ["nft", "delete", "table", "inet", table],
                         check=False)
            self.active.discard((r, table))

    def heal_all(self):
        self.heal()
