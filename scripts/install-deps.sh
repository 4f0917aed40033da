#!/usr/bin/env bash
# Installs everything needed to build, test and run ipv6_ha_exporter on Debian 12.
# Run as root. Idempotent: a second run changes nothing and takes seconds.
#
#  1. apt-get installs the build, test and lab packages by name. Services that those
#     packages ship (prometheus, node/blackbox exporters, keepalived) are kept from
#     starting during the install and are stopped and disabled afterwards: the tests
#     start their own instances on the same ports and VRRP groups.
#  2. Debian 12's libcivetweb is built without IPv6 (binding "[::]:9646" fails), so
#     Debian's own civetweb source package, same version, is rebuilt with IPv6 and
#     TLS into /opt/ipv6_ha_exporter/deps as static libraries. scripts/build.sh
#     points CMake there. Skipped when that build already exists and works.
#
# Environment: IPV6HA_DEPS_PREFIX (default /opt/ipv6_ha_exporter/deps),
#              IPV6HA_FORCE_CIVETWEB_BUILD=1 rebuilds civetweb even when not needed.
set -euo pipefail

readonly PREFIX="${IPV6HA_DEPS_PREFIX:-/opt/ipv6_ha_exporter/deps}"
readonly FORCE_BUILD="${IPV6HA_FORCE_CIVETWEB_BUILD:-0}"
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly SCRIPT_DIR
readonly PROBE_SRC="${SCRIPT_DIR}/civetweb-probe"
readonly POLICY_RC=/usr/sbin/policy-rc.d
readonly POLICY_RC_SAVED=/usr/sbin/policy-rc.d.ipv6ha-saved
readonly BUILD_INFO="${PREFIX}/share/ipv6_ha_exporter/civetweb-build-info"
# Bump when the build flags below change, so existing builds are redone.
readonly RECIPE=2

readonly PACKAGES=(
  build-essential cmake pkg-config git dpkg-dev
  prometheus-cpp-dev libcivetweb-dev nlohmann-json3-dev libyaml-cpp-dev libspdlog-dev
  googletest libgmock-dev libgtest-dev libcrypt-dev libssl-dev openssl
  clang libclang-rt-14-dev shellcheck python3
  clang-16 libc++-16-dev libc++abi-16-dev
  prometheus prometheus-node-exporter prometheus-blackbox-exporter
  iproute2 nftables keepalived iputils-ping wrk curl
)
readonly SERVICES=(prometheus prometheus-node-exporter prometheus-blackbox-exporter keepalived)

WORK_DIR=""

