#!/bin/sh
# Accuracy of the prober's RTT against ping -6 on the same veth path:
# COUNT probes each at INTERVAL, medians side by side. Needs root.
# Usage: bench/prober_accuracy.sh [BUILD_DIR] [COUNT] [INTERVAL_MS]
set -eu
BUILD="${1:-build}"
COUNT="${2:-300}"
INTERVAL_MS="${3:-20}"
# shellcheck source=bench/netns_lab.sh
. "$(dirname "$0")/netns_lab.sh"
lab_setup
TARGET=2001:db8:200::1
ip netns exec "$ROUTER" ping -6 -c 3 -q "$TARGET" >/dev/null  # neighbour discovery
INTERVAL_S=$(awk "BEGIN { printf \"%.3f\", $INTERVAL_MS / 1000 }")
ip netns exec "$ROUTER" ping -6 -n -c "$COUNT" -i "$INTERVAL_S" "$TARGET" |
  sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p' | sort -n |
  awk '{ v[NR] = $1 * 1000 } END {
    printf "ping -6: %d/'"$COUNT"' answered, median %.1f us, p10 %.1f us, p90 %.1f us\n",
      NR, v[int((NR - 1) * 0.5) + 1], v[int((NR - 1) * 0.1) + 1], v[int((NR - 1) * 0.9) + 1] }'
ip netns exec "$ROUTER" "$BUILD/bench/prober_bench" rtt "$TARGET" "$COUNT" "$INTERVAL_MS"
