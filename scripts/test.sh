#!/usr/bin/env bash
# Installs what the project needs, builds it, and runs every test:
#   0. the format check (scripts/check-format.sh: clang-format 14, pinned);
#   1. release build: unit, integration (real HTTP, promtool, a real Prometheus,
#      nftables and ICMPv6/TCP between network namespaces), the two-node
#      keepalived lab, load and fault tests, rule and script lints;
#   2. the unit and integration suites under ASan+UBSan, and the threaded
#      ones (scheduler, prober, HTTP, the daemon) under TSan;
#   3. every libFuzzer target for a bounded time (FUZZ_SECONDS, default 10);
#   4. with FREEBSD_SYSROOT set, the FreeBSD compile check
#      (scripts/check-freebsd.sh); without it, a line saying it was skipped.
# Run as root on Debian 12 (tests that need root skip visibly otherwise).
# SKIP_DEPS=1 skips install-deps.sh; SKIP_SANITIZERS=1 / SKIP_FUZZ=1 skip 2 / 3.
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly SOURCE_DIR
readonly BUILD_DIR="${BUILD_DIR:-${SOURCE_DIR}/build}"
cd "${SOURCE_DIR}"
started=${SECONDS}
stage() { printf '\n=== %s (%d s so far)\n' "$*" "$((SECONDS - started))"; }

if [[ "${SKIP_DEPS:-0}" != 1 ]]; then
  stage "installing dependencies"
  bash scripts/install-deps.sh
fi

stage "format check"
bash scripts/check-format.sh
stage "release build"
bash scripts/build.sh "${BUILD_DIR}" -DCMAKE_BUILD_TYPE=Release
stage "tests (release build)"
ctest --test-dir "${BUILD_DIR}" --output-on-failure --timeout 600 -j "$(nproc)"

if [[ "${SKIP_SANITIZERS:-0}" != 1 ]]; then
  stage "sanitizers"
  JOBS="$(nproc)" bash scripts/test-sanitizers.sh asan tsan
fi
if [[ "${SKIP_FUZZ:-0}" != 1 ]]; then
  stage "fuzzing"
  JOBS="$(nproc)" sh scripts/run-fuzz.sh "${FUZZ_SECONDS:-10}"
fi
if [[ -n "${FREEBSD_SYSROOT:-}" ]]; then
  stage "FreeBSD compile check"
  JOBS="$(nproc)" bash scripts/check-freebsd.sh
else
  stage "FreeBSD compile check SKIPPED: FREEBSD_SYSROOT is not set (see docs/development.md)"
fi
stage "all tests passed"
