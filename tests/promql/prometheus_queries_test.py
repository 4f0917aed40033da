#!/usr/bin/env python3
"""Every PromQL expression of the dashboards and alert rules, run against a
real Prometheus that scrapes two real exporters (standard library only).

    prometheus_queries_test.py --exporter BIN --prometheus BIN --source-dir DIR [--job NAME]

Starts two ipv6_ha_exporter processes ("fw1" MASTER, "fw2" BACKUP of cluster
"lab") on fixture configs from tests/fixtures/promql/, with faults injected on
fw2 (a failing check; later a broken config and SIGHUP), and a Prometheus (1 s scrape and rule evaluation, temp storage, the rules
of alerts/ipv6_ha.rules.yml) on 127.0.0.1. Once both targets have enough
samples it checks:

1. every `ipv6_ha_*` metric named in a dashboard or rule is exported (a metric
   renamed in the code without the dashboards fails here);
2. every dashboard query (panel targets, variable queries, annotations), with
   the template variables substituted, parses and returns data, except the few
   in ALLOWED_EMPTY;
3. every rule loaded with health "ok", and its expression runs;
4. the injected fault raises its alert (pending) and the healthy pair raises no
   cluster alert.

With `--job NAME` the scrape job has another name than the default
`ipv6_ha`, the rules are generated for it (alerts/build.py --selector
'job="NAME"') and the dashboards' `job` variable is set to it, as an operator
with their own job name would run them.

All processes die with the test (PR_SET_PDEATHSIG) and are killed and reaped
on every exit path; the temp directory is removed.
"""

import argparse
import ctypes
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

# Dashboard queries that may legitimately return nothing against the healthy
# pair with one injected fault. Keep this list short and say why.
ALLOWED_EMPTY = {
    # (dashboard file, panel title, refId): why it may be empty.
    ("ha-pair-overview.json", "Demotion", "C"):
        "kernel net.inet.carp.demotion is read with sysctlbyname, FreeBSD only",
}

# Metrics a rule may name although no exporter here exports them: the rule
# must still load and its expression run (and return nothing). Say why.
NOT_EXPORTED_HERE = {
    "ipv6_ha_carp_demotion": "kernel net.inet.carp.demotion, read with sysctlbyname, "
                             "FreeBSD only (IPv6HACARPDemotedByOthers)",
}

# Alerts fw2's injected faults must raise (pending is enough: `for:` is
# minutes). fw1, the healthy MASTER, must raise none, and the pair (one
# MASTER, one BACKUP, both scraped) no cluster alert.
EXPECTED_ALERTS = {
    ("IPv6HACheckFailing", "fw2"),           # radvd_running exits 2
    ("IPv6HAPrefixStateStale", "fw2"),       # pds file 2h old, max_age 1h
    ("IPv6HANPTv6RulesOnBackup", "fw2"),     # pfctl shows the binat pair
    ("IPv6HADemotionApplied", "fw2"),        # a BACKUP with failing checks keeps a contribution
    ("IPv6HAConfigReloadFailed", "fw2"),     # broken config + SIGHUP
}
FORBIDDEN_ALERTS = {"IPv6HASplitBrain", "IPv6HANoMaster", "IPv6HAExporterDown",
                    "IPv6HAExporterNotScraped"}

CLUSTER = "lab"
DEFAULT_JOB = "ipv6_ha"
RATE_INTERVAL = "4s"
RANGE = "20s"
DEADLINE_S = 45


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def die_with_parent():
    # Runs in the child between fork and exec: SIGKILL it when the test dies,
    # even by SIGKILL (ctest timeout), so nothing outlives the test.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class Processes:
    """Owns every child process; close() kills and reaps them all."""

    def __init__(self, workdir):
        self.workdir = workdir
        self.procs = []

    def start(self, name, argv):
        log = open(self.workdir / f"{name}.log", "wb")
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, preexec_fn=die_with_parent)
        log.close()
        self.procs.append((name, proc))
        return proc

    def get(self, name):
        return next(p for n, p in self.procs if n == name)

    def log_tail(self, name, lines=30):
        try:
            text = (self.workdir / f"{name}.log").read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def close(self):
        for _, proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + 5
        for _, proc in self.procs:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def http_get(url, timeout=5):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None, ""


