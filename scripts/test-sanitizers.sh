#!/usr/bin/env bash
# Builds the project under the sanitizers and runs the tests there:
#   build-asan/  AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer):
#                every unit and integration test except the `load` label
#                (1,000-connection wrk runs measure the release build, not ASan)
#   build-tsan/  ThreadSanitizer: the tests labelled `tsan` (scheduler, prober,
#                HTTP server, the daemon end to end; see tests/CMakeLists.txt)
#
# Zero findings: every sanitizer writes its reports to files under
# build-*/sanitizer-reports/ (log_path), including reports from the exporter
# processes that the integration tests start, whose stderr no test reads.
# The run fails if ctest fails or if any report file exists afterwards.
#
# Usage: scripts/test-sanitizers.sh [asan|tsan]...   (default: both)
# Environment: JOBS (default 2) for make and ctest.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly JOBS="${JOBS:-2}"
readonly SUPPRESSIONS="${ROOT}/scripts/sanitizer-suppressions"

log() { printf '[sanitizers] %s\n' "$*" >&2; }

run_one() {
  local kind="$1" build="${ROOT}/build-$1" labels ctest_jobs="${JOBS}"
  local reports="${build}/sanitizer-reports"
  local started=${SECONDS}
  log "${kind}: configuring and building ${build}"
  cmake --preset "${kind}" -S "${ROOT}" >/dev/null
  if [[ "${kind}" == tsan ]]; then
    # Only what the tsan-labelled tests run: the threaded units and the
    # daemon itself (see IPV6HA_TSAN_TESTS in tests/CMakeLists.txt).
    local regex targets=(ipv6_ha_exporter)
    regex="$(sed -n 's/^ *"\(.*\)"$/\1/p' "${ROOT}/tests/CMakeLists.txt" | head -1)"
    while IFS= read -r t; do targets+=("${t}"); done < <(
      find "${ROOT}/tests/unit" "${ROOT}/tests/integration" -name '*_test.cpp' -printf '%f\n' |
        sed 's/\.cpp$//' | grep -E "${regex}" | sort)
    cmake --build "${build}" -j "${JOBS}" --target "${targets[@]}" >/dev/null
  else
    cmake --build "${build}" -j "${JOBS}" >/dev/null
  fi
  rm -rf "${reports}"
  mkdir -p "${reports}"
  local built=$((SECONDS - started))

  case "${kind}" in
    asan)
      labels='unit|integration'   # matches unit-tsan and integration-tsan too; not load
      # detect_stack_use_after_return: catches returning views of locals.
      export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1:log_path=${reports}/asan"
      export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=${reports}/ubsan"
      export LSAN_OPTIONS="suppressions=${SUPPRESSIONS}/lsan.supp:print_suppressions=0"
      ;;
    tsan)
      labels='tsan'
      # One test at a time: two TSan exporters starting at once on 2 cores
      # push start-up past the tests' readiness budgets.
      ctest_jobs=1
      export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=${SUPPRESSIONS}/tsan.supp:print_suppressions=0:log_path=${reports}/tsan"
      ;;
  esac
  log "${kind}: ctest -L '${labels}'"
  local rc=0
  (cd "${build}" && ctest -L "${labels}" -j "${ctest_jobs}" \
      --output-on-failure --no-tests=error) || rc=$?
  local tested=$((SECONDS - started - built))

  local found
  found="$(find "${reports}" -type f | sort)"
  if [[ -n "${found}" ]]; then
    log "${kind}: sanitizer reports found:"
    while IFS= read -r f; do
      printf '==== %s\n' "${f}" >&2
      head -60 "${f}" >&2
    done <<<"${found}"
    rc=1
  fi
  log "${kind}: build ${built} s, tests ${tested} s, result $([[ ${rc} -eq 0 ]] && echo clean || echo FAILED)"
  unset ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS TSAN_OPTIONS
  return "${rc}"
}

main() {
  local kinds=("$@") rc=0
  [[ ${#kinds[@]} -eq 0 ]] && kinds=(asan tsan)
  for kind in "${kinds[@]}"; do
    case "${kind}" in
      asan|tsan) run_one "${kind}" || rc=1 ;;
      *) log "unknown sanitizer build '${kind}' (asan or tsan)"; exit 2 ;;
    esac
  done
  log "total ${SECONDS} s"
  return "${rc}"
}

main "$@"
