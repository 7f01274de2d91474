#!/usr/bin/env bash
# Regenerates tests/golden/capture/*.txt.gz: what sysdig 0.29.3 (`sysdig -D -r FILE -p FORMAT`)
# prints for every shared capture it can open, in the formats scripts/golden/sysdig_diff.py
# lists. The sysdig-diff ctest tests compare `vigil --raw` against these files (and against
# sysdig run live). Run after changing the format list; commit the result.
set -euo pipefail
cd "$(dirname "$0")/../.."
shared=${VIGIL_SHARED_DIR:-../shared}
out=tests/golden/capture
command -v sysdig >/dev/null || { echo "sysdig 0.29.3 is required (scripts/install-deps.sh)" >&2; exit 1; }
sysdig --version | grep -q '0\.29\.3' || echo "warning: this is not sysdig 0.29.3" >&2
mkdir -p "$out"
for capture in "$shared"/captures/*.scap; do
  # sysdig 0.29.3 cannot open this one (scap-format.md §20); vigil reads it like curl_google.scap.
  [ "$(basename "$capture")" = curl_google_comments.scap ] && continue
  python3 scripts/golden/sysdig_diff.py gen --capture "$capture" --golden-dir "$out"
  echo "wrote $out/$(basename "$capture").txt.gz"
done
# Hand-built events covering what the shared captures lack (scripts/golden/make_probe_capture.py).
python3 scripts/golden/sysdig_diff.py gen --capture probe --golden-dir "$out"
echo "wrote $out/probe.scap.txt.gz"
