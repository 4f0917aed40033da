#!/usr/bin/env bash
# Runs clang-tidy 14 with the repository's .clang-tidy over the daemon's own
# sources (exporter/ and checks/; not tests, fuzz targets or benches, and not
# the *_freebsd.cpp halves, which do not compile on Linux) and fails on any
# finding: .clang-tidy makes every warning an error. Run it before merging
# (docs/development.md, "Static analysis"); it is not a stage of scripts/test.sh.
#
#   scripts/check-tidy.sh [BUILD_DIR]     (default: build/)
#
# BUILD_DIR only needs to be configured: without a compile_commands.json there
# the script configures it (Release, CMAKE_EXPORT_COMPILE_COMMANDS=ON); nothing
# is compiled. Environment: JOBS (default 2), CLANG_TIDY (default
# clang-tidy-14), CLANG_TIDY_RUNNER (default run-clang-tidy-14).
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly SOURCE_DIR
readonly BUILD_DIR="${1:-${SOURCE_DIR}/build}"
readonly TIDY="${CLANG_TIDY:-clang-tidy-14}"
readonly RUNNER="${CLANG_TIDY_RUNNER:-run-clang-tidy-14}"
started=${SECONDS}

for tool in "${TIDY}" "${RUNNER}"; do
  if ! command -v "${tool}" >/dev/null 2>&1; then
    echo "check-tidy: ${tool} is not installed (scripts/install-deps.sh installs clang-tidy-14)" >&2
    exit 2
  fi
done
if [[ ! -f "${BUILD_DIR}/compile_commands.json" ]]; then
  echo "check-tidy: configuring ${BUILD_DIR} for its compile_commands.json"
  cmake -S "${SOURCE_DIR}" -B "${BUILD_DIR}" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
fi

# run-clang-tidy matches this against the absolute paths of the build's
# translation units.
readonly FILES_RE="^${SOURCE_DIR}/(exporter|checks)/(?!.*_freebsd\\.cpp$)"
log="$(mktemp)"
trap 'rm -f "${log}"' EXIT
status=0
"${RUNNER}" -quiet -p "${BUILD_DIR}" -j "${JOBS:-2}" \
  -clang-tidy-binary "$(command -v "${TIDY}")" "${FILES_RE}" 2>&1 |
  sed 's/\x1b\[[0-9;]*m//g' >"${log}" || status=$?
# Leave out the runner's command echo and clang-tidy's counts of warnings it
# suppressed in system and third-party headers.
grep -v -e '^[0-9]* warnings\? \(and [0-9]* errors\? \)\?generated' \
  -e '^Suppressed [0-9]* warnings' -e '^Use -header-filter' \
  -e '^Use -system-headers' -e "^$(basename "${TIDY}") " "${log}" || true
elapsed=$((SECONDS - started))
if [[ "${status}" != 0 ]] || grep -q -e ': error: ' -e ': warning: ' "${log}"; then
  echo "check-tidy: findings above (exit ${status}; ${elapsed} s)" >&2
  exit 1
fi
echo "check-tidy: no findings (${elapsed} s)"
