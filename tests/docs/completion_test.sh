#!/usr/bin/env bash
# completion_test.sh SHELL DOCGEN TOOL COMPLETIONS_DIR
# Loads TOOL's completion for SHELL (bash, zsh or fish) from COMPLETIONS_DIR
# into the real shell and checks that, for every option and argument that
# `DOCGEN options TOOL` reports from the tool's CLI11 definition, the shell
# offers what the definition says: option names, the listed words after an
# option taking a value (and never option names there), host names for HOST,
# no options that an option on the line excludes, and (zsh, fish) the
# descriptions. Prints every failed expectation; exits 1 if there is one.
set -euo pipefail
shell=$1 docgen=$2 tool=$3 completions=$4
here=$(cd "$(dirname "$0")" && pwd)

case $shell in
  bash) driver=(bash "$here/complete_bash.sh" "$completions/bash/$tool") ;;
  zsh) driver=(zsh "$here/complete_zsh.zsh" "$completions/zsh") ;;
  fish) driver=(fish --no-config "$here/complete_fish.fish" "$completions/fish/$tool.fish") ;;
  *) echo "completion_test.sh: unknown shell $shell" >&2 && exit 2 ;;
esac

# A private home: all three shells complete host names from ~/.ssh/known_hosts.
# The work folder holds one file and one folder, so that file completion
# where none belongs shows up.
HOME=$(mktemp -d)
export HOME
trap 'rm -rf "$HOME"' EXIT
host=completion-test.example
mkdir "$HOME/.ssh" "$HOME/work" "$HOME/work/some-dir"
echo "$host ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostNameOnly" >"$HOME/.ssh/known_hosts"
touch "$HOME/work/some-file"
cd "$HOME/work"

spec=$("$docgen" options "$tool")
[[ -n $spec ]] || { echo "$docgen options $tool printed nothing" >&2 && exit 2; }

# Expectations, "check|line|words", are gathered first so that the shell
# starts once for all the lines.
expectations=()
expect() { expectations+=("$1|$2|${3-}"); }

# What the shell must offer after `line` (ending in a space or "=") where the
# definition completes with `completion`.
expect_value() {
  local line=$1 completion=$2 words=$3
  case $completion in
    words) expect exactly "$line" "$words" ;;
    none) expect exactly "$line" "" ;;
    hosts) expect includes "$line${host:0:12}" "$host" && expect no-options "$line" ;;
    files) expect includes "$line" some-file && expect no-options "$line" ;;
    directories) expect includes-directory "$line" some-dir && expect excludes "$line" some-file ;;
  esac
}