def wait_for(pred, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return
        time.sleep(0.1)
    if not pred():
        raise TimeoutError(f"timed out after {timeout}s waiting for {what}")


class Prometheus:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def api(self, path, **params):
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        status, body = http_get(url)
        if status is None:
            return {"status": "error", "error": "no answer from Prometheus"}
        try:
            return json.loads(body)
        except ValueError:
            return {"status": "error", "error": f"HTTP {status}: {body[:200]}"}

    def query(self, expr):
        return self.api("/api/v1/query", query=expr)


# --- expressions ------------------------------------------------------------

def substitute(expr, instances, job):
    values = {
        "job": job,
        "cluster": CLUSTER,
        # Like Grafana for a multi-value variable: a regex alternative, escaped
        # for the regex and again for the PromQL string.
        "instance": "(" + "|".join(re.escape(i).replace("\\", "\\\\")
                                   for i in instances) + ")",
        "__rate_interval": RATE_INTERVAL,
        "__interval": "1s",
        "__range": RANGE,
    }

    def repl(m):
        name = m.group(1) or m.group(2) or m.group(3)
        if name not in values:
            raise KeyError(f"unknown template variable ${name} in: {expr}")
        return values[name]

    return re.sub(r"\$\{(\w+)(?::\w+)?\}|\[\[(\w+)\]\]|\$(\w+)", repl, expr)


def walk_panels(panels):
    for p in panels:
        yield p
        yield from walk_panels(p.get("panels", []))


def dashboard_queries(path):
    """(where, expr, kind) for every query in one dashboard."""
    dash = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for p in walk_panels(dash.get("panels", [])):
        for t in p.get("targets", []):
            if t.get("expr"):
                key = (path.name, p.get("title"), t.get("refId"))
                kind = "allowed_empty" if key in ALLOWED_EMPTY else "panel"
                out.append((f"{path.name} panel {p.get('title')!r} {t.get('refId')}",
                            t["expr"], kind))
    for v in dash.get("templating", {}).get("list", []):
        if v.get("type") != "query":
            continue
        q = v.get("query")
        q = q.get("query") if isinstance(q, dict) else q
        m = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\)\s*", q or "", re.S)
        if not m:
            out.append((f"{path.name} variable {v['name']}", q, "unsupported"))
            continue
        out.append((f"{path.name} variable {v['name']}",
                    f"group by ({m.group(2)}) ({m.group(1)})", "panel"))
    for a in dash.get("annotations", {}).get("list", []):
        if a.get("expr"):
            # Annotations mark events (role changes) that need not happen.
            out.append((f"{path.name} annotation {a.get('name')!r}", a["expr"], "parse"))
    return out


METRIC_NAME = re.compile(r"\bipv6_ha_[a-z0-9_]+\b")


# --- the test ---------------------------------------------------------------

