#!/usr/bin/env python3
"""Conventions of the alert rules that promtool does not check (stdlib only).

    rules_lint.py RULES.yml RUNBOOK.md TEST.yml...

Fails (exit 1, one line per problem) unless every alert has a `for:` duration,
a `severity` label of warning or critical, `summary` and `description`
annotations, and a `runbook_url` whose anchor is a `## <AlertName>` section of
the runbook; and unless the unit tests contain, for every alert, at least one
case where it fires (non-empty exp_alerts) and one where it stays quiet
(`exp_alerts: []`).

The rules file is read line by line (no YAML library in the standard
library); it relies on the layout of alerts/ipv6_ha.rules.yml: one
`- alert: Name` line per rule, its keys indented below it.
"""

import re
import sys

ALERT = re.compile(r"^\s*- alert:\s*(\S+)\s*$")
RULE_START = re.compile(r"^\s*- (alert|record|name):")


def alert_blocks(lines):
    """(name, [lines of its block]) for every alert rule."""
    blocks = []
    current = None
    for line in lines:
        m = ALERT.match(line)
        if m:
            current = (m.group(1), [])
            blocks.append(current)
        elif RULE_START.match(line):
            current = None
        elif current is not None:
            current[1].append(line)
    return blocks


def runbook_anchors(text):
    return {m.group(1).lower() for m in re.finditer(r"^## (\S+)\s*$", text, re.M)}


def test_outcomes(texts):
    """alertname -> set of {"fires", "quiet"} seen in the unit tests."""
    seen = {}
    for text in texts:
        lines = text.splitlines()
        for i, line in enumerate(lines):
            m = re.match(r"^\s*alertname:\s*(\S+)\s*$", line)
            if not m or i + 1 >= len(lines):
                continue
            nxt = lines[i + 1].strip()
            if nxt.replace(" ", "") == "exp_alerts:[]":
                seen.setdefault(m.group(1), set()).add("quiet")
            elif nxt == "exp_alerts:" and i + 2 < len(lines) and \
                    lines[i + 2].strip().startswith("- exp_labels"):
                seen.setdefault(m.group(1), set()).add("fires")
    return seen


def lint(rules_text, runbook_text, test_texts):
    problems = []
    anchors = runbook_anchors(runbook_text)
    outcomes = test_outcomes(test_texts)
    blocks = alert_blocks(rules_text.splitlines())
    if not blocks:
        problems.append("no alert rules found")
    names = [n for n, _ in blocks]
    for name in sorted({n for n in names if names.count(n) > 1}):
        problems.append(f"{name}: defined more than once")
    for name, block in blocks:
        body = "\n".join(block)
        if not re.search(r"^\s+for:\s*\d+[smhd]", body, re.M):
            problems.append(f"{name}: no `for:` duration")
        sev = re.search(r"^\s+severity:\s*(\S+)", body, re.M)
        if not sev or sev.group(1) not in ("warning", "critical"):
            problems.append(f"{name}: severity label must be warning or critical")
        for key in ("summary", "description"):
            if not re.search(rf"^\s+{key}:\s*\S", body, re.M):
                problems.append(f"{name}: no {key} annotation")
        url = re.search(r'^\s+runbook_url:\s*"?([^"\s]+)"?', body, re.M)
        if not url:
            problems.append(f"{name}: no runbook_url")
        else:
            target = url.group(1)
            anchor = target.split("#", 1)[1] if "#" in target else ""
            if "docs/runbook.md#" not in target:
                problems.append(f"{name}: runbook_url must point into docs/runbook.md")
            elif anchor != name.lower():
                problems.append(f"{name}: runbook_url anchor #{anchor} should be "
                                f"#{name.lower()}")
            if anchor and anchor not in anchors:
                problems.append(f"{name}: docs/runbook.md has no section `## {name}`")
        got = outcomes.get(name, set())
        for outcome in ("fires", "quiet"):
            if outcome not in got:
                problems.append(f"{name}: no unit test where it {outcome}")
    return problems, len(blocks)


def main(argv):
    if len(argv) < 4:
        print(__doc__)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        rules = f.read()
    with open(argv[2], encoding="utf-8") as f:
        runbook = f.read()
    tests = []
    for name in argv[3:]:
        with open(name, encoding="utf-8") as f:
            tests.append(f.read())
    problems, count = lint(rules, runbook, tests)
    for p in problems:
        print(p)
    print(f"{count} alert(s), {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
