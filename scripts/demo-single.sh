#!/usr/bin/env bash
# Installs, builds and runs one exporter on the built-in demo config (fixture
# files, no firewall needed) on http://127.0.0.1:9646/ until Ctrl-C.
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly SOURCE_DIR
readonly LISTEN="${LISTEN:-127.0.0.1:9646}"
cd "${SOURCE_DIR}"
if [[ "${SKIP_DEPS:-0}" != 1 ]]; then
  bash scripts/install-deps.sh
fi
TARGETS=ipv6_ha_exporter bash scripts/build.sh build -DCMAKE_BUILD_TYPE=RelWithDebInfo

work="$(mktemp -d)"
trap 'rm -rf "${work}"' EXIT
# A fresh copy: the pds file's mtime is what prefix_freshness judges.
cp -a examples/demo "${work}/demo"
touch "${work}/demo/dhcp6c-pds.json"
sed "s|@FIXTURES@|${work}/demo|g; s|@LISTEN@|${LISTEN}|" \
  examples/demo/demo.yml.in > "${work}/demo.yml"
echo "demo: http://${LISTEN}/  (metrics at /metrics, status at /api/v1/status; Ctrl-C stops)"
build/exporter/ipv6_ha_exporter --config "${work}/demo.yml"
