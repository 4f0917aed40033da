#!/bin/sh
# The two-minute demo: builds ipv6_ha_exporter, starts the two-node
# keepalived lab in network namespaces with a live status view and the
# /metrics of both nodes on loopback ports, and plays a short story:
# normal -> local IPv6 fault on fw1 -> failover -> heal -> failback.
# Needs root. Ctrl-C tears everything down. See docs/lab.md.
# Environment: SKIP_DEPS=1 (do not run scripts/install-deps.sh),
#              IP6LAB_SKIP_BUILD=1 (use the existing build/).
set -eu
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ]; then
  echo "demo.sh: needs root (network namespaces, keepalived); try: sudo $0" >&2
  exit 1
fi

# Dependencies: only when something is missing (a rerun of the install
# script is idempotent but touches apt). SKIP_DEPS=1 never installs.
if [ "${SKIP_DEPS:-0}" != 1 ] && [ -x scripts/install-deps.sh ]; then
  for tool in keepalived nft ip python3 cmake; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      scripts/install-deps.sh
      break
    fi
  done
fi

if [ -z "${IP6LAB_SKIP_BUILD:-}" ]; then
  if [ -x scripts/build.sh ]; then
    TARGETS=ipv6_ha_exporter scripts/build.sh
  else
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build build --target ipv6_ha_exporter -j "$(nproc)"
  fi
fi

exec python3 tests/lab/lab.py demo "$@"
