#!/usr/bin/env bash
# Installs what the project needs, builds it, and runs every test: unit,
# integration (real HTTP, promtool, nftables and network namespaces) and the
# two-node keepalived lab. Run as root on Debian 12; tests that need root
# skip with a visible reason otherwise.
#
#   scripts/test.sh            everything (this is what CI runs)
#   SKIP_DEPS=1 scripts/test.sh   do not run install-deps.sh first
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly SOURCE_DIR
readonly BUILD_DIR="${BUILD_DIR:-${SOURCE_DIR}/build}"
cd "${SOURCE_DIR}"

if [[ "${SKIP_DEPS:-0}" != 1 ]]; then
  bash scripts/install-deps.sh
fi
bash scripts/build.sh "${BUILD_DIR}" -DCMAKE_BUILD_TYPE=RelWithDebInfo

ctest --test-dir "${BUILD_DIR}" --output-on-failure --timeout 600 -j "$(nproc)"
