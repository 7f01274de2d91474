#!/usr/bin/env bash
# Installs dependencies, builds vigil twice (ASan+UBSan, then RelWithDebInfo) and runs every test
# through ctest. The RelWithDebInfo run includes the live eBPF tests and the package test (install
# to a temporary prefix, build examples/consumer against it, run it).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)

./scripts/install-deps.sh

cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=Debug -DVIGIL_SANITIZE=ON -DVIGIL_BUILD_BENCH=OFF
cmake --build build-sanitize -j"$jobs"
(cd build-sanitize && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
   ctest --output-on-failure -j"$jobs" -LE 'live|package')

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs")
