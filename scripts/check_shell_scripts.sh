#!/bin/sh
#
# Lints every shell script under rc.d/ and scripts/ (found by walking the
# trees, so new scripts are covered without listing them): `shellcheck`, and
# a syntax check with the script's own shell (`sh -n` / `bash -n`).
# A shell script is a file whose first line is a #! line naming sh or bash,
# or a file ending in .sh.
#
# Usage: scripts/check_shell_scripts.sh [SOURCE_DIR]   (default: the checkout)
# Exit:  0 all clean, 1 any finding, 2 shellcheck missing.

root="${1:-$(dirname "$0")/..}"
if ! command -v shellcheck >/dev/null 2>&1; then
	echo "shellcheck is not installed" >&2
	exit 2
fi

status=0
checked=0
list=$(mktemp) || exit 2
trap 'rm -f "${list}"' EXIT
find "${root}/rc.d" "${root}/scripts" -type f 2>/dev/null | sort > "${list}"
while IFS= read -r file; do
	first=$(head -n 1 "${file}")
	case "${first}" in
	'#!'*bash*) shell='bash' ;;
	'#!/bin/sh'*|'#!/usr/bin/env sh'*) shell='sh' ;;
	*)
		case "${file}" in
		*.sh) shell='sh' ;;
		*) continue ;;
		esac
		;;
	esac
	checked=$((checked + 1))
	if ! shellcheck -s "${shell}" "${file}"; then
		echo "FAIL shellcheck: ${file}"
		status=1
	fi
	if ! "${shell}" -n "${file}"; then
		echo "FAIL ${shell} -n: ${file}"
		status=1
	fi
done < "${list}"

if [ "${checked}" -eq 0 ]; then
	echo "no shell scripts found under ${root}/rc.d or ${root}/scripts" >&2
	exit 1
fi
echo "${checked} shell scripts checked"
exit "${status}"
