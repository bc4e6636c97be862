#!/usr/bin/env bash
# The two commands of the README:
#   ./build.sh         installs what is missing, builds everything, runs the main example
#   ./build.sh test    the same set-up, then the whole test suite
# Both are safe to run again: packages are installed only when missing and the
# build is incremental.
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-example}
build=${JOBSTREAM_BUILD_DIR:-build}

packages=(cmake ninja-build g++ python3 pkg-config
          llvm-19-dev libclang-19-dev clang-19 llvm-19-tools
          libopenmpi-dev openmpi-bin libcereal-dev libcli11-dev libfmt-dev
          libgtest-dev libgmock-dev libbenchmark-dev graphviz zlib1g-dev
          nlohmann-json3-dev libboost-math-dev
          libtbb-dev)  # bench/peers: the oneTBB flow graph beside jobstream
# The suite also renders --report pages in a real browser and reads
# --progress off a terminal.
test_packages=(chromium tmux)

install_missing() {
  local missing=()
  for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
      missing+=("$package")
  done
  if ((${#missing[@]})); then
    echo "== installing ${missing[*]}"
    local sudo=""
    ((EUID == 0)) || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
      "${missing[@]}" >/dev/null
  fi
}

# mpirun refuses root without these; more ranks than cores needs oversubscription.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl=self,vader

configure_and_build() {  # dir, extra cmake args...
  local dir=$1; shift
  cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir"
}

case "$mode" in
  example)
    install_missing
    configure_and_build "$build"
    echo "== examples/primes: one process, all cores"
    "$build/examples/primes" 0-250000 250000-500000 500000-750000 750000-1000000
    echo "== examples/primes: mpirun -np 2"
    mpirun -np 2 --bind-to none "$build/examples/primes" 0-250000 250000-500000 500000-750000 750000-1000000
    ;;
  test)
    packages+=("${test_packages[@]}")
    install_missing
    exec bash tests/run_all.sh "$build"
    ;;
  *)
    echo "usage: ./build.sh [test]" >&2
    exit 2
    ;;
esac
