#!/usr/bin/env bash
# Footprint and flood resistance of ipv6_ha_exporter next to Debian's
# prometheus-node-exporter and prometheus-blackbox-exporter, in the same run:
# idle threads and RSS (anonymous and file-backed pages; the exporter's also
# per mapping), then for each target alone bench/http_flood.py (BUSY wrk
# keep-alive connections plus IDLE silent and half-open ones, one separate
# scraper every 50 ms).
# The exporter runs the demo's four checks on its default web settings.
# Loopback only; bounded in time.
#
#   bench/footprint_bench.sh [BUILD_DIR] [SECONDS] [BUSY] [IDLE]
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly SOURCE_DIR
readonly BUILD_DIR="${1:-${SOURCE_DIR}/build}"
readonly FLOOD_SECONDS="${2:-20}"
readonly BUSY="${3:-1000}"
readonly IDLE="${4:-500}"
readonly BINARY="${BUILD_DIR}/exporter/ipv6_ha_exporter"
readonly NODE_EXPORTER=/usr/bin/prometheus-node-exporter
readonly BLACKBOX_EXPORTER=/usr/bin/prometheus-blackbox-exporter
readonly OURS_PORT=19746 NODE_PORT=19100 BLACKBOX_PORT=19115

# shellcheck source=bench/lib.sh
source "${SOURCE_DIR}/bench/lib.sh"
require_tools wrk python3 "${NODE_EXPORTER}" "${BLACKBOX_EXPORTER}" "${BINARY}"
# One connection is one descriptor in every target: room for the flood.
ulimit -n "$(ulimit -Hn)"

bench_start
printf 'modules:\n  tcp_connect:\n    prober: tcp\n' >"${work}/blackbox.yml"

start_demo_exporter "${BINARY}" "${OURS_PORT}"
ours_pid="${demo_pid}"
"${NODE_EXPORTER}" --web.listen-address="127.0.0.1:${NODE_PORT}" --log.level=warn 2>/dev/null &
pids+=($!)
node_pid=$!
"${BLACKBOX_EXPORTER}" --config.file="${work}/blackbox.yml" \
  --web.listen-address="127.0.0.1:${BLACKBOX_PORT}" --log.level=warn 2>/dev/null &
pids+=($!)
blackbox_pid=$!

for port in "${OURS_PORT}" "${NODE_PORT}" "${BLACKBOX_PORT}"; do wait_up "${port}"; done
sleep 3 # every check has run, each target has served a scrape

status_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
idle_row() {
  local name="$1" pid="$2"
  printf '%-26s %8s %10.2f %10.2f %10.2f\n' "${name}" "$(status_kib "${pid}" Threads)" \
    "$(awk -v v="$(status_kib "${pid}" VmRSS)" 'BEGIN {print v / 1024}')" \
    "$(awk -v v="$(status_kib "${pid}" RssAnon)" 'BEGIN {print v / 1024}')" \
    "$(awk -v v="$(status_kib "${pid}" RssFile)" 'BEGIN {print v / 1024}')"
}
echo "idle (after one scrape):"
printf '%-26s %8s %10s %10s %10s\n' target threads "RSS MiB" "anon MiB" "file MiB"
idle_row ipv6_ha_exporter "${ours_pid}"
idle_row prometheus-node-exporter "${node_pid}"
idle_row prometheus-blackbox-exp. "${blackbox_pid}"

# RSS and its anonymous part per mapped file ([anon]: heap, stacks, arenas),
# from /proc/PID/smaps, largest first (docs/benchmarks.md, "Where the memory goes").
mappings() {
  awk '/^[0-9a-f]+-[0-9a-f]+ / { name = NF >= 6 ? $6 : "[anon]"; sub(/.*\//, "", name) }
       /^Rss:/ { rss[name] += $2 }
       /^Anonymous:/ { anon[name] += $2 }
       END { for (n in rss) if (rss[n] >= 32) printf "  %-32s %8d %8d\n", n, rss[n], anon[n] }' \
    "/proc/$1/smaps" | sort -k2 -rn
}
echo
echo "ipv6_ha_exporter idle, per mapping (KiB, 32 and over):"
printf '  %-32s %8s %8s\n' mapping RSS anon
mappings "${ours_pid}"

echo
echo "flood (${BUSY} busy + ${IDLE} idle/half-open, ${FLOOD_SECONDS} s each, one target at a time):"
flood() {
  python3 "${SOURCE_DIR}/bench/http_flood.py" --port "$1" --pid "$2" --seconds "${FLOOD_SECONDS}" \
    --busy "${BUSY}" --idle "${IDLE}" --label "$3: " "${@:4}"
}
flood "${OURS_PORT}" "${ours_pid}" ipv6_ha_exporter --cadence ipv6_loopback
flood "${NODE_PORT}" "${node_pid}" node_exporter
flood "${BLACKBOX_PORT}" "${blackbox_pid}" blackbox_exporter
