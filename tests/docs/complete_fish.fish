#!/usr/bin/env fish
# complete_fish.fish COMPLETION_FILE LINE...
# Loads COMPLETION_FILE, then completes each LINE as fish does when Tab is
# pressed at its end. Prints ">>> LINE" and the candidates, one a line, each
# followed by a tab and its description if it has one. A "--name=" before a
# candidate is left out, as bash and zsh leave it out.
source $argv[1]; or exit 3
for line in $argv[2..-1]
    echo ">>> $line"
    complete -C $line | string replace -r -- '^--[^=\t]*=' ''
end
exit 0
