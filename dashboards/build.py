#!/usr/bin/env python3
"""Writes the Grafana dashboards in this folder from one description.

    dashboards/build.py           rewrite dashboards/*.json
    dashboards/build.py --check   exit 1 when a committed file differs

The JSON files are what operators import (Grafana 10/11, schemaVersion 39);
this script keeps the four dashboards' conventions identical: a `datasource`
variable, `job`/`cluster`/`instance` variables, a unit and a description on
every panel, links between the dashboards by tag. Edit here, then run it.
Only the standard library is used.
"""

import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
DS = {"type": "prometheus", "uid": "${datasource}"}
TAG = "ipv6-ha"
# Every query is restricted to the selected job, cluster and instances.
SEL = 'job=~"$job", cluster=~"$cluster", instance=~"$instance"'


def sel(extra=""):
    return "{" + SEL + (", " + extra if extra else "") + "}"


# --- encodings of enum series into one value for state timelines -----------

ROLE_CODES = (("master", 3), ("backup", 2), ("init", 1), ("unknown", 0),
              ("fault", -1))


def enum_value(metric, label, codes, by):
    """One series per `by` whose value codes the enum state that is 1."""
    parts = [f"({metric}" + sel(f'{label}="{state}"') + f" == 1) * {v}"
             for state, v in codes]
    return f"max by ({by}) (\n  " + "\n  or ".join(parts) + "\n)"


def role_value():
    """MASTER=3, BACKUP=2, INIT=1, UNKNOWN=0, FAULT=-1 (keepalived), one
    series per node."""
    return enum_value("ipv6_ha_role", "role", ROLE_CODES, "cluster, instance")


ROLE_MAPPINGS = [{"type": "value", "options": {
    "3": {"text": "MASTER", "color": "green", "index": 0},
    "2": {"text": "BACKUP", "color": "blue", "index": 1},
    "1": {"text": "INIT", "color": "yellow", "index": 2},
    "0": {"text": "UNKNOWN", "color": "gray", "index": 3},
    "-1": {"text": "FAULT", "color": "red", "index": 4}}}]


def check_state_value(types=None):
    """OK=2, UNKNOWN=1, FAIL=0, one series per node and check."""
    parts = ["(ipv6_ha_check_status" + sel(f'status="{st}"') + f" == 1) * {v}"
             for st, v in (("ok", 2), ("unknown", 1), ("fail", 0))]
    inner = "\n  or ".join(parts)
    if types:
        inner = (f"({inner})\n  and on (instance, job, check) "
                 f'ipv6_ha_check_info{{type=~"{types}"}}')
    return "max by (instance, check) (\n  " + inner + "\n)"


CHECK_MAPPINGS = [{"type": "value", "options": {
    "2": {"text": "OK", "color": "green", "index": 0},
    "1": {"text": "UNKNOWN", "color": "gray", "index": 1},
    "0": {"text": "FAIL", "color": "red", "index": 2}}}]


def bool_mappings(one, zero, one_color="green", zero_color="red"):
    return [{"type": "value", "options": {
        "1": {"text": one, "color": one_color, "index": 0},
        "0": {"text": zero, "color": zero_color, "index": 1}}}]


# --- panels -----------------------------------------------------------------

def target(expr, legend="", ref="A", instant=False, fmt=None):
    t = {"datasource": DS, "expr": expr, "legendFormat": legend, "refId": ref,
         "range": not instant, "instant": instant}
    if fmt:
        t["format"] = fmt
    return t


def targets(*specs, instant=False, fmt=None):
    return [target(expr, legend, chr(ord("A") + i), instant, fmt)
            for i, (expr, legend) in enumerate(specs)]


def thresholds(*steps):
    """steps: (value or None, color) pairs, lowest first."""
    return {"mode": "absolute",
            "steps": [{"value": v, "color": c} for v, c in steps]}


GREEN = thresholds((None, "green"))


