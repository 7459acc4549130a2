#!/usr/bin/env bash
# check_help.sh BIN_DIR DOCGEN TOOL
# Checks the built TOOL's --help, and each of its subcommands' --help, against
# what DOCGEN reads from TOOL's CLI11 definition (the one the man page and
# completions are checked against): every option, argument and subcommand of
# the definition is in --help, and --help lists no option the definition
# lacks, as it would if main() added one of its own.
set -euo pipefail
bin=$1 docgen=$2 tool=$3
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# check_command [SUBCOMMAND]
check_command() {
  local command="$tool${1:+ $1}" help spec help_words help_options names all_names name
  help=$("$bin/$tool" "$@" --help)
  spec=$("$docgen" options "$tool" "$@")
  [[ -n $help && -n $spec ]] || { fail "$command: no --help or no options to compare" && return; }
  help_words=$(tr ' ,[]' '\n' <<<"$help" | sort -u)
  # CLI11 starts each option's line with its names: "  -t,--type stream|dgram|raw|N".
  help_options=$(sed -n 's/^ \{1,\}\(-[^ ]*\).*/\1/p' <<<"$help" | tr ',' '\n' | sort -u)
  # A subcommand's --help shows its own options, and may leave out the tool's.
  names=$(awk -F '\t' '$6 == "own" { print $2 }' <<<"$spec" | tr ' ' '\n' | sort -u)
  all_names=$(cut -f2 <<<"$spec" | tr ' ' '\n' | sort -u)
  for name in $names; do
    grep -qxF -- "$name" <<<"$help_words" || fail "$command --help does not mention $name"
  done
  for name in $help_options; do
    grep -qxF -- "$name" <<<"$all_names" ||
      fail "$command --help lists $name, which its CLI definition (${tool}::Cli) does not have"
  done
  echo "$command --help: $(wc -w <<<"$names") names checked"
}

check_command
for subcommand in $("$docgen" options "$tool" | awk -F '\t' '$1 == "subcommand" { print $2 }'); do
  check_command "$subcommand"
done
echo "$failures failed"
((failures == 0))
