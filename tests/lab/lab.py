#!/usr/bin/env python3
"""Two-node IPv6 HA lab: keepalived + ipv6_ha_exporter in network namespaces.

  lab.py up      [--exporter BIN]           build the lab, live status view until Ctrl-C
  lab.py test    [--exporter BIN] [N ...]   run scenarios (default: all), verdicts, exit 1 on failure
  lab.py demo    [--exporter BIN]           scripted story: normal, fault, failover, heal, failback
  lab.py cleanup                            remove namespaces left by earlier runs

Needs root (exit 77 = skipped otherwise). See docs/lab.md.
"""

import argparse
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from ip6lab import lab_env, status, topology  # noqa: E402
from ip6lab.catalog import SCENARIOS  # noqa: E402

SKIP = 77
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_BINARY = os.path.join(REPO, "build", "exporter", "ipv6_ha_exporter")


def _sigterm(signum, frame):
    raise KeyboardInterrupt


def exporter_binary(args):
    if args.no_exporter:
        return None
    path = args.exporter or os.environ.get("IP6LAB_EXPORTER") or DEFAULT_BINARY
    return path if os.access(path, os.X_OK) else None


def check_configs(lab):
    """--check-config on each generated config; returns error text or ''."""
    errors = []
    for r, e in lab.exporters.items():
        res = lab_env.shell.subprocess.run(
            [e.binary, "--config", e.conf, "--check-config"],
            capture_output=True, text=True, timeout=10)
        if res.returncode != 0:
            errors.append(f"{r}: {e.conf}:\n{res.stdout}{res.stderr}")
    return "\n".join(errors)


def cmd_test(args):
    binary = exporter_binary(args)
    ids = args.scenarios or sorted(SCENARIOS)
    verdicts = []
    with lab_env.Lab(exporter_binary=binary, keep_files=args.keep) as lab:
        config_error = check_configs(lab) if binary else ""
        for sid in ids:
            fn, needs_exporter = SCENARIOS[sid]
            print(f"--- scenario {sid}: {fn.__doc__ or fn.__name__}", flush=True)
            if needs_exporter and not binary:
                from ip6lab.verdict import Verdict
                v = Verdict(sid, fn.__name__).skip(
                    "no exporter binary (build it or pass --exporter)")
            elif needs_exporter and config_error:
                from ip6lab.verdict import Verdict
                v = Verdict(sid, fn.__name__)
                v.expect(False, "the exporter rejects the lab config:\n" + config_error)
            else:
                try:
                    v = fn(lab)
                except lab_env.LabError as e:
                    from ip6lab.verdict import Verdict
                    v = Verdict(sid, (fn.__doc__ or fn.__name__).strip())
                    v.expect(False, str(e))
                if not v.passed and not v.skipped:
                    for r, e in lab.exporters.items():
                        if e.proc:
                            v.note(f"{r} exporter log tail:\n{e.proc.log_tail(8)}")
            verdicts.append(v)
            print(v.report(), flush=True)
        if binary and not all(v.passed or v.skipped for v in verdicts):
            with open(lab.exporters["fw1"].conf) as f:
                print(f"\n=== generated config of fw1 ({lab.exporters['fw1'].conf})\n"
                      + f.read())
        lab.stop_exporters()
    print("\n=== lab summary")
    for v in verdicts:
        print(f"  {v.label()}  {v.sid}: {v.title}")
    if verdicts and all(v.skipped for v in verdicts):
        return SKIP  # ctest shows the test as skipped, with the reason above
    return 0 if all(v.passed or v.skipped for v in verdicts) else 1


def cmd_up(args):
    with lab_env.Lab(exporter_binary=exporter_binary(args)) as lab:
        if lab.exporters:
            lab.start_exporters(wait_ready=False)
            urls = lab.forward_metrics(args.port)
            for r, url in urls.items():
                print(f"{r}: {url}/metrics   {url}/api/v1/status")
        print(f"namespaces: {' '.join(lab.topo.ns.values())}\n"
              f"  e.g. ip netns exec {lab.topo.ns['fw1']} ip -6 addr show dev lan\n"
              "Ctrl-C tears everything down.")
        time.sleep(2)
        status.view(lab)
    return 0


def cmd_demo(args):
    from ip6lab import demo
    return demo.run(exporter_binary(args), args.port)


def cmd_cleanup(args):
    removed = topology.cleanup_leftovers()
    print("removed: " + (" ".join(removed) if removed else "nothing"))
    return 0


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    for name in ("up", "test", "demo"):
        sp = sub.add_parser(name)
        sp.add_argument("--exporter", help=f"binary (default {DEFAULT_BINARY})")
        sp.add_argument("--no-exporter", action="store_true",
                        help="keepalived only (scenario 0, manual track-file writes)")
        if name != "test":
            sp.add_argument("--port", type=int, default=19646,
                            help="loopback port for fw1's /metrics; fw2 gets +1")
    test = sub.choices["test"]
    test.add_argument("scenarios", nargs="*", type=int,
                      help=f"scenario numbers {min(SCENARIOS)}-{max(SCENARIOS)} (default: all)")
    test.add_argument("--keep", action="store_true", help="keep the temp files")
    sub.add_parser("cleanup")
    args = p.parse_args(argv)
    unknown = [n for n in getattr(args, "scenarios", None) or [] if n not in SCENARIOS]
    if unknown:
        p.error(f"no scenario {unknown}; known: {sorted(SCENARIOS)}")
    if os.geteuid() != 0:
        print("SKIP: the lab needs root (network namespaces, keepalived)")
        return SKIP
    # Also when started from a shell that ignores SIGINT for background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _sigterm)
    signal.signal(signal.SIGHUP, _sigterm)
    handler = {"up": cmd_up, "test": cmd_test, "demo": cmd_demo, "cleanup": cmd_cleanup}
    try:
        return handler[args.cmd](args)
    except KeyboardInterrupt:
        print("\ninterrupted; lab torn down", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
