#!/bin/sh
# progress_tmux.py against the stand-in (standin.cpp), built here with the
# compiler alone: the progress line's terminal side, before it is wired to
# real runs. Extra arguments go to progress_tmux.py (--show to see screens).
set -eu
root=$(cd "$(dirname "$0")/../../.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
${CXX:-g++} -std=c++20 -O1 -Wall -Wextra -Werror -I "$root/runtime/src" -I "$root/runtime/include" \
  "$root/tests/e2e/progress/standin.cpp" "$root/runtime/src/observe/progress_line.cpp" -lfmt -pthread \
  -o "$scratch/standin"
python3 "$root/tests/e2e/progress_tmux.py" "$@" \
  --expect-end "^stand-in: a run of 2 s$" \
  --expect-end "^jobstream: error: stage 'tokenize' failed on item 417: a stand-in error$" \
  --expect-end "^jobstream: checkpoint 1 written to 'standin.ckpt': 12 KiB of state$" \
  --expect-end "^0_standin 97% user time" \
  --expect-end "^C 194% user time, 190% user cpu, quality 1.90 cpus, ran 2\.[0-9]+s$" \
  --expect-end "^result: 42$" \
  "$scratch/standin" 2
