# shellcheck shell=bash
# Shared by the bench/*_bench.sh scripts, which source it (it runs nothing
# by itself): the tool check, the work directory and the processes a bench
# starts (stopped and removed on exit), the demo's exporter, and the wait
# for a /metrics endpoint. Expects SOURCE_DIR.

# require_tools TOOL...: exits with a hint when one is missing.
require_tools() {
  local tool
  for tool in "$@"; do
    command -v "${tool}" >/dev/null || {
      echo "missing ${tool}: run scripts/install-deps.sh and scripts/build.sh" >&2
      exit 1
    }
  done
}

# bench_start: a temporary directory in $work; the pids appended to the
# array $pids are killed, and $work removed, when the bench exits.
bench_start() {
  work="$(mktemp -d)"
  pids=()
  trap bench_cleanup EXIT
}
bench_cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "${pid}" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "${work}"
}

# start_demo_exporter BINARY PORT: the exporter with the demo's
# fixture-driven checks (examples/demo) on 127.0.0.1:PORT, in the
# background; its pid in $demo_pid (and in $pids).
start_demo_exporter() {
  cp -a "${SOURCE_DIR}/examples/demo" "${work}/demo"
  touch "${work}/demo/dhcp6c-pds.json"
  sed "s|@FIXTURES@|${work}/demo|g; s|@LISTEN@|127.0.0.1:$2|" \
    "${SOURCE_DIR}/examples/demo/demo.yml.in" >"${work}/demo.yml"
  "$1" --config "${work}/demo.yml" --log.level warn &
  demo_pid=$!
  pids+=("${demo_pid}")
}

# wait_up PORT: returns once http://127.0.0.1:PORT/metrics answers; exits
# after 10 s without an answer.
wait_up() {
  for _ in $(seq 1 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$1/metrics" && return 0
    sleep 0.1
  done
  echo "nothing answers on port $1" >&2
  exit 1
}
