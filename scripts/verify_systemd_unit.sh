#!/bin/sh
#
# Verifies the configured systemd unit with `systemd-analyze verify`.
# verify needs ExecStart= to name an existing executable, so the unit is
# checked in a copy whose binary path points at BINARY (the build output).
# Any output from systemd-analyze (unknown keys, bad values) is a failure:
# verify itself exits 0 on many of them.
#
# Drop-ins given after BINARY are verified with the unit, from a
# UNIT.d/ directory beside the copy (verify searches the unit's directory);
# their Exec lines point at BINARY too. A .socket given there is copied
# beside the unit and verified with it.
#
# Usage: scripts/verify_systemd_unit.sh UNIT_FILE BINARY [DROP_IN.conf|UNIT.socket...]

unit="$1"
binary="$2"
if [ ! -r "${unit}" ] || [ ! -x "${binary}" ]; then
	echo "usage: $0 UNIT_FILE BINARY (both must exist)" >&2
	exit 2
fi
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "systemd-analyze is not installed (Debian package: systemd)" >&2
	exit 2
fi

dir=$(mktemp -d) || exit 2
trap 'rm -rf "${dir}"' EXIT
copy="${dir}/$(basename "${unit}")"
point_at_binary() {
	sed "s#^\(Exec[A-Za-z]*=\)[^ ]*/ipv6_ha_exporter #\1${binary} #" "$1"
}
point_at_binary "${unit}" > "${copy}"
if ! grep -q "^ExecStart=${binary} " "${copy}"; then
	echo "${unit}: no ExecStart= line running ipv6_ha_exporter" >&2
	exit 1
fi

units="${copy}"
if [ "$#" -gt 2 ]; then
	shift 2
	mkdir "${copy}.d" || exit 2
	for extra in "$@"; do
		if [ ! -r "${extra}" ]; then
			echo "${extra}: cannot read it" >&2
			exit 2
		fi
		case "${extra}" in
		*.socket)
			cp "${extra}" "${dir}/" || exit 2
			units="${units} ${dir}/$(basename "${extra}")"
			;;
		*) point_at_binary "${extra}" > "${copy}.d/$(basename "${extra}")" || exit 2 ;;
		esac
	done
fi

# shellcheck disable=SC2086 # the unit paths are ours, without spaces
output=$(systemd-analyze verify ${units} 2>&1)
rc=$?
if [ "${rc}" -ne 0 ] || [ -n "${output}" ]; then
	printf '%s\n' "${output}"
	echo "FAIL systemd-analyze verify ${unit} (exit ${rc})"
	exit 1
fi
echo "systemd-analyze verify: ${unit} is clean"
