#!/usr/bin/env bash
# check-consumer.sh BUILD_DIR [as-built|shared-twin] [ARGS...]
# Installs the build tree BUILD_DIR to a temporary prefix, builds examples/consumer against the
# installed package only (find_package(vigil CONFIG)) and runs it with ARGS.
#   as-built     the libraries as vigil was built (static by default, shared with BUILD_SHARED_LIBS)
#   shared-twin  a static build's shared twin (install component vigil_shared_twin), picked by the
#                consumer with -DVIGIL_USE_SHARED_LIBS=ON; the consumer must load libvigil_*.so.
set -euo pipefail
build_dir=$1
mode=${2:-as-built}
src_dir=$(cd "$(dirname "$0")/.." && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT

cmake --install "$build_dir" --prefix "$prefix" > /dev/null
consumer_flags=()
if [[ $mode == shared-twin ]]; then
  cmake --install "$build_dir" --prefix "$prefix" --component vigil_shared_twin > /dev/null
  consumer_flags=(-DVIGIL_USE_SHARED_LIBS=ON)
elif [[ $mode != as-built ]]; then
  echo "check-consumer.sh: unknown mode '$mode' (as-built or shared-twin)" >&2
  exit 2
fi
cmake -S "$src_dir/examples/consumer" -B "$prefix/consumer-build" -DCMAKE_PREFIX_PATH="$prefix" \
  "${consumer_flags[@]}" > /dev/null
cmake --build "$prefix/consumer-build" -j2 > /dev/null
consumer=$prefix/consumer-build/vigil_consumer
if [[ $mode == shared-twin ]] && ! readelf -d "$consumer" | grep -q 'NEEDED.*libvigil_'; then
  echo "check-consumer.sh: the consumer built with VIGIL_USE_SHARED_LIBS=ON loads no libvigil_*.so" >&2
  exit 1
fi
# Installed shared libraries must find each other wherever the prefix is (their own RUNPATH).
for lib in "$prefix"/lib*/libvigil_*.so; do
  [[ -e $lib ]] || continue
  if env -u LD_LIBRARY_PATH ldd "$lib" | grep 'libvigil_.*not found' >&2; then
    echo "check-consumer.sh: $lib does not find its vigil dependencies" >&2
    exit 1
  fi
done
# Shared libraries export the public API only (scripts/gen-export-map.py): no standard-library
# instance and no sub-namespace of a layer. The public API has none (its namespaces are vigil and
# vigil::<layer>, its types CamelCase), so any lower-case name nested in a layer is an internal
# namespace, whether or not the generator knew it.
if [[ $mode == shared-twin ]]; then
  for lib in "$prefix"/lib*/libvigil_*.so; do
    leaked=$(nm -DC --defined-only "$lib" | cut -d' ' -f3- |
             grep -E '(^|for |to )(std::|vigil::(capture|inspect|engine)::[a-z_][a-z0-9_]*::)' || true)
    if [[ -n $leaked ]]; then
      echo "check-consumer.sh: $lib exports internal symbols:" >&2
      head -n 20 <<< "$leaked" >&2
      exit 1
    fi
  done
fi
"$consumer" "${@:3}"
