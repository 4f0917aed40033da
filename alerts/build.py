#!/usr/bin/env python3
"""Writes alerts/ipv6_ha.rules.yml from alerts/ipv6_ha.rules.yml.in.

    alerts/build.py                       rewrite the committed file (default selector)
    alerts/build.py --check               exit 1 when the committed file differs
    alerts/build.py --selector 'job="firewalls"' --output /etc/prometheus/ipv6_ha.rules.yml
    alerts/build.py --runbook-url https://wiki.example.net/ipv6_ha/runbook.md --output -

Prometheus rule files have no variables, so the label matchers that pick the
exporters' series are filled in here, once, into every selector of every
rule: `--selector` takes PromQL label matchers without braces (default
`job="ipv6_ha"`, the job name docs/monitoring.md recommends), for example
`job="firewalls"` or `job=~"fw-.*", env="prod"`. `--runbook-url` is where
docs/runbook.md is published; each alert links to its section there.

The template holds the placeholders @SELECTOR@ and @RUNBOOK_URL@; nothing
else is changed. Only the standard library is used.
"""

import argparse
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
TEMPLATE = HERE / "ipv6_ha.rules.yml.in"
COMMITTED = HERE / "ipv6_ha.rules.yml"
DEFAULT_SELECTOR = 'job="ipv6_ha"'
DEFAULT_RUNBOOK_URL = "https://runbooks.example.org/ipv6_ha_exporter/docs/runbook.md"

# One PromQL label matcher: name, operator, double-quoted value.
MATCHER = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\\n]|\\.)*)"\s*')


def parse_selector(text):
    """The matchers of `text` as a list of (name, op, value), or raise ValueError."""
    matchers = []
    pos = 0
    while True:
        m = MATCHER.match(text, pos)
        if not m:
            raise ValueError(
                f"--selector {text!r}: expected a label matcher such as "
                f'job="ipv6_ha" at character {pos + 1} (name, one of = != =~ !~, '
                "a double-quoted value; several separated by commas, no braces)")
        if m.group(1) == "__name__":
            raise ValueError(f"--selector {text!r}: matching __name__ would select "
                             "other metrics than the rules name; use job or another "
                             "target label")
        matchers.append(m.groups())
        pos = m.end()
        if pos == len(text):
            return matchers
        if text[pos] != ",":
            raise ValueError(f"--selector {text!r}: expected a comma at character "
                             f"{pos + 1}")
        pos += 1


def check_runbook_url(url):
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'#{}]+", url):
        raise ValueError(f"--runbook-url {url!r}: expected an absolute URL without "
                         "spaces, quotes, braces or a #fragment (each alert adds its "
                         "own #anchor)")


def render(template, selector, runbook_url):
    """The rules text for one selector and runbook URL."""
    check_runbook_url(runbook_url)
    normal = ", ".join(f'{n}{op}"{v}"' for n, op, v in parse_selector(selector))
    text = template.replace("@SELECTOR@", normal).replace("@RUNBOOK_URL@", runbook_url)
    left = sorted(set(re.findall(r"@[A-Z_]+@", text)))
    if left:
        raise ValueError(f"{TEMPLATE.name}: unknown placeholder(s) {', '.join(left)}")
    return text


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--selector", default=DEFAULT_SELECTOR,
                        help=f"PromQL label matchers without braces (default: {DEFAULT_SELECTOR})")
    parser.add_argument("--runbook-url", default=DEFAULT_RUNBOOK_URL,
                        help="where docs/runbook.md is published")
    parser.add_argument("--output", default=str(COMMITTED),
                        help="file to write, - for standard output (default: the committed file)")
    parser.add_argument("--check", action="store_true",
                        help="compare with --output instead of writing it")
    args = parser.parse_args(argv[1:])
    try:
        text = render(TEMPLATE.read_text(encoding="utf-8"), args.selector, args.runbook_url)
    except ValueError as e:
        print(f"build.py: {e}", file=sys.stderr)
        return 2
    if args.output == "-":
        sys.stdout.write(text)
        return 0
    out = pathlib.Path(args.output)
    if args.check:
        current = out.read_text(encoding="utf-8") if out.exists() else None
        if current != text:
            print(f"{out} differs from what alerts/build.py generates from "
                  f"{TEMPLATE.name}; edit the template and run alerts/build.py",
                  file=sys.stderr)
            return 1
        print(f"{out} is up to date")
        return 0
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out} (selector {{{args.selector}}})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
