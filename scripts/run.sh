#!/usr/bin/env bash
# Installs dependencies, builds vigil and runs its main job.
set -euo pipefail
cd "$(dirname "$0")/.."
"$PWD/scripts/install-deps.sh"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIGIL_BUILD_TESTS=OFF -DVIGIL_BUILD_BENCH=OFF
cmake --build build -j"$(nproc)"
exec ./build/examples/vigil "$@"
