#!/usr/bin/env python3
"""The alert rules generated for another selector work as the default ones do
(standard library and promtool only).

    rules_selector_test.py --promtool BIN --source-dir DIR

1. alerts/build.py with `--selector 'job="edge_fw", env="prod"'` and another
   `--runbook-url` writes rules that `promtool check rules` accepts and that
   contain neither the default matcher nor the default URL;
2. the unit tests of alerts/tests/, with every series, expected label and
   annotation rewritten to the new selector and URL, pass against those
   rules (so every selector of every rule took the new matchers: a rule that
   kept job="ipv6_ha" would not fire on the rewritten series);
3. the committed rules still pass the original tests' selector only: the
   rewritten series do not fire them (the selector is not ignored);
4. build.py refuses malformed selectors and URLs with exit 2 and a reason,
   and `--check` notices a file that differs from the template's output.
"""

import argparse
import pathlib
import shutil
import subprocess
import sys
import tempfile

SELECTOR = 'job="edge_fw", env="prod"'
RUNBOOK_URL = "https://wiki.example.net/ha/docs/runbook.md"
DEFAULT_MATCHER = 'job="ipv6_ha"'
DEFAULT_URL = "https://runbooks.example.org/ipv6_ha_exporter/docs/runbook.md"


def rewrite_test(text):
    """A unit test file of alerts/tests/ moved onto SELECTOR and RUNBOOK_URL."""
    return (text.replace(DEFAULT_MATCHER, SELECTOR)
                .replace("job: ipv6_ha,", "job: edge_fw, env: prod,")
                .replace("job: ipv6_ha}", "job: edge_fw, env: prod}")
                .replace(DEFAULT_URL, RUNBOOK_URL))


def run(argv, cwd=None):
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=120)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--promtool", required=True)
    parser.add_argument("--source-dir", required=True)
    args = parser.parse_args()
    source = pathlib.Path(args.source_dir).resolve()
    build = [sys.executable, str(source / "alerts" / "build.py")]
    failures = []
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="ipv6ha-rules-selector-"))
    try:
        rules = tmp / "ipv6_ha.rules.yml"
        r = run(build + ["--selector", SELECTOR, "--runbook-url", RUNBOOK_URL,
                         "--output", str(rules)])
        if r.returncode != 0:
            raise RuntimeError(f"build.py failed: {r.stderr}")
        text = rules.read_text()
        for gone in (DEFAULT_MATCHER, DEFAULT_URL):
            if gone in text:
                failures.append(f"generated rules still contain {gone}")
        r = run([args.promtool, "check", "rules", str(rules)])
        if r.returncode != 0:
            failures.append(f"promtool check rules: {r.stdout}{r.stderr}")

        tests = tmp / "tests"  # rule_files: ../ipv6_ha.rules.yml still resolves
        tests.mkdir()
        names = []
        for test in sorted((source / "alerts" / "tests").glob("*.test.yml")):
            (tests / test.name).write_text(rewrite_test(test.read_text()))
            names.append(test.name)
        r = run([args.promtool, "test", "rules", *names], cwd=tests)
        if r.returncode != 0:
            failures.append(f"promtool test rules on the rewritten tests:\n{r.stdout}{r.stderr}")
        print(f"{len(names)} rewritten test files against rules for {{{SELECTOR}}}")

        # The same rewritten series against the committed (default) rules:
        # they must not fire, or the selector would not matter.
        shutil.copyfile(source / "alerts" / "ipv6_ha.rules.yml", rules)
        r = run([args.promtool, "test", "rules", *names], cwd=tests)
        if r.returncode == 0:
            failures.append("the default rules fire on series of job edge_fw: "
                            "the selector has no effect")

        bad = [["--selector", "job=ipv6_ha"], ["--selector", '{job="ipv6_ha"}'],
               ["--selector", ""], ["--selector", 'job="a" env="b"'],
               ["--selector", '__name__="up"'], ["--runbook-url", "runbook.md"],
               ["--runbook-url", "https://x.example/runbook.md#top"]]
        for extra in bad:
            r = run(build + extra + ["--output", "-"])
            if r.returncode != 2 or not r.stderr.strip() or r.stdout:
                failures.append(f"build.py {extra}: exit {r.returncode}, stderr "
                                f"{r.stderr!r}; wanted exit 2, a reason, no output")

        stale = tmp / "stale.rules.yml"
        stale.write_text((source / "alerts" / "ipv6_ha.rules.yml").read_text() + "\n# edited\n")
        r = run(build + ["--check", "--output", str(stale)])
        if r.returncode != 1:
            failures.append(f"build.py --check on an edited file: exit {r.returncode}, wanted 1")
    except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
        failures.append(str(e))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    print("PASS" if not failures else f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