def panel(kind, title, description, tgts, unit, w, h, *, mappings=None,
          thr=None, options=None, custom=None, minv=None, maxv=None,
          links=None, transformations=None):
    defaults = {"unit": unit, "mappings": mappings or [],
                "thresholds": thr or GREEN, "color": {"mode": "palette-classic"}}
    if mappings or thr:
        defaults["color"] = {"mode": "thresholds"}
    if custom is not None:
        defaults["custom"] = custom
    if minv is not None:
        defaults["min"] = minv
    if maxv is not None:
        defaults["max"] = maxv
    p = {"type": kind, "title": title, "description": description,
         "datasource": DS, "targets": tgts,
         "fieldConfig": {"defaults": defaults, "overrides": []},
         "options": options or {}, "gridPos": {"w": w, "h": h}}
    if links:
        p["links"] = links
    if transformations:
        p["transformations"] = transformations
    return p


def timeseries(title, description, tgts, unit, w=12, h=8, **kw):
    kw.setdefault("options", {
        "legend": {"displayMode": "table", "placement": "bottom",
                   "showLegend": True, "calcs": ["lastNotNull", "max"]},
        "tooltip": {"mode": "multi", "sort": "desc"}})
    kw.setdefault("custom", {"drawStyle": "line", "lineWidth": 1,
                             "fillOpacity": 10, "showPoints": "never",
                             "spanNulls": False})
    return panel("timeseries", title, description, tgts, unit, w, h, **kw)


def bars(title, description, tgts, unit, w=12, h=8, **kw):
    kw["custom"] = {"drawStyle": "bars", "fillOpacity": 80, "lineWidth": 1,
                    "showPoints": "never"}
    return timeseries(title, description, tgts, unit, w, h, **kw)


def stat(title, description, tgts, unit, w=6, h=4, text_mode="auto", **kw):
    kw.setdefault("options", {
        "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
        "colorMode": "background" if (kw.get("mappings") or kw.get("thr")) else "none",
        "graphMode": "none", "justifyMode": "auto", "orientation": "auto",
        "textMode": text_mode})
    return panel("stat", title, description, tgts, unit, w, h, **kw)


def timeline(title, description, tgts, unit, w=24, h=6, **kw):
    kw.setdefault("options", {
        "mergeValues": True, "showValue": "auto", "alignValue": "left",
        "rowHeight": 0.85, "legend": {"displayMode": "list", "placement": "bottom",
                                      "showLegend": False},
        "tooltip": {"mode": "single", "sort": "none"}})
    kw.setdefault("custom", {"fillOpacity": 80, "lineWidth": 0})
    return panel("state-timeline", title, description, tgts, unit, w, h, **kw)


def table(title, description, expr, hide, w=24, h=8, unit="string"):
    organize = {"id": "organize", "options": {
        "excludeByName": {k: True for k in ["Time", "Value", "__name__", "job", *hide]},
        "indexByName": {}, "renameByName": {}}}
    return panel("table", title, description,
                 targets((expr, ""), instant=True, fmt="table"), unit, w, h,
                 options={"showHeader": True, "cellHeight": "sm",
                          "footer": {"show": False, "reducer": ["sum"]}},
                 custom={"align": "auto", "cellOptions": {"type": "auto"}},
                 transformations=[organize])


def heatmap(title, description, expr, unit, w=12, h=8):
    p = panel("heatmap", title, description,
              targets((expr, "{{le}}"), fmt="heatmap"), unit, w, h,
              options={"calculate": False, "cellGap": 1,
                       "color": {"mode": "scheme", "scheme": "Oranges",
                                 "exponent": 0.5, "steps": 64, "fill": "dark-orange",
                                 "scale": "exponential", "reverse": False},
                       "yAxis": {"axisPlacement": "left", "unit": unit},
                       "rowsFrame": {"layout": "auto"},
                       "tooltip": {"show": True, "yHistogram": False},
                       "legend": {"show": True}, "filterValues": {"le": 1e-9}},
              custom={"scaleDistribution": {"type": "linear"}})
    return p


def row(title, repeat=None):
    r = {"type": "row", "title": title, "collapsed": False, "panels": [],
         "gridPos": {"w": 24, "h": 1}}
    if repeat:
        r["repeat"] = repeat
    return r


# --- dashboard --------------------------------------------------------------

