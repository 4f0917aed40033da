#!/usr/bin/env bash
# Compiles, one source at a time, every source that a FreeBSD build of the
# project compiles, for x86_64-unknown-freebsd14 with clang and libc++ against
# a FreeBSD 14 header sysroot (compile only: -fsyntax-only, nothing links or
# runs). The list of sources comes from CMake itself: the tree is configured
# with -DCMAKE_SYSTEM_NAME=FreeBSD (host compiler, nothing built) and its
# compile_commands.json names each source with its definitions, so the list
# follows the CMakeLists (file pairs *_linux.cpp / *_freebsd.cpp, Linux-only
# tests left out) and cannot drift.
#
#   FREEBSD_SYSROOT=/path/to/sysroot scripts/check-freebsd.sh [SOURCE_DIR]
#
# The sysroot holds FreeBSD 14's usr/include (from base.txz, or the header set
# described in docs/development.md). Third-party headers (the libraries the
# project builds on) come from the host through a folder of symlinks to those
# libraries' own directories only, never the host's whole /usr/include, so no
# glibc header can stand in for a FreeBSD one.
#
# Environment:
#   FREEBSD_SYSROOT        the sysroot (required)
#   FREEBSD_CXX            clang++ to use (default clang++-16)
#   FREEBSD_LIBCXX_INCLUDE libc++ headers (default /usr/lib/llvm-16/include/c++/v1)
#   FREEBSD_TARGET         target triple (default x86_64-unknown-freebsd14.2)
#   FREEBSD_CHECK_DIR      scratch directory (default SOURCE_DIR/build-freebsd-check)
#   IPV6HA_DEPS_PREFIX     a prefix searched first for libraries (default /opt/ipv6_ha_exporter/deps)
#   JOBS                   compiles in parallel, each a separate clang (default 1)
#
# Exit: 0 every source compiles; 1 any source fails (each failure and a summary
# are printed); 2 skipped: no sysroot, or no clang/libc++ (says which).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
SOURCE_DIR="$(cd "${1:-${SCRIPT_DIR}/..}" && pwd)"
readonly SOURCE_DIR
readonly CXX_BIN="${FREEBSD_CXX:-clang++-16}"
readonly LIBCXX_INCLUDE="${FREEBSD_LIBCXX_INCLUDE:-/usr/lib/llvm-16/include/c++/v1}"
readonly TARGET="${FREEBSD_TARGET:-x86_64-unknown-freebsd14.2}"
readonly WORK_DIR="${FREEBSD_CHECK_DIR:-${SOURCE_DIR}/build-freebsd-check}"
readonly DEPS_PREFIX="${IPV6HA_DEPS_PREFIX:-/opt/ipv6_ha_exporter/deps}"
readonly JOBS="${JOBS:-1}"

log() { printf '[check-freebsd] %s\n' "$*"; }
skip() {
  log "SKIPPED: $*"
  exit 2
}

if [[ -z "${FREEBSD_SYSROOT:-}" ]]; then
  skip "FREEBSD_SYSROOT is not set (a FreeBSD 14 sysroot with usr/include; see docs/development.md)"
fi
if [[ ! -f "${FREEBSD_SYSROOT}/usr/include/sys/param.h" ]]; then
  skip "FREEBSD_SYSROOT=${FREEBSD_SYSROOT} has no usr/include/sys/param.h"
fi
command -v "${CXX_BIN}" >/dev/null 2>&1 ||
  skip "${CXX_BIN} is not installed (scripts/install-deps.sh installs clang-16)"
[[ -f "${LIBCXX_INCLUDE}/vector" ]] ||
  skip "no libc++ headers in ${LIBCXX_INCLUDE} (libc++-16-dev)"

# --- third-party headers: one symlink per library directory ----------------------

