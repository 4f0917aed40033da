#!/bin/sh
#
# Checks that every place naming the configuration file agrees, per platform:
#   FreeBSD / OPNsense (prefix /usr/local): /usr/local/etc/ipv6_ha_exporter/ipv6_ha_exporter.yml
#   Linux              (prefix /usr):       /etc/ipv6_ha_exporter/ipv6_ha_exporter.yml
#
# For each layout it configures a scratch build tree with that prefix (tests
# off, nothing is compiled), stages the install components `config` and
# `service` into a DESTDIR, and requires:
#   - the sample config at the layout's path plus `.sample`;
#   - the staged systemd unit's `--config` (ExecStart=, ExecStartPre=) to name
#     that path;
#   - for FreeBSD, the staged rc script's `ipv6_ha_exporter_config` default
#     (and the default its header documents) to name it.
# Then README.md's "Running it" section must name both paths with --config,
# and every absolute path to an ipv6_ha_exporter.yml in README.md, docs/,
# rc.d/, examples/ and exporter/ must be one of them (or its .sample).
#
# Usage: scripts/check_config_paths.sh SOURCE_DIR [CMAKE]
# Exit:  0 all agree, 1 a disagreement (one FAIL line each), 2 cannot run.

src="$1"
cmake="${2:-cmake}"
if [ ! -f "${src}/CMakeLists.txt" ] || ! command -v "${cmake}" >/dev/null 2>&1; then
	echo "usage: $0 SOURCE_DIR [CMAKE] (a source tree and a cmake program)" >&2
	exit 2
fi

readonly BSD_CONFIG=/usr/local/etc/ipv6_ha_exporter/ipv6_ha_exporter.yml
readonly LINUX_CONFIG=/etc/ipv6_ha_exporter/ipv6_ha_exporter.yml

work=$(mktemp -d) || exit 2
trap 'rm -rf "${work}"' EXIT
status=0

fail() {
	echo "FAIL $*"
	status=1
}

# stage NAME PREFIX [CMAKE_ARGS...]: configure and stage one layout into
# ${work}/NAME/stage; exits 2 when CMake itself fails.
stage() {
	name="$1"
	prefix="$2"
	shift 2
	dir="${work}/${name}"
	mkdir -p "${dir}/stage" || exit 2
	if ! "${cmake}" -S "${src}" -B "${dir}/build" -DCMAKE_INSTALL_PREFIX="${prefix}" \
		-DIPV6HA_BUILD_TESTS=OFF "$@" >"${dir}/configure.log" 2>&1; then
		cat "${dir}/configure.log"
		echo "${name}: cmake configure with prefix ${prefix} failed" >&2
		exit 2
	fi
	for component in config service; do
		if ! DESTDIR="${dir}/stage" "${cmake}" --install "${dir}/build" \
			--component "${component}" >"${dir}/install.log" 2>&1; then
			cat "${dir}/install.log"
			echo "${name}: cmake --install --component ${component} failed" >&2
			exit 2
		fi
	done
}

# check_unit NAME CONFIG: the staged unit's Exec lines read CONFIG.
check_unit() {
	unit=$(find "${work}/$1/stage" -name ipv6_ha_exporter.service -type f | head -n 1)
	if [ -z "${unit}" ]; then
		fail "$1: no systemd unit was staged"
		return
	fi
	found=$(sed -n 's/^Exec[A-Za-z]*=.* --config \([^ ]*\).*$/\1/p' "${unit}")
	if [ -z "${found}" ]; then
		fail "$1: ${unit#"${work}/$1/stage"} has no Exec line with --config"
	fi
	for path in ${found}; do
		[ "${path}" = "$2" ] ||
			fail "$1: the systemd unit reads ${path}, the layout's config is $2"
	done
}

# check_sample NAME CONFIG: the sample config was staged beside CONFIG.
check_sample() {
	if [ ! -f "${work}/$1/stage$2.sample" ]; then
		staged=$(cd "${work}/$1/stage" && find . -name '*.yml.sample' | sed 's#^\.##')
		fail "$1: no sample config at $2.sample (staged: ${staged:-none})"
	fi
}

stage freebsd /usr/local
check_sample freebsd "${BSD_CONFIG}"
check_unit freebsd "${BSD_CONFIG}"
rc="${work}/freebsd/stage/usr/local/etc/rc.d/ipv6_ha_exporter"
if [ -f "${rc}" ]; then
	# The rc script's own line, `: "${ipv6_ha_exporter_config:=PATH}"`, literally.
	# shellcheck disable=SC2016
	default=$(sed -n 's/^: "${ipv6_ha_exporter_config:=\(.*\)}"$/\1/p' "${rc}")
	[ "${default}" = "${BSD_CONFIG}" ] ||
		fail "freebsd: the rc script defaults ipv6_ha_exporter_config to '${default}', not ${BSD_CONFIG}"
	documented=$(sed -n '/ipv6_ha_exporter_config (path)/,/ipv6_ha_exporter_flags/p' "${rc}" |
		sed -n 's/^#.*Default: \(.*\)$/\1/p' | head -n 1)
	[ "${documented}" = "${BSD_CONFIG}" ] ||
		fail "freebsd: the rc script's header documents the default '${documented}', not ${BSD_CONFIG}"
else
	fail "freebsd: no rc script at /usr/local/etc/rc.d/ipv6_ha_exporter"
fi

stage linux /usr
check_sample linux "${LINUX_CONFIG}"
check_unit linux "${LINUX_CONFIG}"

# README.md, "Running it": both paths with --config, and no other.
running=$(sed -n '/^## Running it/,/^## /p' "${src}/README.md" |
	sed -n 's/.*--config \(\/[^ ]*\).*/\1/p' | sort -u)
for want in "${BSD_CONFIG}" "${LINUX_CONFIG}"; do
	printf '%s\n' "${running}" | grep -qxF "${want}" ||
		fail "README.md, Running it: does not show --config ${want}"
done
for path in ${running}; do
	[ "${path}" = "${BSD_CONFIG}" ] || [ "${path}" = "${LINUX_CONFIG}" ] ||
		fail "README.md, Running it: --config ${path} is neither layout's config"
done

# Every absolute path to an ipv6_ha_exporter.yml in the docs and sources.
mentions="${work}/mentions"
(cd "${src}" && grep -rnoE '(^|[^A-Za-z0-9_./-])/[A-Za-z0-9_./-]*ipv6_ha_exporter\.ya?ml(\.sample)?' \
	README.md docs rc.d examples exporter) >"${mentions}"
count=0
while IFS= read -r line; do
	count=$((count + 1))
	where="${line%%:*}"
	rest="${line#*:}"
	where="${where}:${rest%%:*}"
	path=$(printf '%s\n' "${rest#*:}" | sed 's#^[^/]*##; s#\.sample$##')
	[ "${path}" = "${BSD_CONFIG}" ] || [ "${path}" = "${LINUX_CONFIG}" ] ||
		fail "${where}: names ${path}, neither ${BSD_CONFIG} nor ${LINUX_CONFIG}"
done <"${mentions}"
[ "${count}" -gt 0 ] || fail "found no mention of a config path at all (is ${src} the source tree?)"

if [ "${status}" -eq 0 ]; then
	echo "config paths agree: ${BSD_CONFIG} (FreeBSD), ${LINUX_CONFIG} (Linux); ${count} mentions checked"
fi
exit "${status}"