def variables():
    def query_var(name, label, query, multi, all_value):
        return {"name": name, "label": label, "type": "query", "datasource": DS,
                "definition": query,
                "query": {"query": query, "refId": "PrometheusVariableQueryEditor-VariableQuery",
                          "qryType": 1},
                "refresh": 2, "sort": 1, "regex": "", "hide": 0,
                "multi": multi, "includeAll": all_value is not None,
                "allValue": all_value, "current": {}, "options": []}

    return [
        {"name": "datasource", "label": "Data source", "type": "datasource",
         "query": "prometheus", "regex": "", "hide": 0, "refresh": 1,
         "current": {"selected": False, "text": "${DS_PROMETHEUS}",
                     "value": "${DS_PROMETHEUS}"}, "options": []},
        query_var("job", "Job", "label_values(ipv6_ha_build_info, job)", False, None),
        query_var("cluster", "Cluster",
                  'label_values(ipv6_ha_build_info{job=~"$job"}, cluster)', False, ".*"),
        query_var("instance", "Node",
                  'label_values(ipv6_ha_build_info{job=~"$job", cluster=~"$cluster"}, instance)',
                  True, ".*"),
    ]


REQUIRED_PANELS = {"timeseries": "Time series", "stat": "Stat", "table": "Table",
                   "state-timeline": "State timeline", "heatmap": "Heatmap"}


def dashboard(uid, title, description, panels, annotations=()):
    y = 0
    x = 0
    row_h = 0
    laid = []
    for i, p in enumerate(panels, start=1):
        g = p["gridPos"]
        if p["type"] == "row" or x + g["w"] > 24:
            y += row_h
            x = 0
            row_h = 0
        g.update({"x": x, "y": y})
        p["id"] = i
        x += g["w"]
        row_h = max(row_h, g["h"])
        if p["type"] == "row":
            y += 1
            x = 0
            row_h = 0
        laid.append(p)
    kinds = sorted({p["type"] for p in panels if p["type"] != "row"})
    return {
        "__inputs": [{"name": "DS_PROMETHEUS", "label": "Prometheus",
                      "description": "Prometheus that scrapes ipv6_ha_exporter",
                      "type": "datasource", "pluginId": "prometheus",
                      "pluginName": "Prometheus"}],
        "__elements": {},
        "__requires": [{"type": "grafana", "id": "grafana", "name": "Grafana",
                        "version": "10.0.0"},
                       {"type": "datasource", "id": "prometheus",
                        "name": "Prometheus", "version": "1.0.0"}]
        + [{"type": "panel", "id": k, "name": REQUIRED_PANELS[k], "version": ""}
           for k in kinds],
        "uid": uid,
        "title": title,
        "description": description,
        "tags": [TAG, "ipv6", "ha"],
        "editable": True,
        "graphTooltip": 1,
        "fiscalYearStartMonth": 0,
        "liveNow": False,
        "refresh": "30s",
        "schemaVersion": 39,
        "version": 1,
        "time": {"from": "now-6h", "to": "now"},
        "timepicker": {},
        "timezone": "",
        "weekStart": "",
        "links": [{"title": "IPv6 HA dashboards", "type": "dashboards",
                   "tags": [TAG], "asDropdown": False, "includeVars": True,
                   "keepTime": True, "targetBlank": False, "icon": "external link",
                   "tooltip": "", "url": ""}],
        "annotations": {"list": [
            {"builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
             "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
             "name": "Annotations & Alerts", "type": "dashboard"},
            *annotations]},
        "templating": {"list": variables()},
        "panels": laid,
    }


ROLE_CHANGES = {
    "name": "Role changes", "datasource": DS, "enable": True, "hide": False,
    "iconColor": "orange", "step": "10s", "titleFormat": "Role change",
    "textFormat": "{{instance}} is now {{role}}", "useValueForTime": False,
    "expr": f'changes(ipv6_ha_role{sel()}[1m]) > 0 and ipv6_ha_role{sel()} == 1',
}


