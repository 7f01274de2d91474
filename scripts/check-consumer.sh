#!/usr/bin/env bash
# Installs the build tree BUILD_DIR to a temporary prefix, builds examples/consumer against the
# installed package only (find_package(vigil CONFIG)), and runs it on a real capture.
set -euo pipefail
build_dir=$1
src_dir=$(cd "$(dirname "$0")/.." && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build_dir" --prefix "$prefix" > /dev/null
cmake -S "$src_dir/examples/consumer" -B "$prefix/consumer-build" -DCMAKE_PREFIX_PATH="$prefix" > /dev/null
cmake --build "$prefix/consumer-build" -j2 > /dev/null
"$prefix/consumer-build/vigil_consumer" "${@:2}"
