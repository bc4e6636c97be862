#!/bin/sh
# Fails (exit 3) until it has been started SUCCEED_AT times, counting the
# starts in COUNT_FILE: a run that a retry mends. (launcher_test.sh)
# usage: flaky.sh COUNT_FILE SUCCEED_AT
count=$(( $(cat "$1" 2>/dev/null || echo 0) + 1 ))
echo "$count" > "$1"
if [ "$count" -lt "$2" ]; then
  echo "attempt $count fails" >&2
  exit 3
fi
echo "attempt $count succeeds"
