#!/usr/bin/env bash
# Installs everything needed to build, test and run ipv6_ha_exporter on Debian 12.
# Run as root. Idempotent: a second run changes nothing and takes seconds.
#
# apt-get installs the build, test and lab packages by name. Services that those
# packages ship (prometheus, node/blackbox exporters, keepalived) are kept from
# starting during the install and are stopped and disabled afterwards: the tests
# and the benchmarks start their own instances on their own ports and VRRP groups.
# Every library comes from Debian; the HTTP server is the exporter's own
# (exporter/http/), so nothing is built from source here.
set -euo pipefail

readonly POLICY_RC=/usr/sbin/policy-rc.d
readonly POLICY_RC_SAVED=/usr/sbin/policy-rc.d.ipv6ha-saved

readonly PACKAGES=(
  build-essential cmake pkg-config git
  prometheus-cpp-dev nlohmann-json3-dev libyaml-cpp-dev libspdlog-dev
  googletest libgmock-dev libgtest-dev libcrypt-dev libssl-dev openssl
  clang libclang-rt-14-dev clang-format-14 clang-tidy-14 shellcheck python3
  clang-16 libc++-16-dev libc++abi-16-dev
  prometheus prometheus-node-exporter prometheus-blackbox-exporter
  iproute2 nftables keepalived iputils-ping wrk curl
)
readonly SERVICES=(prometheus prometheus-node-exporter prometheus-blackbox-exporter keepalived)

log() { printf '[install-deps] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cleanup() { restore_policy_rc; }

# --- services ---------------------------------------------------------------------

# invoke-rc.d asks policy-rc.d before starting anything; exit 101 means "forbidden".
# An existing policy-rc.d (Docker images ship one) is set aside and put back.
deny_service_starts() {
  if [[ -e "${POLICY_RC}" && ! -e "${POLICY_RC_SAVED}" ]]; then
    mv -- "${POLICY_RC}" "${POLICY_RC_SAVED}"
  fi
  printf '#!/bin/sh\n# written by ipv6_ha_exporter install-deps.sh; removed when it ends\nexit 101\n' \
    > "${POLICY_RC}"
  chmod 755 "${POLICY_RC}"
}

restore_policy_rc() {
  if [[ -f "${POLICY_RC}" ]] && grep -q 'ipv6_ha_exporter install-deps' "${POLICY_RC}"; then
    rm -f -- "${POLICY_RC}"
  fi
  if [[ -e "${POLICY_RC_SAVED}" ]]; then
    mv -- "${POLICY_RC_SAVED}" "${POLICY_RC}"
  fi
}

systemd_is_running() { [[ -d /run/systemd/system ]]; }

# Stops and disables the packaged services, with or without systemd as PID 1.
stop_and_disable_services() {
  local svc
  for svc in "${SERVICES[@]}"; do
    if systemd_is_running; then
      systemctl disable --now "${svc}.service" >/dev/null 2>&1 || true
    else
      if [[ -x "/etc/init.d/${svc}" ]]; then
        "/etc/init.d/${svc}" stop >/dev/null 2>&1 || true
      fi
      # Offline systemctl only edits unit symlinks (and the SysV links through
      # systemd-sysv-install), so the service stays off if systemd boots later.
      if command -v systemctl >/dev/null 2>&1; then
        systemctl disable "${svc}.service" >/dev/null 2>&1 || true
      elif command -v update-rc.d >/dev/null 2>&1; then
        update-rc.d "${svc}" disable >/dev/null 2>&1 || true
      fi
    fi
  done
}

install_packages() {
  log "apt-get update"
  apt-get update -qq
  log "apt-get install ${#PACKAGES[@]} packages"
  deny_service_starts
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${PACKAGES[@]}" >/dev/null
  restore_policy_rc
  stop_and_disable_services
}

main() {
  [[ "$(id -u)" == 0 ]] || die "run as root"
  trap cleanup EXIT
  local started=${SECONDS}
  install_packages
  log "done in $((SECONDS - started)) s"
}

# Sourcing the script (for testing its functions) does not run it.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
