#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/*_fuzz.cpp, clang, ASan+UBSan) in
# build-fuzz/ and runs each for a bounded time, then prints executions and
# coverage per target. Exits non-zero when any target found a crash, leak,
# timeout or sanitizer report; the input is kept in build-fuzz/fuzz-artifacts/
# and must become a regression unit test (see docs/reliability.md).
#
# Seeds for target NAME_fuzz: tests/fuzz/corpus/NAME_fuzz/ and, when it exists,
# tests/fixtures/NAME/ (so a parser's fixtures seed its fuzzer). The growing
# corpus lives in build-fuzz/fuzz-corpus/ and is reused by the next run.
#
# Usage: scripts/run-fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   SECONDS_PER_TARGET  default 20 (the test command); use 600+ for a long run
#   TARGET              default: every *_fuzz target
# Environment: JOBS (default 2) for the build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly BUILD="${ROOT}/build-fuzz"
readonly JOBS="${JOBS:-2}"
readonly SECONDS_PER_TARGET="${1:-20}"
shift || true

log() { printf '[fuzz] %s\n' "$*" >&2; }

[[ "${SECONDS_PER_TARGET}" =~ ^[0-9]+$ ]] || { log "seconds must be a number"; exit 2; }

log "building fuzz targets in ${BUILD}"
cmake --preset fuzz -S "${ROOT}" >/dev/null
cmake --build "${BUILD}" -j "${JOBS}" --target fuzz_targets >/dev/null

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for src in "${ROOT}"/tests/fuzz/*_fuzz.cpp; do
    targets+=("$(basename "${src}" .cpp)")
  done
fi

summary=()
failed=0
for target in "${targets[@]}"; do
  bin="$(find "${BUILD}/tests/fuzz" -maxdepth 1 -type f -name "${target}" -perm -u+x | head -1)"
  [[ -n "${bin}" ]] || { log "${target}: not built"; failed=1; continue; }
  corpus="${BUILD}/fuzz-corpus/${target}"
  artifacts="${BUILD}/fuzz-artifacts/${target}/"
  mkdir -p "${corpus}" "${artifacts}"
  seeds=()
  [[ -d "${ROOT}/tests/fuzz/corpus/${target}" ]] && seeds+=("${ROOT}/tests/fuzz/corpus/${target}")
  fixtures="${ROOT}/tests/fixtures/${target%_fuzz}"
  [[ -d "${fixtures}" ]] && seeds+=("${fixtures}")
  out="${BUILD}/fuzz-${target}.log"
  log "${target}: ${SECONDS_PER_TARGET} s, seeds: ${seeds[*]:-none}"
  rc=0
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: a 2 GiB input
  # is a memory bomb. Both count as findings.
  "${bin}" "${corpus}" "${seeds[@]}" -max_total_time="${SECONDS_PER_TARGET}" \
      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="${artifacts}" >"${out}" 2>&1 || rc=$?
  execs="$(grep -Eo 'stat::number_of_executed_units: [0-9]+' "${out}" | grep -Eo '[0-9]+$' | tail -1)"
  cov="$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "${out}" | tail -1)"
  corp="$(find "${corpus}" -type f | wc -l)"
  status=ok
  if [[ ${rc} -ne 0 ]] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:' "${out}"; then
    status="FINDING (exit ${rc}, see ${out} and ${artifacts})"
    failed=1
    grep -E -A30 'ERROR:|runtime error:' "${out}" | head -40 >&2 || true
  fi
  summary+=("$(printf '%-22s execs %-10s %-22s corpus %-6s %s' \
      "${target}" "${execs:-?}" "${cov:-cov: ?}" "${corp}" "${status}")")
done

log "summary (${SECONDS_PER_TARGET} s per target):"
printf '%s\n' "${summary[@]}"
exit "${failed}"
