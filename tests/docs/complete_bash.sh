#!/usr/bin/env bash
# complete_bash.sh COMPLETION_FILE LINE...
# Loads COMPLETION_FILE the way bash-completion does, then completes each LINE
# as if Tab were pressed at its end. Prints ">>> LINE" and the candidates, one
# a line. Exits 3 if the file cannot be loaded or registers no completion.
source /usr/share/bash-completion/bash_completion || exit 3
source "$1" || exit 3
shift

# COMP_WORDS as readline splits a line with the default COMP_WORDBREAKS: at
# spaces, and around '=', which is a word of its own.
split_words() {
  local line=$1 token
  local -a tokens
  read -ra tokens <<<"$line"
  [[ $line == *' ' ]] && tokens+=("")
  COMP_WORDS=()
  for token in "${tokens[@]}"; do
    if [[ $token == --*=* ]]; then
      COMP_WORDS+=("${token%%=*}" "=")
      [[ -n ${token#*=} ]] && COMP_WORDS+=("${token#*=}")
    else
      COMP_WORDS+=("$token")
    fi
  done
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
}

for line in "$@"; do
  command=${line%% *}
  registration=$(complete -p "$command" 2>/dev/null) || {
    echo "complete_bash.sh: $1 registers no completion for $command" >&2
    exit 3
  }
  [[ $registration =~ -F\ ([^ ]+) ]] || exit 3
  function=${BASH_REMATCH[1]}
  split_words "$line"
  COMP_LINE=$line
  COMP_POINT=${#line}
  COMPREPLY=()
  "$function" "$command" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
  echo ">>> $line"
  ((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}"
done
exit 0
