#!/usr/bin/env bash
# Tests scripts/check-freebsd.sh on a tiny CMake project and a tiny sysroot
# made here, so it needs neither the FreeBSD headers nor the project's build:
#   1. without FREEBSD_SYSROOT it skips (exit 2) and says why;
#   2. with a sysroot lacking sys/param.h it skips and says why;
#   3. a source that includes <sys/epoll.h> (on this Linux host, absent from
#      the FreeBSD sysroot) fails: exit 1, the file named, the summary
#      counting 2 sources and 1 failure; the host's own headers are not used;
#   4. with that source gone, the check passes (exit 0).
# Exit: 0 passed, 1 failed, 2 skipped (no clang++-16).
set -euo pipefail

SCRIPT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/scripts/check-freebsd.sh"
readonly SCRIPT
readonly CXX_BIN="${FREEBSD_CXX:-clang++-16}"
if ! command -v "${CXX_BIN}" >/dev/null 2>&1; then
  echo "SKIPPED: ${CXX_BIN} is not installed"
  exit 2
fi

work="$(mktemp -d)"
trap 'rm -rf -- "${work}"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# A project of two sources and a sysroot that declares kqueue() only.
mkdir -p "${work}/project" "${work}/sysroot/usr/include/sys"
cat >"${work}/project/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.25)
project(check_freebsd_probe CXX)
add_library(probe STATIC kqueue_user.cpp epoll_user.cpp)
CMAKE
printf '#include <sys/event.h>\nint Watch() { return kqueue(); }\n' \
  >"${work}/project/kqueue_user.cpp"
printf '#include <sys/epoll.h>\nint Watch2() { return epoll_create1(0); }\n' \
  >"${work}/project/epoll_user.cpp"
: >"${work}/sysroot/usr/include/sys/param.h"
printf '#pragma once\nint kqueue(void);\n' >"${work}/sysroot/usr/include/sys/event.h"

run() {  # run SYSROOT: runs the check on the probe project; sets out and rc
  rc=0
  out="$(FREEBSD_SYSROOT="$1" FREEBSD_CHECK_DIR="${work}/check" \
    "${SCRIPT}" "${work}/project" 2>&1)" || rc=$?
}

rc=0
out="$(env -u FREEBSD_SYSROOT FREEBSD_CHECK_DIR="${work}/check" "${SCRIPT}" "${work}/project" 2>&1)" || rc=$?
[[ ${rc} -eq 2 ]] || fail "without FREEBSD_SYSROOT: exit ${rc}, want 2"
[[ "${out}" == *"SKIPPED: FREEBSD_SYSROOT is not set"* ]] ||
  fail "without FREEBSD_SYSROOT: no skip message in: ${out}"

mkdir -p "${work}/empty"
run "${work}/empty"
[[ ${rc} -eq 2 ]] || fail "sysroot without sys/param.h: exit ${rc}, want 2"
[[ "${out}" == *"has no usr/include/sys/param.h"* ]] ||
  fail "sysroot without sys/param.h: no reason in: ${out}"

run "${work}/sysroot"
[[ ${rc} -eq 1 ]] || fail "a source including sys/epoll.h: exit ${rc}, want 1: ${out}"
[[ "${out}" == *"FAIL epoll_user.cpp"* ]] || fail "the failing source is not named: ${out}"
[[ "${out}" == *"'sys/epoll.h' file not found"* ]] ||
  fail "the host's sys/epoll.h was found, or the error is not shown: ${out}"
[[ "${out}" == *"summary: 2 sources, 1 compiled, 1 failed"* ]] ||
  fail "wrong summary: ${out}"

sed -i 's/ epoll_user.cpp//' "${work}/project/CMakeLists.txt"
run "${work}/sysroot"
[[ ${rc} -eq 0 ]] || fail "the clean project: exit ${rc}, want 0: ${out}"
[[ "${out}" == *"summary: 1 sources, 1 compiled, 0 failed"* ]] ||
  fail "wrong summary for the clean project: ${out}"

if ((failures > 0)); then
  exit 1
fi
echo "check-freebsd.sh: skips, fails and passes as it should"
