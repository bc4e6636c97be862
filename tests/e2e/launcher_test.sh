#!/usr/bin/env bash
# `jobstream run` for real, under mpirun: a pipeline at 2 ranks, a run that
# fails twice and is mended by retries, retries that run out, a usage error
# that is not retried, and the environment reaching the ranks. Every command
# has a time limit, so a hang fails the test.
# usage: launcher_test.sh JOBSTREAM E2E_LINEAR WORK_DIR
set -uo pipefail
launcher=$1 linear=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work" && mkdir -p "$work"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl=self,vader
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# run NAME ARGS...: the launcher's stdout, stderr and status in $work/NAME.*
run() {
  local name=$1; shift
  timeout 120 "$launcher" run "$@" >"$work/$name.out" 2>"$work/$name.err"
  echo $? >"$work/$name.status"
}

expect_status() { [ "$(cat "$work/$1.status")" = "$2" ] || fail "$1: exit status $(cat "$work/$1.status"), expected $2"; }
expect_in() { grep -q -- "$3" "$work/$1.$2" || { fail "$1: '$3' not in its std$2"; sed 's/^/  | /' "$work/$1.$2"; }; }

# A pipeline on two ranks, with the program's own options and `--`.
run pipeline -n 2 -- "$linear" --threads 1 1 2 3 4
expect_status pipeline 0
sort "$work/pipeline.out" | diff -q - <(sort "$here/linear.expected") >/dev/null ||
  fail "pipeline: stdout differs from linear.expected"
expect_in pipeline err "^jobstream run: .*mpirun -n 2 .*--bind-to none .*$linear --threads 1 1 2 3 4"
# The command as a person types it; the forwarded variables on a line of their own.
expect_in pipeline err "^jobstream run: forwarding [0-9]* variables of this environment to every rank (mpirun -x): .*PATH"
! grep -q -- "-x PATH" "$work/pipeline.err" || fail "pipeline: the printed command has a -x for each variable"

# Fails twice, then succeeds: two retries mend it.
run mended --retries 3 --retry-delay 0 -- sh "$here/flaky.sh" "$work/mended.count" 3
expect_status mended 0
expect_in mended out "attempt 3 succeeds"
expect_in mended err "the run failed (exit status 3); starting it again in 0 s (retry 1 of 3)"
expect_in mended err "the run succeeded after 2 retries"

# Retries run out: the last status is the launcher's.
run spent --retries 1 --retry-delay 0 -- sh "$here/flaky.sh" "$work/spent.count" 5
expect_status spent 3
expect_in spent err "giving up after 1 retry"
[ "$(cat "$work/spent.count")" = 2 ] || fail "spent: started $(cat "$work/spent.count") times, expected 2"

# A jobstream program's usage error (exit 2) is not retried.
run usage --retries 3 --retry-delay 0 -n 2 -- "$linear" 1 abc
expect_status usage 2
expect_in usage err "cannot read 'abc' as int"
expect_in usage err "the program refused its command line or its checkpoint (exit status 2); not starting it again"

# The launcher's environment reaches every rank.
JOBSTREAM_LAUNCHER_PROBE=seen run environment -n 2 -- sh -c 'echo "probe=$JOBSTREAM_LAUNCHER_PROBE"'
expect_status environment 0
[ "$(grep -c '^probe=seen$' "$work/environment.out")" = 2 ] || fail "environment: not every rank saw the variable"

# Its own mistakes are usage errors, before anything runs.
run mistake --host 'a,a' -- true
expect_status mistake 2
expect_in mistake err "host 'a' is listed twice"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "launcher: every check passed"
