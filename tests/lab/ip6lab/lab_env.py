"""One running lab: topology + keepalived (+ exporters) + observer + faults.

Use as a context manager; leaving it (normally, by exception or Ctrl-C)
stops every process it started and deletes every namespace and temp file.
"""

import os
import shutil
import sys
import tempfile
import time

from . import exporter as exporter_mod
from . import faults, keepalived, netns, observe, shell, topology

_TCP_LISTENER = """
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(({host!r}, {port}))
s.listen(64)
while True:
    c, _ = s.accept()
    c.close()
"""


class LabError(RuntimeError):
    pass


class Lab:
    def __init__(self, exporter_binary=None, tuning=None, ping_script=None,
                 keep_files=False, log=None):
        self.run_id = str(os.getpid())
        self.exporter_binary = exporter_binary
        self.tuning = tuning or exporter_mod.Tuning()
        self.ping_script = ping_script
        self.keep_files = keep_files
        self.log = log or (lambda msg: print(msg, file=sys.stderr, flush=True))
        self.topo = topology.Topology(self.run_id)
        self.tmp = None
        self.keepalived = {}
        self.exporters = {}
        self.procs = []
        self.forwards = []
        self.observer = None
        self.faults = faults.Faults(self.topo)

    # -- lifecycle ---------------------------------------------------------
    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def workdir(self, router):
        return os.path.join(self.tmp, router)

    def track_file(self, router):
        return os.path.join(self.workdir(router), "demote")

    def start(self):
        self.tmp = tempfile.mkdtemp(prefix=f"{topology.PREFIX}-{self.run_id}-")
        self.log(f"lab {self.run_id}: namespaces {' '.join(self.topo.ns.values())}, "
                 f"files in {self.tmp}")
        self.topo.build()
        host, port = topology.TCP_TARGET
        self.procs.append(shell.Proc(
            "tcp-listener", self.topo.ns["isp"],
            [sys.executable, "-c", _TCP_LISTENER.format(host=host, port=port)],
            os.path.join(self.tmp, "tcp-listener.log")))
        for r in topology.ROUTERS:
            os.makedirs(self.workdir(r))
            if self.exporter_binary:
                self.exporters[r] = exporter_mod.Exporter(
                    self.topo, r, self.workdir(r), self.exporter_binary, self.tuning)
            self.keepalived[r] = keepalived.Keepalived(
                self.topo, r, self.workdir(r), self.track_file(r),
                ping_script=self.ping_script).start()
        self._warm_up()
        self.observer = observe.Observer(
            self.topo, {r: self.track_file(r) for r in topology.ROUTERS})
        if not self.observer.wait_master("fw1", 15):
            raise LabError("fw1 did not become VRRP MASTER within 15 s; "
                           f"keepalived log:\n{self.keepalived['fw1'].proc.log_tail()}")
        self.log(f"lab {self.run_id}: fw1 is MASTER")

    def _warm_up(self):
        """Resolves neighbours once (the first packet otherwise waits ~1 s
        for neighbour discovery, longer than a 150 ms probe timeout)."""
        for r in topology.ROUTERS:
            peer = topology.ROUTER_PLAN[topology.peer_of(r)]
            for dst in topology.TARGETS + (peer.sync_addr, topology.LAN_CLIENT):
                ok = shell.wait_for(lambda: self._ping(r, dst), 6)
                if not ok:
                    raise LabError(f"{r} cannot reach {dst}")

    def _ping(self, router, dst):
        return shell.succeeds(shell.ns_argv(self.topo.ns[router], [
            "ping", "-6", "-n", "-q", "-c1", "-W1", dst]))

    def close(self):
        for fwd in self.forwards:
            fwd.close()
        self.forwards = []
        if self.observer:
            self.observer.stop()
        for e in self.exporters.values():
            e.stop()
        for k in self.keepalived.values():
            k.stop()
        for p in self.procs:
            p.stop(grace=1)
        self.topo.destroy()
        if self.tmp and not self.keep_files:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- exporters ---------------------------------------------------------
    def start_exporters(self, routers=topology.ROUTERS, wait_ready=True, timeout=15):
        if not self.exporters:
            raise LabError("no exporter binary given")
        for r in routers:
            self.exporters[r].start()
        if wait_ready:
            for r in routers:
                e = self.exporters[r]
                if not shell.wait_for(lambda: e.status() or not e.alive(), timeout) \
                        or not e.alive():
                    how = (f"exited with {e.proc.popen.returncode}" if not e.alive()
                           else f"did not answer /api/v1/status within {timeout} s")
                    raise LabError(f"exporter {r} {how}; config {e.conf}; log:\n"
                                   f"{e.proc.log_tail()}")

    def stop_exporters(self):
        for e in self.exporters.values():
            e.stop()

    def forward_metrics(self, base_port=19646):
        """127.0.0.1:base_port -> fw1 exporter, base_port+1 -> fw2."""
        urls = {}
        for i, r in enumerate(topology.ROUTERS):
            fwd = netns.PortForward(base_port + i, self.topo.ns[r], "127.0.0.1",
                                    exporter_mod.PORT)
            self.forwards.append(fwd)
            urls[r] = f"http://127.0.0.1:{fwd.local_port}"
        return urls

    # -- state helpers -----------------------------------------------------
    def write_track(self, router, value):
        shell.write_atomic(self.track_file(router), f"{int(value)}\n")

    def set_prefix_fresh(self, router, fresh):
        exporter_mod.write_pds(self.exporters[router].files["pds_file"], fresh)

    def reset(self, timeout=15):
        """Back to normal: no faults, fresh prefixes, links up, exporters
        stopped with state removed, track files 0, keepalived running, fw1
        MASTER."""
        self.faults.heal_all()
        self.stop_exporters()
        for r in topology.ROUTERS:
            for ifname in ("wan", "lan", "sync"):
                self.topo.link(r, ifname, True)
            if r in self.exporters:
                files = self.exporters[r].files
                exporter_mod.write_pds(files["pds_file"], True)
                if os.path.exists(files["state_file"]):
                    os.remove(files["state_file"])
                self.exporters[r].patch = {}
                self.exporters[r].write_config()
            self.write_track(r, 0)
            if not self.keepalived[r].alive():
                self.keepalived[r].start()
        if not self.observer.wait_master("fw1", timeout):
            raise LabError(f"reset: fw1 not MASTER after {timeout} s "
                           f"(master: {self.observer.master()})")
        time.sleep(0.3)  # let both keepalived settle on the new adverts