def rules_for(job, source, tmp):
    """The rules file Prometheus loads: the committed one for the default job,
    else alerts/build.py's output for a selector on `job`."""
    if job == DEFAULT_JOB:
        return source / "alerts" / "ipv6_ha.rules.yml"
    rules = tmp / "ipv6_ha.rules.yml"
    r = subprocess.run([sys.executable, str(source / "alerts" / "build.py"),
                        "--selector", f'job="{job}"', "--output", str(rules)],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise RuntimeError(f"alerts/build.py for job {job} failed: {r.stderr}")
    return rules


def write_configs(tmp, fixtures, ports, job, rules):
    paths = {}
    for node in ("fw1", "fw2"):
        text = (fixtures / f"{node}.yml.in").read_text()
        state = tmp / node
        state.mkdir()
        text = (text.replace("@FIXTURES@", str(fixtures))
                    .replace("@STATE_DIR@", str(state))
                    .replace("@PEER_PORT@", str(ports["fw2" if node == "fw1" else "fw1"])))
        paths[node] = tmp / f"{node}.yml"
        paths[node].write_text(text)
        # A fresh copy of the prefix state file per node; fw2's is aged past
        # max_age (1h): the stale-prefix fault.
        pds = state / "dhcp6c-pds.json"
        shutil.copyfile(fixtures / "dhcp6c-pds.json", pds)
        if node == "fw2":
            old = time.time() - 2 * 3600
            os.utime(pds, (old, old))
    prom = tmp / "prometheus.yml"
    prom.write_text(
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 900ms\n"
        "  evaluation_interval: 1s\n"
        f"rule_files: [\"{rules}\"]\n"
        "scrape_configs:\n"
        f"  - job_name: {job}\n"
        "    static_configs:\n"
        f"      - targets: [\"127.0.0.1:{ports['fw1']}\", \"127.0.0.1:{ports['fw2']}\"]\n"
        f"        labels: {{cluster: {CLUSTER}}}\n")
    return paths, prom, rules


def run(args):
    source = pathlib.Path(args.source_dir).resolve()
    fixtures = source / "tests" / "fixtures" / "promql"
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="ipv6ha-promql-"))
    procs = Processes(tmp)
    failures = []
    try:
        ports = {"fw1": free_port(), "fw2": free_port(), "prom": free_port()}
        rules_file = rules_for(args.job, source, tmp)
        configs, prom_config, rules_file = write_configs(tmp, fixtures, ports, args.job,
                                                         rules_file)
        instances = [f"127.0.0.1:{ports['fw1']}", f"127.0.0.1:{ports['fw2']}"]
        node_of = {instances[0]: "fw1", instances[1]: "fw2"}
        for node in ("fw1", "fw2"):
            procs.start(node, [args.exporter, "--config", str(configs[node]),
                               "--web.listen-address", f"127.0.0.1:{ports[node]}"])
        for node in ("fw1", "fw2"):
            try:
                wait_for(lambda: http_get(f"http://127.0.0.1:{ports[node]}/metrics")[0] == 200,
                         15, f"{node} /metrics")
            except TimeoutError as e:
                raise RuntimeError(f"{e}\n--- {node} log:\n{procs.log_tail(node)}")
        procs.start("prometheus", [
            args.prometheus, f"--config.file={prom_config}",
            f"--storage.tsdb.path={tmp / 'data'}",
            f"--web.listen-address=127.0.0.1:{ports['prom']}", "--log.level=warn"])
        prom = Prometheus(ports["prom"])
        try:
            wait_for(lambda: http_get(prom.base + "/-/ready")[0] == 200, 20, "Prometheus ready")
        except TimeoutError as e:
            raise RuntimeError(f"{e}\n--- prometheus log:\n{procs.log_tail('prometheus')}")

        # Enough samples of both targets for rate() over RATE_INTERVAL and for
        # the rules to have been evaluated a few times.
        def enough_data():
            r = prom.query(f'count_over_time(up{{job="{args.job}"}}[30s]) >= 6 '
                           f'and up{{job="{args.job}"}} == 1')
            return r.get("status") == "success" and len(r["data"]["result"]) == 2
        wait_for(enough_data, DEADLINE_S, "6 successful scrapes of both exporters")
        started = time.monotonic()

        names = prom.api("/api/v1/label/__name__/values")
        exported = set(names.get("data", []))
        print(f"Prometheus has {len([n for n in exported if n.startswith('ipv6_ha_')])} "
              "ipv6_ha_* metric names")

        # 1 + 2: dashboards.
        queries = []
        for path in sorted((source / "dashboards").glob("*.json")):
            queries += dashboard_queries(path)
        referenced = {}
        for where, expr, kind in queries:
            if kind != "allowed_empty":  # platform-specific metrics may be absent
                for name in METRIC_NAME.findall(expr or ""):
                    referenced.setdefault(name, where)
            if kind == "unsupported":
                failures.append(f"{where}: variable query not understood: {expr}")
                continue
            try:
                q = substitute(expr, instances, args.job)
            except KeyError as e:
                failures.append(f"{where}: {e}")
                continue
            r = prom.query(q)
            if r.get("status") != "success":
                failures.append(f"{where}: {r.get('errorType')}: {r.get('error')}\n    {q}")
            elif kind == "panel" and not r["data"]["result"]:
                failures.append(f"{where}: no data\n    {q}")
        print(f"ran {len(queries)} dashboard queries")

        # 3: rules, as Prometheus loaded them.
        def rules_evaluated():
            groups = prom.api("/api/v1/rules").get("data", {}).get("groups", [])
            rules = [r for g in groups for r in g["rules"]]
            return rules and all(not r.get("lastEvaluation", "0001").startswith("0001")
                                 for r in rules)
        wait_for(rules_evaluated, 15, "every rule evaluated once")
        groups = prom.api("/api/v1/rules")["data"]["groups"]
        rules = [r for g in groups for r in g["rules"]]
        alert_lines = len(re.findall(r"^\s*- alert:", rules_file.read_text(), re.M))
        if len(rules) != alert_lines:
            failures.append(f"Prometheus loaded {len(rules)} rules, the file has {alert_lines}")
        for rule in rules:
            where = f"rule {rule['name']}"
            for name in METRIC_NAME.findall(rule["query"]):
                referenced.setdefault(name, where)
            if rule.get("health") != "ok":
                failures.append(f"{where}: health {rule.get('health')}: {rule.get('lastError')}")
            r = prom.query(rule["query"])
            if r.get("status") != "success":
                failures.append(f"{where}: {r.get('error')}")
        print(f"ran {len(rules)} rule expressions")

        for name, where in sorted(referenced.items()):
            base = re.sub(r"_(bucket|sum|count)$", "", name)
            if name in NOT_EXPORTED_HERE:
                continue
            if name not in exported and base not in exported:
                failures.append(f"{where}: metric {name} is not exported by ipv6_ha_exporter")

        # A second fault: fw2 gets a broken config and a SIGHUP; it keeps the
        # old one and reports the failed reload.
        configs["fw2"].write_text(configs["fw2"].read_text() + "\nthis is: [not valid\n")
        procs.get("fw2").send_signal(signal.SIGHUP)

        # 4: the faults' alerts, and silence where the pair is healthy.
        def active_alerts():
            r = prom.query('ALERTS{alertname=~"IPv6HA.*"}')
            return {(a["metric"]["alertname"], node_of.get(a["metric"].get("instance"), ""))
                    for a in r.get("data", {}).get("result", [])}
        try:
            wait_for(lambda: EXPECTED_ALERTS <= active_alerts(), 15, "the injected fault's alert")
        except TimeoutError as e:
            failures.append(f"{e}: active {sorted(active_alerts())}")
        for alert, node in sorted(active_alerts()):
            if alert in FORBIDDEN_ALERTS or node == "fw1":
                failures.append(f"alert {alert} ({node or 'cluster'}) is active, "
                                "but fw1 is healthy and the pair has one MASTER")
        print(f"active alerts: {sorted(active_alerts())} "
              f"({time.monotonic() - started:.1f}s after data was ready)")
    except (RuntimeError, TimeoutError) as e:
        failures.append(str(e))
    finally:
        procs.close()
        if failures:
            for name in ("fw1", "fw2", "prometheus"):
                print(f"--- {name} log (tail):\n{procs.log_tail(name, 15)}")
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    print("PASS" if not failures else f"{len(failures)} failure(s)")
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exporter", required=True)
    parser.add_argument("--prometheus", default="/usr/bin/prometheus")
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--job", default=DEFAULT_JOB,
                        help="scrape job name; rules are generated for it unless it is the default")
    args = parser.parse_args()
    # SIGTERM (ctest, CI) unwinds through the cleanup like an exception.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