log() { printf '[install-deps] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

cleanup() {
  restore_policy_rc
  if [[ -n "${WORK_DIR}" && -d "${WORK_DIR}" ]]; then
    rm -rf -- "${WORK_DIR}"
  fi
}

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

# --- civetweb ----------------------------------------------------------------------

# Builds the probe against the civetweb package config in $1 (a civetweb_DIR) into $2.
build_probe() {
  local civetweb_dir="$1" out="$2"
  rm -rf -- "${out}"
  cmake -S "${PROBE_SRC}" -B "${out}" -Dcivetweb_DIR="${civetweb_dir}" \
    -DCMAKE_BUILD_TYPE=Release >"${out}.log" 2>&1 &&
    cmake --build "${out}" >>"${out}.log" 2>&1
}

# Succeeds when the civetweb in $1 reports IPv6 and TLS, and actually serves HTTP on
# [::1] and [::] and HTTPS on [::1]. Logs why when it fails.
civetweb_works() {
  local civetweb_dir="$1" probe_dir="${WORK_DIR}/probe-$RANDOM"
  if [[ ! -f "${civetweb_dir}/civetweb-config.cmake" ]]; then
    return 1
  fi
  if ! build_probe "${civetweb_dir}" "${probe_dir}"; then
    log "probe does not build against ${civetweb_dir} (see below)"
    tail -n 20 "${probe_dir}.log" >&2
    return 1
  fi
  local features
  features="$("${probe_dir}/civetweb_probe" || true)"
  log "civetweb in ${civetweb_dir}: ${features}"
  [[ "${features}" == "ipv6=1 ssl=1" ]] || return 1
  # Captured first: grep -q closing a pipe early would fail the pipeline (pipefail).
  local libs
  libs="$(ldd "${probe_dir}/civetweb_probe")"
  if [[ "${libs}" == *libcivetweb* ]]; then
    log "probe links a shared libcivetweb; expected the static one"
    return 1
  fi
  local lo_addrs
  lo_addrs="$(ip -6 addr show dev lo 2>/dev/null || true)"
  if [[ "${lo_addrs}" != *"inet6 ::1/128"* ]]; then
    log "WARNING: no ::1 on lo here; checked the feature bits only"
    return 0
  fi
  serve_check "${probe_dir}/civetweb_probe"
}

# Starts the probe's server and fetches from each listener with curl.
serve_check() {
  local probe="$1" cert="${WORK_DIR}/probe-cert.pem" ports_file="${WORK_DIR}/probe-ports"
  if [[ ! -f "${cert}" ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
      -keyout "${WORK_DIR}/probe-key.pem" -out "${WORK_DIR}/probe-crt.pem" 2>/dev/null
    cat "${WORK_DIR}/probe-key.pem" "${WORK_DIR}/probe-crt.pem" > "${cert}"
  fi
  rm -f -- "${ports_file}"
  "${probe}" serve "${cert}" "${ports_file}" >/dev/null &
  local pid=$! deadline=$((SECONDS + 10)) ok=0
  while [[ ! -s "${ports_file}" ]] && kill -0 "${pid}" 2>/dev/null && ((SECONDS < deadline)); do
    sleep 0.05
  done
  if [[ -s "${ports_file}" ]]; then
    local http_lo http_any https_lo
    read -r http_lo http_any https_lo < "${ports_file}"
    if [[ "$(curl -gfsS --max-time 5 "http://[::1]:${http_lo}/")" == civetweb-probe-ok &&
      "$(curl -gfsS --max-time 5 "http://[::1]:${http_any}/")" == civetweb-probe-ok &&
      "$(curl -gkfsS --max-time 5 "https://[::1]:${https_lo}/")" == civetweb-probe-ok ]]; then
      ok=1
      log "served http on [::1]:${http_lo} and [::]:${http_any}, https on [::1]:${https_lo}"
    fi
  fi
  kill "${pid}" 2>/dev/null || true
  wait "${pid}" 2>/dev/null || true
  ((ok == 1)) || { log "probe server did not answer on IPv6 / TLS"; return 1; }
}

# Writes deb-src stanzas for this release, derived from the configured deb sources
# (deb822 debian.sources, else the one-line sources.list), to stdout.
derive_deb_src() {
  local codename="$1" apt_etc="${2:-/etc/apt}"
  if [[ -f "${apt_etc}/sources.list.d/debian.sources" ]]; then
    awk -v rel="${codename}" '
      function flush() {
        if (stanza != "" && keep) printf "%s\n", stanza
        stanza = ""; keep = 0
      }
      /^[[:space:]]*$/ { flush(); next }
      {
        line = $0
        if (line ~ /^Types:/) line = "Types: deb-src"
        if (line ~ /^Suites:/) {
          for (i = 2; i <= NF; i++)
            if ($i == rel || index($i, rel "-") == 1) keep = 1
        }
        stanza = stanza line "\n"
      }
      END { flush() }' "${apt_etc}/sources.list.d/debian.sources"
  elif [[ -f "${apt_etc}/sources.list" ]]; then
    awk -v rel="${codename}" '
      $1 == "deb" {
        for (i = 2; i <= NF; i++) if ($i == rel || index($i, rel "-") == 1) {
          sub(/^deb[[:space:]]/, "deb-src "); print; break
        }
      }' "${apt_etc}/sources.list"
  fi
}

# Fetches and unpacks Debian's civetweb source, with its patches, into $1. Uses a
# private apt state directory so the system's sources and package lists stay as
# they are.
fetch_civetweb_source() {
  local dest="$1" src_pkg src_version codename
  src_pkg="$(dpkg-query -W -f='${source:Package}' libcivetweb-dev)"
  src_version="$(dpkg-query -W -f='${source:Version}' libcivetweb-dev)"
  # shellcheck disable=SC1091
  codename="$(. /etc/os-release && printf '%s' "${VERSION_CODENAME}")"
  [[ -n "${codename}" ]] || die "no VERSION_CODENAME in /etc/os-release"

  local apt_dir="${WORK_DIR}/apt"
  mkdir -p "${apt_dir}/sources.list.d" "${apt_dir}/lists/partial"
  derive_deb_src "${codename}" > "${apt_dir}/sources.list.d/deb-src.sources"
  if [[ ! -s "${apt_dir}/sources.list.d/deb-src.sources" ]]; then
    die "found no deb source for ${codename} in /etc/apt to derive a deb-src from"
  fi
  local apt_opts=(
    -o Dir::Etc::SourceList=/dev/null
    -o "Dir::Etc::SourceParts=${apt_dir}/sources.list.d"
    -o "Dir::State::Lists=${apt_dir}/lists"
    -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
    -o APT::Sandbox::User=root
  )
  log "fetching source ${src_pkg}=${src_version}"
  apt-get "${apt_opts[@]}" update -qq
  mkdir -p "${dest}"
  (cd "${dest}" && apt-get "${apt_opts[@]}" source -qq "${src_pkg}=${src_version}" >/dev/null)
  printf '%s %s\n' "${src_pkg}" "${src_version}"
}

build_civetweb() {
  local src_root="${WORK_DIR}/src" info
  info="$(fetch_civetweb_source "${src_root}")"
  local tree
  tree="$(find "${src_root}" -mindepth 1 -maxdepth 1 -type d -name 'civetweb-*' -print -quit)"
  [[ -n "${tree}" && -f "${tree}/CMakeLists.txt" ]] || die "no unpacked civetweb tree in ${src_root}"

  # 1.15 has no CMake switch for the OpenSSL 3 API (only 1.0 and 1.1), so the 3.0
  # define goes in by CFLAGS. OpenSSL is linked, not dlopen()ed: no dependency on the
  # unversioned libssl.so that only libssl-dev provides. SOCKET_TIMEOUT_QUANTUM is how
  # long civetweb's accept loop polls before it looks at the stop flag: the default
  # 2 s makes every clean shutdown take up to 2 s; 200 ms keeps SIGTERM prompt.
  local cflags
  cflags="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CFLAGS) -DOPENSSL_API_3_0 -DSOCKET_TIMEOUT_QUANTUM=200"
  local cxxflags
  cxxflags="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CXXFLAGS)"
  log "building ${info} with IPv6 and TLS into ${PREFIX}"
  local build_dir="${WORK_DIR}/build" log_file="${WORK_DIR}/civetweb-build.log"
  if ! {
    cmake -S "${tree}" -B "${build_dir}" \
      -DCMAKE_BUILD_TYPE=None \
      -DCMAKE_C_FLAGS="${cflags}" \
      -DCMAKE_CXX_FLAGS="${cxxflags}" \
      -DCMAKE_INSTALL_PREFIX="${PREFIX}" \
      -DCMAKE_INSTALL_LIBDIR=lib \
      -DBUILD_SHARED_LIBS=OFF \
      -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
      -DCIVETWEB_ENABLE_IPV6=ON \
      -DCIVETWEB_ENABLE_CXX=ON \
      -DCIVETWEB_ENABLE_SSL=ON \
      -DCIVETWEB_ENABLE_SSL_DYNAMIC_LOADING=OFF \
      -DCIVETWEB_SSL_OPENSSL_API_1_0=OFF \
      -DCIVETWEB_SSL_OPENSSL_API_1_1=OFF \
      -DCIVETWEB_ENABLE_WEBSOCKETS=OFF \
      -DCIVETWEB_DISABLE_CGI=ON \
      -DCIVETWEB_ENABLE_SERVER_EXECUTABLE=OFF \
      -DCIVETWEB_INSTALL_EXECUTABLE=OFF \
      -DCIVETWEB_BUILD_TESTING=OFF \
      -DCIVETWEB_ENABLE_ASAN=OFF &&
      cmake --build "${build_dir}" -j "$(nproc)" &&
      cmake --install "${build_dir}"
  } >"${log_file}" 2>&1; then
    tail -n 40 "${log_file}" >&2
    die "civetweb build failed (log above)"
  fi
  mkdir -p "$(dirname "${BUILD_INFO}")"
  printf '%s recipe %s\n' "${info}" "${RECIPE}" > "${BUILD_INFO}"
}

ensure_ipv6_civetweb() {
  local prefix_config="${PREFIX}/lib/cmake/civetweb" wanted
  wanted="$(dpkg-query -W -f='${source:Package} ${source:Version}' libcivetweb-dev) recipe ${RECIPE}"

  if [[ "${FORCE_BUILD}" != 1 && -f "${BUILD_INFO}" &&
    "$(cat "${BUILD_INFO}")" == "${wanted}" ]] && civetweb_works "${prefix_config}"; then
    log "IPv6 civetweb (${wanted}) in ${PREFIX} works; not rebuilding"
    return 0
  fi
  if [[ "${FORCE_BUILD}" != 1 ]]; then
    local system_config system_features
    system_config="$(dpkg -L libcivetweb-dev | awk '/\/civetweb-config\.cmake$/ && !n++')"
    if [[ -n "${system_config}" ]] &&
      build_probe "$(dirname "${system_config}")" "${WORK_DIR}/system-probe"; then
      system_features="$("${WORK_DIR}/system-probe/civetweb_probe" || true)"
      log "system civetweb (${wanted}): ${system_features}"
      if [[ "${system_features}" == "ipv6=1 ssl=1" ]]; then
        log "system civetweb already has IPv6; no private build needed"
        return 0
      fi
    fi
  fi
  local started=${SECONDS}
  build_civetweb
  log "civetweb built and installed in $((SECONDS - started)) s"
  civetweb_works "${prefix_config}" || die "the civetweb just built in ${PREFIX} does not work"
}

main() {
  [[ "$(id -u)" == 0 ]] || die "run as root"
  trap cleanup EXIT
  WORK_DIR="$(mktemp -d /tmp/ipv6ha-install-deps.XXXXXX)"
  local started=${SECONDS}
  install_packages
  ensure_ipv6_civetweb
  log "done in $((SECONDS - started)) s"
}

# Sourcing the script (for testing its functions) does not run it.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
