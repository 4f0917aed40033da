"""Reading an exporter's /api/v1/status, and the lab's live status view.

The status JSON is read tolerantly (DESIGN.md fixes only: node, role,
checks, controller), so the view works while the API grows.
"""

import json
import sys
import time

from . import observe, topology


def role_of(status):
    role = (status or {}).get("role")
    if isinstance(role, dict):
        role = role.get("role") or role.get("state") or role.get("current")
    return str(role) if role is not None else "?"


def checks_of(status):
    """[(name, status, summary)] in the order given."""
    checks = (status or {}).get("checks") or []
    if isinstance(checks, dict):
        checks = [dict(v, name=k) if isinstance(v, dict) else {"name": k, "status": v}
                  for k, v in checks.items()]
    return [(c.get("name", "?"), str(c.get("status", "?")), str(c.get("summary", "")))
            for c in checks if isinstance(c, dict)]


def check_status(status, name):
    for n, s, _ in checks_of(status):
        if n == name:
            return s
    return None


def check_summary(status, name):
    for n, _, summary in checks_of(status):
        if n == name:
            return summary
    return ""


def controller_of(status):
    s = status or {}
    c = s.get("controller") or s.get("demotion") or {}
    return c if isinstance(c, dict) else {"value": c}


def contribution_of(status):
    c = controller_of(status)
    for key in ("contribution", "applied", "current", "demotion", "value"):
        if isinstance(c.get(key), (int, float)):
            return c[key]
    return None


def reason_of(status):
    c = controller_of(status)
    for key in ("reason", "decision", "suppressed", "suppression", "summary", "why"):
        v = c.get(key)
        if isinstance(v, str) and v:
            return v
        if isinstance(v, dict) and v:
            return json.dumps(v, sort_keys=True)
    return ""


def suppressed_of(status):
    """The controller's list of reasons holding back a demotion, or None
    when the status does not have one."""
    v = controller_of(status).get("suppressed")
    if isinstance(v, list):
        return [str(x) for x in v]
    return None


def flap_guard_engaged(status):
    c = controller_of(status)
    for key in ("flap_guard", "frozen", "flapping"):
        v = c.get(key)
        if isinstance(v, dict):
            v = v.get("engaged", v.get("active", v.get("frozen")))
        if v:
            return True
    return False


def render(lab):
    """Text lines: one block per router."""
    lines = [time.strftime("%H:%M:%S") + f"  lab {lab.run_id}   VIP {topology.VIP}"
             f"   VRRP master: {lab.observer.master()}"]
    for r in topology.ROUTERS:
        vip = lab.observer.vip.get(r)
        track = observe.read_track(lab.track_file(r))
        ka = "up" if lab.keepalived[r].alive() else "DOWN"
        line = (f"{r}: vrrp {'MASTER' if vip else 'backup'} (keepalived {ka}, "
                f"priority {lab.keepalived[r].effective_priority()}) track_file={track}")
        lines.append(line)
        exp = lab.exporters.get(r)
        if exp is None:
            lines.append("     exporter: not configured")
            continue
        st = exp.status() if exp.alive() else None
        if st is None:
            if exp.alive():
                lines.append("     exporter: no answer on /api/v1/status")
            elif exp.proc is not None:
                last = (exp.proc.log_tail(1) or "").strip()
                lines.append(f"     exporter: exited ({exp.proc.popen.returncode}): "
                             f"{last[:90]}")
            else:
                lines.append("     exporter: not running")
            continue
        lines.append(f"     exporter role={role_of(st)} contribution={contribution_of(st)}"
                     f"{'  FLAP GUARD' if flap_guard_engaged(st) else ''}")
        for name, s, summary in checks_of(st):
            lines.append(f"       {name:<20} {s:<8} {summary[:70]}")
        reason = reason_of(st)
        if reason:
            lines.append(f"     controller: {reason[:100]}")
    return lines


def view(lab, stop_pred=lambda: False, period=0.5, out=sys.stdout):
    """Prints the view every `period` s until stop_pred() (or Ctrl-C)."""
    tty = out.isatty()
    while not stop_pred():
        text = "\n".join(render(lab))
        if tty:
            out.write("\x1b[H\x1b[J" + text + "\n")
        else:
            out.write(text + "\n\n")
        out.flush()
        time.sleep(period)
