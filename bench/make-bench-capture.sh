#!/usr/bin/env bash
# Builds the large capture decode_bench reads: every shared capture vigil can read, rewritten
# by `vigil -e FILE --raw -w OUT` (all records as stored, newest block format), then one section
# made of the first file's header and metadata followed by the event blocks of all of them,
# repeated ROUNDS times; plus a gzip copy. One section keeps the benchmark about events rather
# than about re-reading process tables.
#   bench/make-bench-capture.sh [BUILD_DIR [ROUNDS]]   (defaults: build, 200 ~ 2 M events)
# Output: BUILD_DIR/bench/bench-capture.scap and BUILD_DIR/bench/bench-capture.scap.gz
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
rounds=${2:-200}
shared=${VIGIL_SHARED_DIR:-../shared}
vigil="$build/examples/vigil"
[ -x "$vigil" ] || { echo "build vigil first: $vigil is missing" >&2; exit 1; }
out="$build/bench/bench-capture.scap"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$build/bench"
for capture in "$shared"/captures/*.scap; do
  "$vigil" -e "$capture" --raw -w "$work/$(basename "$capture")"
done
python3 - "$out" "$rounds" "$work"/*.scap <<'PY'
import struct, sys
out, rounds, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
EVENT_BLOCKS = {0x216, 0x217, 0x221, 0x222}  # EV_V2, EVF_V2 and their large variants

def blocks(data):
    pos = 0
    while pos + 8 <= len(data):
        btype, blen = struct.unpack_from("<II", data, pos)
        yield btype, data[pos:pos + blen]
        pos += blen

# Each (round, file) gets its own thread ids so that enter/exit pairing, which normalized
# reading checks per thread, never spans two copies.
def with_tid_offset(block, offset):
    btype = struct.unpack_from("<I", block, 0)[0]
    rec = 8 + 2 + (4 if btype in (0x217, 0x222) else 0)  # header, cpuid, EVF flags
    tid = struct.unpack_from("<q", block, rec + 8)[0]
    out = bytearray(block)
    struct.pack_into("<q", out, rec + 8, tid + offset)
    return bytes(out)

head, per_file = b"", []
for i, path in enumerate(files):
    with open(path, "rb") as f:
        data = f.read()
    seen_event, events = False, []
    for btype, block in blocks(data):
        if btype in EVENT_BLOCKS:
            seen_event = True
            events.append(block)
        elif i == 0 and not seen_event:
            head += block
    per_file.append(events)
with open(out, "wb") as f:
    f.write(head)
    for r in range(rounds):
        for i, events in enumerate(per_file):
            offset = (r * len(per_file) + i) << 32
            f.write(b"".join(with_tid_offset(b, offset) for b in events) if offset else b"".join(events))
PY
gzip -c -6 "$out" > "$out.gz"
events=$("$vigil" -e "$out" --raw -p '%evt.num' | wc -l)
echo "wrote $out ($(stat -c %s "$out") bytes, $events events) and $out.gz ($(stat -c %s "$out.gz") bytes)"