# The expectations for one command: lines start with `prefix` ("ugetaddr",
# or "uecho server"), and `spec` is what `usock-docgen options` says of it.
expect_command() {
  local prefix=$1 spec=$2
  local long_names=() descriptions=() arguments=() value_options=() exclusions=() subcommands=()
  local kind names completion words excludes origin description name
  while IFS=$'\t' read -r kind names completion words excludes origin description; do
    [[ $words == - ]] && words=""
    [[ $excludes == - ]] && excludes=""
    case $kind in
      positional) arguments+=("$completion|$words") && continue ;;
      subcommand) subcommands+=("$names") && continue ;;
    esac
    for name in $names; do
      [[ $name == --* ]] && long_names+=("$name")
    done
    descriptions+=("$description")
    [[ $kind == value ]] && value_options+=("$names|$completion|$words")
    [[ -n $excludes ]] && exclusions+=("$kind|$names|$excludes|$words")
  done <<<"$spec"
  # Subcommand names come where the first argument would.
  ((${#subcommands[@]})) && arguments=("words|${subcommands[*]}" "${arguments[@]}")

  expect exactly "$prefix --" "${long_names[*]}"
  for name in "${long_names[@]}"; do
    expect includes "$prefix ${name:0:4}" "$name"
  done
  local option value
  for option in "${value_options[@]}"; do
    IFS='|' read -r names completion words <<<"$option"
    for name in $names; do
      expect_value "$prefix $name " "$completion" "$words"
      [[ $name == --* ]] && expect_value "$prefix $name=" "$completion" "$words"
    done
    # The option's value is not an argument: the first argument still follows.
    if ((${#arguments[@]})); then
      value=${words%% *}
      IFS='|' read -r completion words <<<"${arguments[0]}"
      expect_value "$prefix ${names##* } ${value:-x} " "$completion" "$words"
    fi
  done
  local exclusion excluded line
  for exclusion in "${exclusions[@]}"; do
    IFS='|' read -r kind names excludes words <<<"$exclusion"
    line="$prefix ${names##* }"
    [[ $kind == value ]] && value=${words%% *} && line+=" ${value:-x}"
    for excluded in $excludes; do
      [[ $excluded == --* ]] && expect excludes "$line --" "$excluded"
    done
  done
  local index i
  for index in "${!arguments[@]}"; do
    IFS='|' read -r completion words <<<"${arguments[index]}"
    line=$prefix
    for ((i = 0; i < index; i++)); do line+=" x"; done
    expect_value "$line " "$completion" "$words"
  done
  if [[ $shell != bash ]]; then
    for description in "${descriptions[@]}"; do expect described "$prefix -" "$description"; done
  fi
}

expect_command "$tool" "$spec"
for subcommand in $(awk -F '\t' '$1 == "subcommand" { print $2 }' <<<"$spec"); do
  expect_command "$tool $subcommand" "$("$docgen" options "$tool" "$subcommand")"
done

lines=()
declare -A asked
for expectation in "${expectations[@]}"; do
  IFS='|' read -r _ line _ <<<"$expectation"
  [[ -n ${asked[$line]-} ]] || lines+=("$line")
  asked[$line]=1
done
output=$("${driver[@]}" "${lines[@]}" 2>"$HOME/errors") || {
  echo "FAIL: $shell could not load the completion (exit $?)"
  sort -u "$HOME/errors" | head -n 20
  exit 1
}

# The candidates (and descriptions) the shell offered for each line.
declare -A offered described
line=""
while IFS= read -r row; do
  if [[ $row == '>>> '* ]]; then
    line=${row#>>> }
    offered[$line]="" described[$line]=""
  elif [[ $row == $'\t'* || $row == *$'\t'* ]]; then
    [[ -n ${row%%$'\t'*} ]] && offered[$line]+="${row%%$'\t'*}"$'\n'
    description=${row#*$'\t'}
    described[$line]+="${description%"${description##*[! ]}"}"$'\n'
  else
    offered[$line]+="${row%/}"$'\n'
  fi
done <<<"$output"

failures=0
fail() {
  echo "FAIL ($shell): $*"
  failures=$((failures + 1))
}
sorted() { printf '%s' "$1" | sort -u | sed '/^$/d'; }
for expectation in "${expectations[@]}"; do
  IFS='|' read -r check line words <<<"$expectation"
  got=$(sorted "${offered[$line]-}")
  case $check in
    exactly)
      want=$(sorted "$(printf '%s\n' $words)")
      [[ $got == "$want" ]] || fail "'$line' offers [${got//$'\n'/ }], expected [${want//$'\n'/ }]"
      ;;
    includes)
      grep -qxF -- "$words" <<<"$got" || fail "'$line' offers [${got//$'\n'/ }], without $words"
      ;;
    includes-directory)
      # fish offers a directory with its slash, ready to complete inside it.
      grep -qxE -- "$words/?" <<<"$got" || fail "'$line' offers [${got//$'\n'/ }], without $words"
      ;;
    excludes)
      grep -qxF -- "$words" <<<"$got" && fail "'$line' offers $words, which the line excludes"
      ;;
    no-options)
      grep -q -- '^-' <<<"$got" && fail "'$line' offers option names where a value belongs"
      ;;
    described)
      grep -qxF -- "$words" <<<"${described[$line]-}" ||
        fail "'$line' does not show the description: $words"
      ;;
  esac
done
if [[ -s $HOME/errors ]]; then
  fail "$shell printed errors:"
  sort -u "$HOME/errors" | head -n 20
fi
echo "$tool, $shell: ${#expectations[@]} expectations, $failures failed"
((failures == 0))
