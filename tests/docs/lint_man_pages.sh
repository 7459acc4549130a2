#!/usr/bin/env bash
# lint_man_pages.sh MAN_DIR
# Runs mandoc's strictest lint over every man page under MAN_DIR; any message
# at all, down to style suggestions, fails.
set -euo pipefail
man=$1
mapfile -t pages < <(find "$man" -type f -name '*.[1-9]' | sort)
((${#pages[@]})) || { echo "FAIL: no man pages under $man" && exit 1; }

# mandoc checks each cross-reference (.Xr) against a mandoc.db index, which
# Debian does not keep (man-db has its own), so it reports even pages that
# exist as "outdated mandoc.db". A private manpath indexes our pages and the
# referenced pages this machine has; references to pages it lacks still fail.
manpath=$(mktemp -d)
trap 'rm -rf "$manpath"' EXIT
for page in "${pages[@]}"; do
  section=${page##*.}
  mkdir -p "$manpath/man$section"
  cp "$page" "$manpath/man$section/"
done
grep -oh 'Xr [^ ]\+ [1-9][a-z]*' "${pages[@]}" | sort -u | while read -r _ name section; do
  found=$(man -w "$section" "$name" 2>/dev/null) || continue
  mkdir -p "$manpath/man$section"
  cp "$found" "$manpath/man$section/"
done
makewhatis "$manpath"

messages=$(MANPATH=$manpath mandoc -Tlint -W style "${pages[@]}" 2>&1) || true
if [[ -n $messages ]]; then
  echo "FAIL: mandoc -Tlint -W style:"
  echo "$messages"
  exit 1
fi
echo "${#pages[@]} man page(s) lint-clean"
