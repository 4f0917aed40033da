#!/usr/bin/env bash
# Installs everything needed to build, test and run ipv6_ha_exporter on Debian 12.
# Run as root. Idempotent: a second run changes nothing and takes seconds.
#
# apt-get installs the build, test and lab packages by name. Services that those
# packages ship (prometheus, node/blackbox exporters, keepalived) are kept from
# starting during the install and are stopped and disabled afterwards: the tests
# and the benchmarks start their own instances on their own ports and VRRP groups.
# Every library comes from Debian. Debian ships prometheus-cpp only as a shared
# library, and the daemon links its C++ libraries statically to stay small
# (cmake/Ipv6haFootprint.cmake, docs/benchmarks.md "Where the memory goes"), so
# Debian's own prometheus-cpp source package, the installed version, is built
# (core only, static) into IPV6HA_DEPS_PREFIX, where scripts/build.sh points
# CMake. Skipped when that build is there for the installed version; when it
# fails (no deb-src reachable), a warning, and the shared library is used.
#
# Environment: IPV6HA_DEPS_PREFIX (default /opt/ipv6_ha_exporter/deps).
set -euo pipefail

readonly PREFIX="${IPV6HA_DEPS_PREFIX:-/opt/ipv6_ha_exporter/deps}"
readonly BUILD_INFO="${PREFIX}/share/ipv6_ha_exporter/prometheus-cpp-build-info"
# Bump when the build below changes, so existing builds are redone.
readonly RECIPE=1

readonly POLICY_RC=/usr/sbin/policy-rc.d
readonly POLICY_RC_SAVED=/usr/sbin/policy-rc.d.ipv6ha-saved

readonly PACKAGES=(
  build-essential cmake pkg-config git dpkg-dev
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

WORK_DIR=""

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

# --- prometheus-cpp, static ----------------------------------------------------------

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

# Fetches and unpacks Debian's source of the package that built $1 (installed),
# with its patches, into $2. A private apt state directory keeps the system's
# sources and package lists as they are.
fetch_debian_source() {
  local binary_pkg="$1" dest="$2" src_pkg src_version codename
  src_pkg="$(dpkg-query -W -f='${source:Package}' "${binary_pkg}")"
  src_version="$(dpkg-query -W -f='${source:Version}' "${binary_pkg}")"
  # shellcheck disable=SC1091
  codename="$(. /etc/os-release && printf '%s' "${VERSION_CODENAME}")"
  [[ -n "${codename}" ]] || die "no VERSION_CODENAME in /etc/os-release"

  local apt_dir="${WORK_DIR}/apt"
  mkdir -p "${apt_dir}/sources.list.d" "${apt_dir}/lists/partial"
  derive_deb_src "${codename}" >"${apt_dir}/sources.list.d/deb-src.sources"
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
}

# Builds the core library of Debian's prometheus-cpp (the installed version) as a
# static, position-independent archive with Debian's build flags into PREFIX.
build_static_prometheus_cpp() {
  local wanted="$1" src_root="${WORK_DIR}/src" tree
  fetch_debian_source prometheus-cpp-dev "${src_root}"
  tree="$(find "${src_root}" -mindepth 1 -maxdepth 1 -type d -name 'prometheus-cpp-*' -print -quit)"
  [[ -n "${tree}" && -f "${tree}/CMakeLists.txt" ]] || die "no unpacked prometheus-cpp tree in ${src_root}"
  log "building ${wanted} (core, static) into ${PREFIX}"
  local build_dir="${WORK_DIR}/build" log_file="${WORK_DIR}/prometheus-cpp-build.log"
  if ! {
    cmake -S "${tree}" -B "${build_dir}" \
      -DCMAKE_BUILD_TYPE=None \
      -DCMAKE_CXX_FLAGS="$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CXXFLAGS)" \
      -DCMAKE_INSTALL_PREFIX="${PREFIX}" \
      -DCMAKE_INSTALL_LIBDIR=lib \
      -DBUILD_SHARED_LIBS=OFF \
      -DCMAKE_POSITION_INDEPENDENT_CODE=ON \
      -DENABLE_PULL=OFF -DENABLE_PUSH=OFF -DENABLE_COMPRESSION=OFF \
      -DENABLE_TESTING=OFF -DUSE_THIRDPARTY_LIBRARIES=OFF &&
      cmake --build "${build_dir}" -j "$(nproc)" &&
      cmake --install "${build_dir}"
  } >"${log_file}" 2>&1; then
    tail -n 40 "${log_file}" >&2
    die "prometheus-cpp build failed (log above)"
  fi
  mkdir -p "$(dirname "${BUILD_INFO}")"
  printf '%s\n' "${wanted}" >"${BUILD_INFO}"
}

ensure_static_prometheus_cpp() {
  local wanted
  wanted="$(dpkg-query -W -f='${source:Package} ${source:Version}' prometheus-cpp-dev) recipe ${RECIPE}"
  if [[ -f "${BUILD_INFO}" && "$(cat "${BUILD_INFO}")" == "${wanted}" &&
    -f "${PREFIX}/lib/libprometheus-cpp-core.a" ]]; then
    log "static prometheus-cpp (${wanted}) is in ${PREFIX}; not rebuilding"
    return 0
  fi
  WORK_DIR="$(mktemp -d)"
  local started=${SECONDS}
  # In a subshell: a failure (no deb-src reachable, a failed build) leaves the
  # shared prometheus-cpp in use, which builds and runs the same, only larger.
  if (build_static_prometheus_cpp "${wanted}"); then
    log "prometheus-cpp built and installed in $((SECONDS - started)) s"
  else
    log "WARNING: no static prometheus-cpp; the daemon links libstdc++ shared" \
      "(about 1.4 MiB more RSS, and the footprint tests use their 12 MiB bounds)"
  fi
}

main() {
  [[ "$(id -u)" == 0 ]] || die "run as root"
  trap cleanup EXIT
  local started=${SECONDS}
  install_packages
  ensure_static_prometheus_cpp
  log "done in $((SECONDS - started)) s"
}

# Sourcing the script (for testing its functions) does not run it.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
