#!/usr/bin/env bash
# Fails when a C/C++ file of the tree differs from what the repository's
# .clang-format makes of it, and names the files. The formatter is pinned:
# clang-format 14, the one scripts/install-deps.sh installs (Debian 12's), as
# other versions format some constructs differently.
#
#   scripts/check-format.sh          check, exit 1 and list the files on a diff
#   scripts/check-format.sh --fix    format those files in place
#
# Environment: CLANG_FORMAT (default clang-format-14).
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly SOURCE_DIR
readonly FORMATTER="${CLANG_FORMAT:-clang-format-14}"
readonly PINNED_MAJOR=14

if ! command -v "${FORMATTER}" >/dev/null 2>&1; then
  echo "check-format: ${FORMATTER} is not installed (scripts/install-deps.sh installs it)" >&2
  exit 2
fi
major="$("${FORMATTER}" --version | sed -n 's/.*version \([0-9]*\)\..*/\1/p')"
if [[ "${major}" != "${PINNED_MAJOR}" ]]; then
  echo "check-format: ${FORMATTER} is version ${major:-unknown}, the tree is formatted with ${PINNED_MAJOR}" >&2
  exit 2
fi

cd "${SOURCE_DIR}"
# Tracked files in a checkout; every file under the source folders otherwise.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files -- '*.cpp' '*.cc' '*.h' '*.c')
else
  mapfile -t files < <(find bench checks exporter scripts tests \
    -type f \( -name '*.cpp' -o -name '*.cc' -o -name '*.h' -o -name '*.c' \) | sort)
fi

if [[ "${1:-}" == "--fix" ]]; then
  "${FORMATTER}" -i -- "${files[@]}"
  echo "check-format: formatted ${#files[@]} files"
  exit 0
fi

differ=()
for f in "${files[@]}"; do
  if ! "${FORMATTER}" --dry-run --Werror -- "${f}" >/dev/null 2>&1; then
    differ+=("${f}")
  fi
done
if ((${#differ[@]} > 0)); then
  echo "check-format: ${#differ[@]} of ${#files[@]} files are not formatted; run scripts/check-format.sh --fix:" >&2
  printf '  %s\n' "${differ[@]}" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files formatted as .clang-format says"
