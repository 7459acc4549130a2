#!/usr/bin/env bash
# check_help.sh BIN_DIR DOCGEN TOOL
# Checks the built TOOL's --help against the options DOCGEN reads from TOOL's
# CLI11 definition (the one the man page and completions are checked
# against): every option name and argument of the definition is in --help,
# and --help lists no option the definition lacks, as it would if main()
# added one of its own.
set -euo pipefail
bin=$1 docgen=$2 tool=$3

help=$("$bin/$tool" --help)
spec=$("$docgen" options "$tool")
[[ -n $help && -n $spec ]] || { echo "FAIL: no --help or no options to compare" && exit 1; }
help_words=$(tr ' ,[]' '\n' <<<"$help" | sort -u)
# CLI11 starts each option's line with its names: "  -t,--type stream|dgram|raw|N".
help_options=$(sed -n 's/^ \{1,\}\(-[^ ]*\).*/\1/p' <<<"$help" | tr ',' '\n' | sort -u)

failures=0
names=$(cut -f2 <<<"$spec" | tr ' ' '\n' | sort -u)
for name in $names; do
  grep -qxF -- "$name" <<<"$help_words" || {
    echo "FAIL: $tool --help does not mention $name"
    failures=$((failures + 1))
  }
done
for name in $help_options; do
  grep -qxF -- "$name" <<<"$names" || {
    echo "FAIL: $tool --help lists $name, which its CLI definition (${tool}::Cli) does not have"
    failures=$((failures + 1))
  }
done
echo "$tool --help: $(wc -w <<<"$names") names checked, $failures failed"
((failures == 0))