# The design-card libraries' headers, and OpenSSL's (the HTTP server's TLS
# and the TLS client use it). On Debian OpenSSL keeps two generated headers under the
# multiarch directory; they join openssl/ here.
make_thirdparty() {
  local dir="$1" multiarch name
  multiarch="$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)"
  rm -rf "${dir}"
  mkdir -p "${dir}/openssl"
  for name in prometheus nlohmann yaml-cpp spdlog fmt gtest gmock; do
    [[ -d "/usr/include/${name}" ]] || skip "/usr/include/${name} is missing (scripts/install-deps.sh)"
    ln -s "/usr/include/${name}" "${dir}/${name}"
  done
  ln -s /usr/include/openssl/* "${dir}/openssl/"
  for name in opensslconf.h configuration.h; do
    if [[ -f "/usr/include/${multiarch}/openssl/${name}" ]]; then
      ln -sf "/usr/include/${multiarch}/openssl/${name}" "${dir}/openssl/${name}"
    fi
  done
}

# --- the sources a FreeBSD build compiles -------------------------------------------

# Configures SOURCE_DIR as FreeBSD with the host compiler (only to generate
# compile_commands.json; nothing is built) and writes one line per source:
# the file, then its -D and in-tree -I flags, separated by \x01 (a byte no
# path or flag holds).
list_sources() {
  local build="$1" out="$2" multiarch
  multiarch="$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)"
  rm -rf "${build}"
  if ! cmake -S "${SOURCE_DIR}" -B "${build}" -DCMAKE_SYSTEM_NAME=FreeBSD \
    -DCMAKE_LIBRARY_ARCHITECTURE="${multiarch}" \
    -DCMAKE_PREFIX_PATH="${DEPS_PREFIX}" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    -DIPV6HA_BUILD_TESTS=ON -DIPV6HA_FUZZ=OFF >"${build}.log" 2>&1; then
    cat "${build}.log"
    log "FAILED: configuring ${SOURCE_DIR} for FreeBSD (log above)"
    exit 1
  fi
  python3 - "${build}/compile_commands.json" "${SOURCE_DIR}" "${build}" >"${out}" <<'EOF'
import json, shlex, sys
commands, source_dir, build_dir = sys.argv[1:4]
seen = set()
for entry in json.load(open(commands)):
    source = entry["file"]
    if source in seen:
        continue
    seen.add(source)
    args = shlex.split(entry["command"])
    keep = []
    for i, arg in enumerate(args):
        if arg.startswith("-D"):
            keep.append(arg)
        elif arg.startswith("-I"):
            path = arg[2:] or args[i + 1]
            if path.startswith((source_dir, build_dir)):
                keep.append("-I" + path)
    print("\x01".join([source] + keep))
EOF
}

# --- compile ---------------------------------------------------------------------

# One source: prints "ok FILE" or "FAIL FILE" followed by clang's diagnostics.
compile_one() {
  local line="$1" source flags output lang
  IFS=$'\x01' read -r -a flags <<<"${line}"
  source="${flags[0]}"
  flags=("${flags[@]:1}")
  case "${source}" in
  *.c) lang=(-x c -std=c11) ;;
  *) lang=(-x c++ -std=c++20 -nostdinc++ -isystem "${LIBCXX_INCLUDE}") ;;
  esac
  if output="$("${CXX_BIN}" --target="${TARGET}" --sysroot="${FREEBSD_SYSROOT}" \
    -D__FreeBSD_version=1400000 "${lang[@]}" \
    -isystem "${THIRDPARTY}" -I"${SOURCE_DIR}" "${flags[@]}" \
    -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
    -fsyntax-only -ferror-limit=5 "${source}" 2>&1)"; then
    printf 'ok %s\n' "${source#"${SOURCE_DIR}"/}"
  else
    printf 'FAIL %s\n%s\n' "${source#"${SOURCE_DIR}"/}" "${output}"
  fi
}

main() {
  mkdir -p "${WORK_DIR}"
  THIRDPARTY="${WORK_DIR}/thirdparty"
  make_thirdparty "${THIRDPARTY}"
  local list="${WORK_DIR}/sources.txt" results="${WORK_DIR}/results.txt"
  list_sources "${WORK_DIR}/cmake" "${list}"
  local total
  total="$(wc -l <"${list}")"
  log "compiling ${total} sources of a FreeBSD build for ${TARGET} against ${FREEBSD_SYSROOT}"
  export -f compile_one
  export CXX_BIN LIBCXX_INCLUDE TARGET FREEBSD_SYSROOT THIRDPARTY SOURCE_DIR
  # shellcheck disable=SC2016  # $1 is expanded by the inner bash
  xargs -d '\n' -r -P "${JOBS}" -n 1 bash -c 'compile_one "$1"' _ \
    <"${list}" >"${results}" || true
  local failed passed
  failed="$(grep -c '^FAIL ' "${results}" || true)"
  passed="$(grep -c '^ok ' "${results}" || true)"
  grep -v '^ok ' "${results}" || true
  printf '\n'
  log "summary: ${total} sources, ${passed} compiled, ${failed} failed"
  if ((failed > 0 || passed != total)); then
    grep '^FAIL ' "${results}" | sed 's/^/[check-freebsd]   /'
    exit 1
  fi
  log "OK: every source of the FreeBSD build compiles"
}

main