def link(title, uid):
    return {"title": title, "targetBlank": False,
            "url": f"/d/{uid}?${{__url_time_range}}&${{job:queryparam}}"
                   "&${cluster:queryparam}&${instance:queryparam}"}


# --- the four dashboards ----------------------------------------------------

def overview():
    master_sel = 'job=~"$job", cluster=~"$cluster"'
    panels = [
        row("Cluster"),
        stat("MASTER now",
             "The node(s) reporting the MASTER role right now. More than one is a "
             "split brain; none means nobody holds the virtual addresses.",
             targets((f'ipv6_ha_role{{{master_sel}, role="master"}} == 1',
                      "{{instance}}")), "none", text_mode="name"),
        stat("Nodes reporting MASTER",
             "Count of MASTER nodes per cluster: exactly 1 is healthy, 0 is no "
             "MASTER, 2 is a split brain (alerts IPv6HANoMaster, IPv6HASplitBrain).",
             targets((f'sum by (cluster) (ipv6_ha_role{{{master_sel}, role="master"}})',
                      "{{cluster}}")), "short",
             mappings=[{"type": "value", "options": {
                 "0": {"text": "NO MASTER", "color": "red", "index": 0},
                 "1": {"text": "1 MASTER", "color": "green", "index": 1},
                 "2": {"text": "SPLIT BRAIN", "color": "red", "index": 2}}}],
             thr=thresholds((None, "red"), (1, "green"), (2, "red"))),
        stat("Exporters up",
             "Whether Prometheus can scrape each node's exporter (the `up` series).",
             targets((f"up{sel()}", "{{instance}}")), "short",
             mappings=bool_mappings("UP", "DOWN"),
             thr=thresholds((None, "red"), (1, "green"))),
        stat("Role changes in range",
             "Role transitions per node during the selected time range.",
             targets((f"sum by (instance) (increase(ipv6_ha_role_transitions_total{sel()}[$__range]))",
                      "{{instance}}")), "short",
             thr=thresholds((None, "green"), (1, "yellow"), (4, "red"))),
        timeline("Role per node",
                 "Each node's HA role over time (all vhids MASTER = MASTER). Overlapping "
                 "MASTER bars are a split brain; gaps with no MASTER are outages.",
                 targets((role_value(), "{{instance}}")), "none",
                 mappings=ROLE_MAPPINGS, thr=GREEN),
        table("Active ipv6_ha alerts",
              "Alerts of these rules now pending or firing, with their labels.",
              'ALERTS{alertname=~"IPv6HA.*", cluster=~"$cluster"}', [], h=6),
        row("Node $instance", repeat="instance"),
        timeline("Role",
                 "This node's HA role over time.",
                 targets((role_value(), "{{instance}}")), "none", w=12, h=5,
                 mappings=ROLE_MAPPINGS, thr=GREEN),
        timeline("Check states",
                 "Each check's latest status: OK, FAIL (evidence of a fault) or UNKNOWN "
                 "(could not evaluate, or not applicable in this role).",
                 targets((check_state_value(), "{{check}}")), "none", w=12, h=5,
                 mappings=CHECK_MAPPINGS, thr=GREEN,
                 links=[link("Exporter health", "ipv6-ha-exporter-health")]),
        timeseries("Demotion",
                   "Our demotion contribution: desired by the controller, applied to the "
                   "sink, and the kernel's total CARP demotion (all contributors).",
                   targets((f"ipv6_ha_demotion_desired{sel()}", "desired"),
                           (f"ipv6_ha_demotion_applied{sel()}", "applied"),
                           (f"ipv6_ha_carp_demotion{sel()}", "kernel total")),
                   "short", w=8, minv=0),
        timeseries("Demotion held back",
                   "Demotion the controller wanted but held back, per reason (peer not "
                   "ready, upstream policy, flap guard, dry run, cap).",
                   targets((f"ipv6_ha_demotion_suppressed{sel()}", "{{reason}}")),
                   "short", w=8, minv=0),
        stat("Flap guard",
             "ENGAGED when the role changed too often and the controller froze its "
             "demotion (alert IPv6HAFlapGuardEngaged).",
             targets((f"ipv6_ha_flap_guard_engaged{sel()}", "{{instance}}")), "none",
             w=4, h=8, mappings=bool_mappings("ENGAGED", "off", "red", "green"),
             thr=thresholds((None, "green"), (1, "red"))),
        stat("Demotion changes in range",
             "How often the applied demotion went up or down in the time range.",
             targets((f"sum by (direction) (increase(ipv6_ha_demotion_changes_total{sel()}[$__range]))",
                      "{{direction}}")), "short", w=4, h=8),
        timeline("CARP vhids",
                 "State of each CARP vhid on this node (role source carp). The node "
                 "is MASTER only when every vhid is MASTER.",
                 targets((enum_value("ipv6_ha_carp_vhid_state", "state", ROLE_CODES,
                                     "instance, interface, vhid"),
                          "{{interface}} vhid {{vhid}}")), "none", w=12, h=5,
                 mappings=ROLE_MAPPINGS, thr=GREEN),
        timeline("Checks counted down",
                 "Checks the controller counts as down (after `fall` failures, until "
                 "`rise` successes and `hold_down`); their weights make the demotion.",
                 targets((f"ipv6_ha_demotion_check_down{sel()}", "{{check}}")), "none",
                 w=12, h=5, mappings=bool_mappings("DOWN", "up", "red", "green"), thr=GREEN),
    ]
    return dashboard("ipv6-ha-overview", "IPv6 HA pair overview",
                     "Roles, checks and demotion of both nodes of each HA pair.",
                     panels, [ROLE_CHANGES])


