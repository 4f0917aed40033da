#!/usr/bin/env bash
# Configures and builds ipv6_ha_exporter.
#
#   scripts/build.sh [BUILD_DIR] [CMAKE_ARGS...]
#
# BUILD_DIR defaults to build/ in the source tree; CMAKE_ARGS go to the configure step.
# CMAKE_PREFIX_PATH is IPV6HA_DEPS_PREFIX, searched before the system for a
# library built by hand (none is needed: scripts/install-deps.sh installs Debian's).
# Environment: IPV6HA_DEPS_PREFIX (default /opt/ipv6_ha_exporter/deps),
#              JOBS (default: number of CPUs), TARGETS (default: all).
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly SOURCE_DIR
readonly DEPS_PREFIX="${IPV6HA_DEPS_PREFIX:-/opt/ipv6_ha_exporter/deps}"

build_dir="${1:-${SOURCE_DIR}/build}"
if (($# > 0)); then
  shift
fi

cmake -S "${SOURCE_DIR}" -B "${build_dir}" \
  -DCMAKE_PREFIX_PATH="${DEPS_PREFIX}" "$@"

target_args=()
if [[ -n "${TARGETS:-}" ]]; then
  read -r -a targets <<<"${TARGETS}"
  target_args=(--target "${targets[@]}")
fi
cmake --build "${build_dir}" -j "${JOBS:-$(nproc)}" "${target_args[@]}"
