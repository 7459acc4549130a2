#!/usr/bin/env zsh
# complete_zsh.zsh FUNCTIONS_DIR LINE...
# Starts an interactive zsh with compsys (compinit) finding its completion
# functions in FUNCTIONS_DIR, types each LINE and a Tab into it, and prints
# ">>> LINE" and the candidates compsys offered, one a line. Descriptions
# follow as lines of their own: a tab, then the description. Errors the
# completion functions print go to stderr; exits 3 if zsh does not answer.
emulate -L zsh
zmodload zsh/zpty || exit 3
local dir=${1:A}
shift
local out=$(mktemp) || exit 3
trap "rm -f ${(q)out} ${(q)out}.err; zpty -d completer 2>/dev/null" EXIT

# compadd is where every completion function hands over its candidates; this
# one records them (and the descriptions shown beside them) before adding them.
local record='compadd() {
  if (( ${@[(I)-[OAD]]} )); then builtin compadd "$@"; return; fi
  local -a hits
  builtin compadd -O hits "$@"
  local displays=${@[${@[(i)-d]}+1]}
  [[ -n $displays && $displays != -* ]] &&
    print -rl -- $'\''\t'\''${^${(P)displays}#*-- } >>$COMPLETE_OUT
  (( $#hits )) && print -rl -- $hits >>$COMPLETE_OUT
  builtin compadd "$@"
}'
local -a setup=(
  "stty columns 1000; PS1= PROMPT= RPROMPT="
  "COMPLETE_OUT=${(q)out}; exec 2>>${(q)out}.err"
  "fpath=(${(q)dir} \$fpath); autoload -Uz compinit && compinit -u -D"
  "$record"
  "complete-and-mark() { zle complete-word; print -r -- '<done>' >>\$COMPLETE_OUT }"
  "zle -N complete-and-mark; bindkey '^I' complete-and-mark"
)
zpty completer zsh -f -i || exit 3
local command line screen
for command in $setup; do zpty -w completer $command; done
for line in "$@"; do
  : >$out
  zpty -w -n completer $'\C-u'"$line"$'\t'
  repeat 200; do
    # Drain what zsh shows on its terminal, or it blocks once the pty is full.
    while zpty -rt completer screen; do :; done
    grep -qx '<done>' $out && break
    sleep 0.05
  done
  grep -qx '<done>' $out || { print -u2 "complete_zsh.zsh: no answer to: $line"; exit 3 }
  print -r -- ">>> $line"
  grep -vx '<done>' $out
done
[[ -s $out.err ]] && cat $out.err >&2
exit 0