def connectivity():
    bucket = f"ipv6_ha_probe_rtt_seconds_bucket{sel()}"
    q = [(f"histogram_quantile({p}, sum by (instance, target, le) "
          f"(rate({bucket}[$__rate_interval])))", f"p{int(p * 100)} {{{{instance}}}} {{{{target}}}}")
         for p in (0.5, 0.9, 0.99)]
    panels = [
        row("Targets"),
        timeline("Probe success per target",
                 "Whether each node's latest probe of each target succeeded.",
                 targets((f"ipv6_ha_probe_success{sel()}", "{{instance}} → {{target}}")),
                 "none", h=7, mappings=bool_mappings("UP", "DOWN"), thr=GREEN),
        timeseries("Round-trip time quantiles",
                   "Median, 90th and 99th percentile of probe RTT per node and target, "
                   "from the RTT histogram.", targets(*q), "s"),
        heatmap("Round-trip time distribution",
                "Distribution of probe RTTs of the selected nodes over time.",
                f"sum by (le) (increase({bucket}[$__rate_interval]))", "s"),
        timeseries("Loss ratio",
                   "Share of probes lost over each target's sliding window.",
                   targets((f"ipv6_ha_probe_loss_ratio{sel()}", "{{instance}} → {{target}}")),
                   "percentunit", minv=0, maxv=1),
        timeseries("Probes sent and answered",
                   "Probe packets sent and replies received per second.",
                   targets((f"sum by (instance, target) (rate(ipv6_ha_probe_sent_total{sel()}[$__rate_interval]))",
                            "sent {{instance}} → {{target}}"),
                           (f"sum by (instance, target) (rate(ipv6_ha_probe_received_total{sel()}[$__rate_interval]))",
                            "received {{instance}} → {{target}}")),
                   "pps", minv=0),
        timeseries("Healthy targets and quorum",
                   "Targets counting toward the quorum (answering within the loss and "
                   "RTT limits), the quorum, and the configured targets, per check.",
                   targets((f"ipv6_ha_connectivity_reachable_targets{sel()}", "healthy {{instance}} {{check}}"),
                           (f"ipv6_ha_connectivity_quorum{sel()}", "quorum {{instance}} {{check}}"),
                           (f"ipv6_ha_connectivity_targets{sel()}", "configured {{instance}} {{check}}")),
                   "short", minv=0),
        timeseries("Jitter",
                   "Mean absolute difference of consecutive RTTs in each target's window.",
                   targets((f"ipv6_ha_probe_jitter_seconds{sel()}", "{{instance}} → {{target}}")),
                   "s", minv=0),
        row("Peer"),
        timeline("Peer API and readiness",
                 "Whether each node's peer answered GET /api/v1/status, and whether "
                 "the peer reported itself ready (the controller fails over only to a "
                 "ready peer).",
                 targets((f"ipv6_ha_peer_api_up{sel()}", "{{instance}}: peer API"),
                         (f"ipv6_ha_peer_ready{sel()}", "{{instance}}: peer ready")),
                 "none", w=12, mappings=bool_mappings("YES", "NO"), thr=GREEN),
        timeseries("Peer status age",
                   "Age of the latest good status document from the peer.",
                   targets((f"ipv6_ha_peer_status_age_seconds{sel()}", "{{instance}}")),
                   "s", w=12, minv=0),
        timeline("Peer's reported role",
                 "The role each node's peer reports about itself in its status "
                 "document: compare with the peer's own role to spot a split view.",
                 targets((enum_value("ipv6_ha_peer_role", "role", ROLE_CODES, "instance, check"),
                          "peer of {{instance}}")), "none", h=5,
                 mappings=ROLE_MAPPINGS, thr=GREEN),
        row("Checks"),
        timeline("Connectivity and peer checks",
                 "Status of the ipv6_connectivity (quorum of targets) and "
                 "peer_reachability checks per node.",
                 targets((check_state_value("ipv6_connectivity|peer_reachability"),
                          "{{instance}} {{check}}")),
                 "none", mappings=CHECK_MAPPINGS, thr=GREEN,
                 links=[link("HA pair overview", "ipv6-ha-overview")]),
        timeline("Role per node",
                 "Role of each node: upstream is tested from the MASTER; a singleton "
                 "BACKUP has no WAN.",
                 targets((role_value(), "{{instance}}")), "none", h=5,
                 mappings=ROLE_MAPPINGS, thr=GREEN),
    ]
    return dashboard("ipv6-ha-connectivity", "IPv6 HA connectivity",
                     "Upstream IPv6 probes per node and target: success, RTT, loss.",
                     panels, [ROLE_CHANGES])


