#!/usr/bin/env bash
# Records the large live capture capture_file_bench replays: `vigil -w` captures this host (root,
# eBPF driver) while a syscall-heavy workload runs (byte-sized dd reads and writes, directory
# walks, short-lived processes), for as long as it takes to reach about EVENTS events; then a
# gzip copy. The files are generated, never committed.
#   sudo bench/make-live-bench-capture.sh [BUILD_DIR [EVENTS]]   (defaults: build, 12500000)
# Output: BUILD_DIR/bench/live-capture.scap and BUILD_DIR/bench/live-capture.scap.gz
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
target=${2:-12500000}
vigil="$build/examples/vigil"
[ -x "$vigil" ] || { echo "build vigil first: $vigil is missing" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "live capture needs root" >&2; exit 1; }
out="$build/bench/live-capture.scap"
mkdir -p "$build/bench"

workload() {
  while :; do
    dd if=/dev/zero of=/dev/null bs=16 count=5000 status=none
    find /usr/lib /usr/share -maxdepth 3 > /dev/null 2>&1 || true
    for _ in $(seq 20); do cat /etc/passwd > /dev/null; done
    ls -la /proc/self/fd /etc > /dev/null 2>&1 || true
  done
}

count_events() { "$vigil" -e "$1" --raw -p '%evt.num' | wc -l; }

# A short probe measures how many events per second this host produces under the workload.
workload & load=$!
trap 'kill $load 2>/dev/null || true' EXIT
"$vigil" -w "$out" -M 3
rate=$(( $(count_events "$out") / 3 ))
[ "$rate" -gt 0 ] || { echo "the probe capture is empty" >&2; exit 1; }
# Under load the ring buffers drop some events: aim 30% higher than the target.
seconds=$(( (target * 13 / 10 + rate - 1) / rate + 1 ))
echo "about $rate events/s: capturing for $seconds s"
"$vigil" -w "$out" -M "$seconds"
kill $load 2>/dev/null || true
wait $load 2>/dev/null || true
trap - EXIT
gzip -c -1 "$out" > "$out.gz"
echo "wrote $out ($(stat -c %s "$out") bytes, $(count_events "$out") events) and $out.gz ($(stat -c %s "$out.gz") bytes)"
