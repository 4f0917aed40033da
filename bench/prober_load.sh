#!/bin/sh
# Cost of the prober: 1,000 ICMPv6 targets at 1 Hz for 20 s on a veth path
# between two network namespaces; prints CPU time per second and RSS.
# Needs root. Usage: bench/prober_load.sh [BUILD_DIR] [TARGETS] [SECONDS]
set -eu
BUILD="${1:-build}"
TARGETS="${2:-1000}"
SECONDS_="${3:-20}"
# shellcheck source=bench/netns_lab.sh
. "$(dirname "$0")/netns_lab.sh"
lab_setup
ip netns exec "$ROUTER" "$BUILD/bench/prober_bench" load 2001:db8:200:: "$TARGETS" "$SECONDS_"