def prefixes():
    panels = [
        row("Prefix delegations"),
        table("Prefix delegations",
              "Each delegated prefix in the prefix state file (dhcp6c-pds.json): "
              "PD id, prefix, WAN interface and status.",
              f"ipv6_ha_prefix_delegation_info{sel()}", [], h=7),
        stat("Prefix state file age",
             "Time since the prefix state file was last written (mtime).",
             targets((f"ipv6_ha_prefix_state_file_age_seconds{sel()}", "{{instance}}")),
             "s", w=6, thr=thresholds((None, "green"), (3600, "red"))),
        stat("Prefix changes in range",
             "Changes of a delegated prefix seen in the selected time range.",
             targets((f"sum by (instance) (increase(ipv6_ha_prefix_changes_total{sel()}[$__range]))",
                      "{{instance}}")), "short", w=6,
             thr=thresholds((None, "green"), (1, "yellow"))),
        stat("Unexpected NPTv6 rules",
             "NPTv6 rules loaded that match no expected mapping.",
             targets((f"ipv6_ha_nptv6_unexpected_rules{sel()}", "{{instance}}")),
             "short", w=6, thr=thresholds((None, "green"), (1, "red"))),
        stat("Prefix changes in the file's history",
             "Prefix changes recorded in the state file's prefix_history (all "
             "delegations, since the file was created).",
             targets((f"ipv6_ha_prefix_history_changes{sel()}", "{{instance}}")),
             "short", w=6),
        timeseries("Delegations by status",
                   "Delegations in the state file per status (active, prefix_file_missing).",
                   targets((f"ipv6_ha_prefix_delegations{sel()}", "{{instance}} {{status}}")),
                   "short", minv=0),
        bars("Prefix changes",
             "Prefix changes over time; a change must be followed by new NPTv6 rules.",
             targets((f"sum by (instance) (increase(ipv6_ha_prefix_changes_total{sel()}[$__rate_interval]))",
                      "{{instance}}")), "short", minv=0),
        row("NPTv6"),
        timeseries("NPTv6 mappings by state",
                   "Expected mappings (sum) and how many are present, missing or stale "
                   "per node. On the MASTER all should be present; on the BACKUP none.",
                   targets((f"ipv6_ha_nptv6_mappings{sel()}", "{{instance}} {{state}}"),
                           (f"sum by (instance) (ipv6_ha_nptv6_mappings{sel()})",
                            "{{instance}} expected")), "short", minv=0),
        timeseries("NPTv6 rules loaded",
                   "NPTv6 translation rules the backend (pf or nft) reports loaded.",
                   targets((f"ipv6_ha_nptv6_rules_loaded{sel()}", "{{instance}} {{backend}}")),
                   "short", minv=0),
        timeline("Prefix and NPTv6 checks",
                 "Status of the prefix_freshness and nptv6_rules checks per node.",
                 targets((check_state_value("prefix_freshness|nptv6_rules"),
                          "{{instance}} {{check}}")), "none", h=6,
                 mappings=CHECK_MAPPINGS, thr=GREEN,
                 links=[link("HA pair overview", "ipv6-ha-overview")]),
        table("NPTv6 mappings",
              "Each expected mapping: LAN, WAN, internal and external prefix, state.",
              f"ipv6_ha_nptv6_mapping_info{sel()}", []),
        timeline("Role per node",
                 "Role of each node: NPTv6 rules belong on the MASTER only.",
                 targets((role_value(), "{{instance}}")), "none", h=5,
                 mappings=ROLE_MAPPINGS, thr=GREEN),
    ]
    return dashboard("ipv6-ha-prefixes", "IPv6 HA prefixes and NPTv6",
                     "Delegated prefixes, the prefix state file, and NPTv6 mappings.",
                     panels, [ROLE_CHANGES])


