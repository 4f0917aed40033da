#!/usr/bin/env bash
# /metrics latency and throughput of ipv6_ha_exporter next to Debian's
# prometheus-node-exporter, measured with wrk in the same run, plus the
# exporter's idle RSS. Loopback only; bounded in time.
#
#   bench/scrape_bench.sh [BUILD_DIR] [SECONDS] [CONNECTIONS]
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly SOURCE_DIR
readonly BUILD_DIR="${1:-${SOURCE_DIR}/build}"
readonly SECONDS_PER_RUN="${2:-10}"
readonly CONNECTIONS="${3:-10}"
readonly BINARY="${BUILD_DIR}/exporter/ipv6_ha_exporter"
readonly NODE_EXPORTER=/usr/bin/prometheus-node-exporter
readonly OURS_PORT=19746 NODE_PORT=19100

# shellcheck source=bench/lib.sh
source "${SOURCE_DIR}/bench/lib.sh"
require_tools wrk "${NODE_EXPORTER}" "${BINARY}"
bench_start

# A realistic check set: the demo's fixture-driven checks.
start_demo_exporter "${BINARY}" "${OURS_PORT}"
ours_pid="${demo_pid}"
"${NODE_EXPORTER}" --web.listen-address="127.0.0.1:${NODE_PORT}" --log.level=warn 2>/dev/null &
pids+=($!)

wait_up "${OURS_PORT}"
wait_up "${NODE_PORT}"
sleep 2  # let every check run once, so the scrape has its full size

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
idle_rss="$(rss_kib "${ours_pid}")"

# wrk --latency prints "50%  1.23ms"; convert to microseconds.
to_us() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") print n; else if (u == "ms") print n * 1000; else if (u == "s") print n * 1000000; else print n }'
}
run_wrk() {
  local out
  out="$(wrk -t2 -c"${CONNECTIONS}" -d"${SECONDS_PER_RUN}s" --latency "http://127.0.0.1:$1/metrics")"
  local p50 p99 rps errors
  p50="$(awk '$1 == "50%" {print $2}' <<<"${out}")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"${out}")"
  rps="$(awk '/^Requests\/sec/ {print $2}' <<<"${out}")"
  errors="$(awk '/Non-2xx|Socket errors/ {print}' <<<"${out}")"
  echo "$(to_us "${p50}") $(to_us "${p99}") ${rps} ${errors:-none}"
}

bytes_ours="$(curl -s "http://127.0.0.1:${OURS_PORT}/metrics" | wc -c)"
bytes_node="$(curl -s "http://127.0.0.1:${NODE_PORT}/metrics" | wc -c)"
read -r ours_p50 ours_p99 ours_rps ours_err <<<"$(run_wrk "${OURS_PORT}")"
read -r node_p50 node_p99 node_rps node_err <<<"$(run_wrk "${NODE_PORT}")"
loaded_rss="$(rss_kib "${ours_pid}")"

printf '%-26s %14s %14s %12s %10s  %s\n' target "p50 (us)" "p99 (us)" "req/s" bytes errors
printf '%-26s %14s %14s %12s %10s  %s\n' ipv6_ha_exporter "${ours_p50}" "${ours_p99}" "${ours_rps}" "${bytes_ours}" "${ours_err}"
printf '%-26s %14s %14s %12s %10s  %s\n' prometheus-node-exporter "${node_p50}" "${node_p99}" "${node_rps}" "${bytes_node}" "${node_err}"
awk -v a="${node_p50}" -v b="${ours_p50}" 'BEGIN { printf "p50 ratio node_exporter/ipv6_ha_exporter: %.1fx (target >= 20x)\n", a / b }'
awk -v r="${idle_rss}" 'BEGIN { printf "ipv6_ha_exporter idle RSS: %.2f MiB (target < 8 MiB)\n", r / 1024 }'
awk -v r="${loaded_rss}" 'BEGIN { printf "ipv6_ha_exporter RSS after load: %.2f MiB\n", r / 1024 }'
echo "wrk: -t2 -c${CONNECTIONS} -d${SECONDS_PER_RUN}s per target, same machine, same run"
