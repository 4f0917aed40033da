#!/usr/bin/env python3
"""Schema-ish lint of Grafana dashboards (standard library only).

    dashboard_lint.py FILE.json...

Fails (exit 1, one line per problem) unless each dashboard:
- has a current schemaVersion, a uid, a title, tags, and `__inputs` with a
  Prometheus datasource input, so it can be imported as-is;
- has a `datasource` variable of type datasource and query variables `cluster`
  and `instance` that use it;
- links to the other dashboards (a dashboards link by tag it carries itself);
- has no hard-coded datasource: every panel, target, variable and annotation
  uses `${datasource}`;
- gives every panel a title, a description, a unit and at least one query, and
  every query mentions `$cluster` so it follows the cluster selection.
"""

import json
import sys

DS_UID = "${datasource}"
MIN_SCHEMA_VERSION = 39


def check_ds(where, ds, problems):
    if not isinstance(ds, dict) or ds.get("uid") != DS_UID:
        problems.append(f"{where}: datasource must be {{uid: {DS_UID}}}, not {ds!r}")


def walk_panels(panels):
    for p in panels:
        yield p
        yield from walk_panels(p.get("panels", []))


def lint_panel(where, p, problems):
    if not p.get("title", "").strip():
        problems.append(f"{where}: no title")
    where = f"{where} {p.get('title', '')!r}"
    if p.get("type") == "row":
        return
    if not p.get("description", "").strip():
        problems.append(f"{where}: no description")
    check_ds(where, p.get("datasource"), problems)
    unit = p.get("fieldConfig", {}).get("defaults", {}).get("unit")
    if not unit:
        problems.append(f"{where}: no unit in fieldConfig.defaults.unit")
    if not isinstance(p.get("gridPos"), dict):
        problems.append(f"{where}: no gridPos")
    targets = p.get("targets") or []
    if not targets:
        problems.append(f"{where}: no queries")
    for t in targets:
        tw = f"{where} target {t.get('refId', '?')}"
        check_ds(tw, t.get("datasource"), problems)
        expr = t.get("expr", "")
        if not expr.strip():
            problems.append(f"{tw}: empty expr")
        elif "$cluster" not in expr:
            problems.append(f"{tw}: expr does not follow $cluster: {expr}")


def lint_variables(name, dash, problems):
    variables = {v.get("name"): v for v in dash.get("templating", {}).get("list", [])}
    ds = variables.get("datasource")
    if not ds or ds.get("type") != "datasource" or ds.get("query") != "prometheus":
        problems.append(f"{name}: needs a variable `datasource` of type datasource "
                        "for prometheus")
    for var in ("cluster", "instance"):
        v = variables.get(var)
        if not v or v.get("type") != "query":
            problems.append(f"{name}: needs a query variable `{var}`")
            continue
        check_ds(f"{name} variable {var}", v.get("datasource"), problems)
    for vname, v in variables.items():
        if v.get("type") == "query":
            check_ds(f"{name} variable {vname}", v.get("datasource"), problems)


def lint_dashboard(name, dash, problems):
    if dash.get("schemaVersion", 0) < MIN_SCHEMA_VERSION:
        problems.append(f"{name}: schemaVersion {dash.get('schemaVersion')} is older "
                        f"than {MIN_SCHEMA_VERSION}")
    for key in ("uid", "title", "description"):
        if not dash.get(key):
            problems.append(f"{name}: no {key}")
    inputs = dash.get("__inputs") or []
    if not any(i.get("type") == "datasource" and i.get("pluginId") == "prometheus"
               for i in inputs):
        problems.append(f"{name}: __inputs lacks a prometheus datasource input")
    tags = set(dash.get("tags") or [])
    if not any(link.get("type") == "dashboards" and set(link.get("tags", [])) & tags
               for link in dash.get("links") or []):
        problems.append(f"{name}: no link to the other dashboards (a `dashboards` "
                        "link by one of its own tags)")
    lint_variables(name, dash, problems)
    for a in dash.get("annotations", {}).get("list", []):
        if a.get("builtIn"):
            continue
        check_ds(f"{name} annotation {a.get('name')!r}", a.get("datasource"), problems)
        if "$cluster" not in a.get("expr", ""):
            problems.append(f"{name} annotation {a.get('name')!r}: expr does not "
                            "follow $cluster")
    ids = set()
    panels = list(walk_panels(dash.get("panels", [])))
    if not any(p.get("type") != "row" for p in panels):
        problems.append(f"{name}: no panels")
    for p in panels:
        where = f"{name} panel {p.get('id')}"
        if p.get("id") in ids:
            problems.append(f"{where}: duplicate panel id")
        ids.add(p.get("id"))
        lint_panel(where, p, problems)


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    problems = []
    for name in argv[1:]:
        try:
            with open(name, encoding="utf-8") as f:
                dash = json.load(f)
        except (OSError, ValueError) as e:
            problems.append(f"{name}: cannot read as JSON: {e}")
            continue
        lint_dashboard(name, dash, problems)
    for p in problems:
        print(p)
    print(f"{len(argv) - 1} dashboard(s), {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