def exporter_health():
    panels = [
        row("Exporter"),
        stat("Up", "Whether Prometheus can scrape the exporter.",
             targets((f"up{sel()}", "{{instance}}")), "short", w=4,
             mappings=bool_mappings("UP", "DOWN"), thr=thresholds((None, "red"), (1, "green"))),
        stat("Uptime", "Time since the exporter process started.",
             targets((f"time() - process_start_time_seconds{sel()}", "{{instance}}")),
             "s", w=4),
        stat("Config reload",
             "Whether the last configuration reload succeeded.",
             targets((f"ipv6_ha_config_last_reload_successful{sel()}", "{{instance}}")),
             "short", w=4, mappings=bool_mappings("OK", "FAILED"),
             thr=thresholds((None, "red"), (1, "green"))),
        stat("Since last good config load",
             "Time since the configuration was last loaded successfully.",
             targets((f"time() - ipv6_ha_config_last_reload_success_timestamp_seconds{sel()}",
                      "{{instance}}")), "s", w=4),
        table("Build", "Version and revision of each exporter.",
              f"ipv6_ha_build_info{sel()}", [], w=8, h=4),
        bars("Config reloads",
             "Configuration reloads (SIGHUP) by result; a failure keeps the old "
             "configuration running (alert IPv6HAConfigReloadFailed).",
             targets((f"sum by (instance, result) (increase(ipv6_ha_config_reloads_total{sel()}[$__rate_interval]))",
                      "{{instance}} {{result}}")), "short", minv=0),
        timeseries("Scrape errors",
                   "Errors while the exporter collected metrics for a scrape.",
                   targets((f"increase(ipv6_ha_scrape_errors_total{sel()}[$__rate_interval])",
                            "{{instance}}")), "short", minv=0),
        timeseries("Scrape duration",
                   "How long Prometheus takes to scrape each exporter.",
                   targets((f"scrape_duration_seconds{sel()}", "{{instance}}")), "s", w=8),
        timeseries("Samples per scrape", "Samples in each scrape of the exporter.",
                   targets((f"scrape_samples_scraped{sel()}", "{{instance}}")), "short", w=8),
        timeseries("HTTP requests",
                   "Requests to the exporter's HTTP endpoints by handler and status code.",
                   targets((f"sum by (instance, handler, code) (rate(ipv6_ha_http_requests_total{sel()}[$__rate_interval]))",
                            "{{instance}} {{handler}} {{code}}")), "reqps", w=8),
        row("Checks"),
        table("Configured checks",
              "Every configured check with its type, scope (local or upstream) and "
              "demotion weight (0 = observe only); Value is the weight.",
              f"ipv6_ha_check_weight{sel()} * on (instance, job, check) "
              f"group_left (type, scope) ipv6_ha_check_info{sel()}", [], h=6, unit="short")
        | {"transformations": [{"id": "organize", "options": {
            "excludeByName": {"Time": True, "__name__": True, "job": True},
            "indexByName": {}, "renameByName": {"Value": "weight"}}}]},
        timeseries("Check duration", "Duration of each check's latest run.",
                   targets((f"ipv6_ha_check_duration_seconds{sel()}", "{{instance}} {{check}}")),
                   "s", w=8),
        timeseries("Time since last check run",
                   "Age of each check's latest result; it should stay near the "
                   "check's interval.",
                   targets((f"time() - (ipv6_ha_check_last_run_timestamp_seconds{sel()} > 0)",
                            "{{instance}} {{check}}")), "s", w=8),
        timeseries("Check timeouts",
                   "Check runs that overran their timeout (reported as unknown).",
                   targets((f"increase(ipv6_ha_check_timeouts_total{sel()}[$__rate_interval])",
                            "{{instance}} {{check}}")), "short", w=8, minv=0),
        timeseries("Check runs", "Check runs per second.",
                   targets((f"rate(ipv6_ha_check_runs_total{sel()}[$__rate_interval])",
                            "{{instance}} {{check}}")), "ops", w=12, minv=0),
        timeseries("Check status changes",
                   "Changes of each check's status; a check that flips often needs "
                   "a wider rise/fall or a fix.",
                   targets((f"increase(ipv6_ha_check_status_changes_total{sel()}[$__rate_interval])",
                            "{{instance}} {{check}}")), "short", w=12, minv=0),
        timeseries("Command check exit codes",
                   "Exit code of the program of each `command` check (0 ok, 1-2 fail, "
                   "other unknown; -1 killed by a signal).",
                   targets((f"ipv6_ha_command_exit_code{sel()}", "{{instance}} {{check}}")),
                   "short", w=8),
        timeseries("Demotion sink errors",
                   "Failed writes of the demotion (sysctl, track file, command).",
                   targets((f"increase(ipv6_ha_demotion_sink_errors_total{sel()}[$__rate_interval])",
                            "{{instance}}")), "short", w=8, minv=0,
                   links=[link("HA pair overview", "ipv6-ha-overview")]),
        timeseries("Demotion state file errors",
                   "Failed writes of the demotion state file (crash safety record).",
                   targets((f"increase(ipv6_ha_demotion_state_file_errors_total{sel()}[$__rate_interval])",
                            "{{instance}}")), "short", w=8, minv=0),
        row("Process"),
        timeseries("Resident memory", "Resident set size of the exporter process.",
                   targets((f"process_resident_memory_bytes{sel()}", "{{instance}}")),
                   "bytes", w=8, minv=0),
        timeseries("CPU", "CPU time used per second (1 = one core).",
                   targets((f"rate(process_cpu_seconds_total{sel()}[$__rate_interval])",
                            "{{instance}}")), "percentunit", w=8, minv=0),
        timeseries("Open file descriptors", "File descriptors the process holds.",
                   targets((f"process_open_fds{sel()}", "{{instance}}")), "short", w=8, minv=0),
    ]
    return dashboard("ipv6-ha-exporter-health", "IPv6 HA exporter health",
                     "The exporter itself: scrapes, check runs, config reloads, process.",
                     panels)


DASHBOARDS = {
    "ha-pair-overview.json": overview,
    "ipv6-connectivity.json": connectivity,
    "prefixes-nptv6.json": prefixes,
    "exporter-health.json": exporter_health,
}


def render(build):
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def main(argv):
    check = "--check" in argv[1:]
    stale = []
    for name, build in DASHBOARDS.items():
        path = HERE / name
        text = render(build)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print("out of date (run dashboards/build.py): " + ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
