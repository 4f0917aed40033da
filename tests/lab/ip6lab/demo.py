"""The README demo: the lab with a live status view and a scripted story.

normal -> local fault on fw1 (IPv6 to the isp dropped) -> failover to fw2
-> heal -> fw1 withdraws after rise + hold_down -> failback. Ctrl-C (or the
end of the story) tears everything down.
"""

import sys
import threading
import time

from . import lab_env, status, topology
from .scenarios import _wait


class _Screen:
    """Prints the story lines above the status view every 0.5 s."""

    def __init__(self, lab, out=sys.stdout):
        self.lab, self.out, self.story, self.stopped = lab, out, [], False
        self.tty = out.isatty()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def say(self, line):
        self.story.append(time.strftime("%H:%M:%S ") + line)
        if not self.tty:
            self.out.write(">>> " + line + "\n")
            self.out.flush()

    def _run(self):
        tick = 0
        while not self.stopped:
            tick += 1
            try:
                body = status.render(self.lab)
            except Exception as e:  # the lab is being torn down
                body = [f"(status unavailable: {e})"]
            if self.tty:
                text = "\n".join(self.story[-8:] + [""] + body)
                self.out.write("\x1b[H\x1b[J" + text + "\n")
            elif tick % 4 == 1:  # piped: every 2 s is enough
                self.out.write("\n".join(body) + "\n\n")
            self.out.flush()
            time.sleep(0.5)

    def stop(self):
        self.stopped = True
        self._thread.join(timeout=2)


def run(binary, port):
    with lab_env.Lab(exporter_binary=binary, log=lambda m: print(m, flush=True)) as lab:
        if binary:
            lab.start_exporters()
            urls = lab.forward_metrics(port)
            for r, url in urls.items():
                print(f"{r}: {url}/metrics  {url}/api/v1/status")
        else:
            print("exporter binary not found: showing the keepalived side only, "
                  "with manual writes to fw1's track file")
        time.sleep(3)
        screen = _Screen(lab)
        try:
            _story(lab, screen, with_exporter=bool(binary))
        finally:
            screen.stop()
    return 0


def _story(lab, screen, with_exporter):
    o = lab.observer
    screen.say(f"normal: fw1 (priority 150) holds {topology.VIP}, fw2 (100) is BACKUP")
    time.sleep(8)
    t0 = o.now()
    if with_exporter:
        screen.say("FAULT: nftables in fw1 drops IPv6 to the isp (a node-local fault)")
        lab.faults.drop_upstream("fw1")
    else:
        screen.say("writing 60 into fw1's track file (what the exporter would do)")
        lab.write_track("fw1", 60)
    t_dem = o.wait_event("track", "fw1", lambda v: v > 0, t0, 10)
    t_fail = o.wait_event("vip", "fw2", bool, t0, 10)
    screen.say("fault -> demotion written: "
               + (f"{(t_dem - t0) * 1000:.0f} ms" if t_dem else "not seen")
               + ";  fault -> fw2 MASTER: "
               + (f"{(t_fail - t0) * 1000:.0f} ms" if t_fail else "not seen"))
    time.sleep(8)
    t1 = o.now()
    if with_exporter:
        screen.say("HEAL: rules removed; fw1 withdraws only after rise + hold_down")
        lab.faults.heal_all()
    else:
        screen.say("writing 0 into fw1's track file")
        lab.write_track("fw1", 0)
    _wait(lambda: o.master() == "fw1", 30)
    t_back = o.first("vip", "fw1", bool, t1)
    screen.say("failback: fw1 MASTER again after "
               + (f"{(t_back - t1):.1f} s" if t_back else "(not yet)"))
    time.sleep(8)
    screen.say("end of story; tearing the lab down")
    time.sleep(1)
