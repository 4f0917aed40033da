#!/bin/sh
# Builds the libFuzzer targets with clang in build-asan/ (the `asan` preset:
# clang, ASan+UBSan, coverage for libFuzzer in every library, so the
# sanitizer tests and the fuzzers share one build) and runs each for a
# bounded time (default 20 s), seeded with the parser fixtures.
#   scripts/run-fuzz.sh [seconds]      FUZZ_TARGETS="config http_server" picks targets
# Exit status is non-zero when a target crashes; the crashing input is left
# in build-asan/fuzz-artifacts/ (turn it into a unit test).
set -eu

seconds="${1:-20}"
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build-asan"
jobs="${JOBS:-2}"

cmake --preset asan -S "$root" >/dev/null
targets="${FUZZ_TARGETS:-pds_state nptv6_config pf_nat nft_ruleset config duration http_auth http_request http_server ifconfig peer_status ha_singleton status_document vrrp_notify}"
for t in $targets; do
  cmake --build "$build" --target "fuzz_$t" -j "$jobs" >/dev/null
done

seeds_for() {
  case "$1" in
    pds_state) echo "$root/tests/fixtures/pds" ;;
    nptv6_config) echo "$root/tests/fixtures/nptv6" ;;
    pf_nat) echo "$root/tests/fixtures/pfctl" ;;
    nft_ruleset) echo "$root/tests/fixtures/nft" ;;
    ifconfig) echo "$root/tests/fixtures/ifconfig" ;;
    vrrp_notify) echo "$root/tests/fixtures/keepalived" ;;
    peer_status) echo "$root/tests/fixtures/peer_status $root/tests/fuzz/corpus/peer_status" ;;
    ha_singleton) echo "$root/tests/fixtures/import" ;;
    *) echo "$root/tests/fuzz/corpus/$1" ;;
  esac
}

mkdir -p "$build/fuzz-artifacts"
status=0
printf '%-14s %10s %8s %8s %s\n' target execs cov ft result
for t in $targets; do
  corpus="$build/fuzz-corpus/$t"
  mkdir -p "$corpus"
  for seeds in $(seeds_for "$t"); do cp "$seeds"/* "$corpus"/; done
  log="$build/fuzz_$t.log"
  if "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -rss_limit_mb=2048 \
      -max_len=65536 -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$build/fuzz-artifacts/${t}-" "$corpus" >"$log" 2>&1; then
    result=ok
  else
    result="CRASH (see $log)"
    status=1
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  printf '%-14s %10s %8s %8s %s\n' "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$result"
done
exit "$status"
