#!/usr/bin/env bash
# Regenerates tests/capture/golden/converter_enter_fd_size.tsv: the fd and size arguments of the
# enter events sysdig 0.29.3 shows for read/write-family syscalls in the shared captures. The
# converter tests check that each merged exit event carries exactly these values.
# Usage: scripts/gen_converter_golden.sh [path/to/shared]
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${1:-../shared}"
out=tests/capture/golden/converter_enter_fd_size.tsv
captures=(cat_write sample test_ipv6_client single_ipv6_conn open-multiple-files)
{
  printf 'capture\ttid\ttype\tfd\tsize\n'
  for c in "${captures[@]}"; do
    sysdig -r "$shared/captures/$c.scap" -p "%thread.tid %evt.type %evt.args" \
      "evt.dir='>' and evt.type in (read, write, sendto, recvfrom, close, fstat)" 2>/dev/null |
      awk -v cap="$c" '{
        fd = "-"; size = "-";
        if (match($0, / fd=-?[0-9]+/)) fd = substr($0, RSTART + 4, RLENGTH - 4);
        if (match($0, / size=[0-9]+/)) size = substr($0, RSTART + 6, RLENGTH - 6);
        printf "%s\t%s\t%s\t%s\t%s\n", cap, $1, $2, fd, size
      }'
  done
} > "$out"
echo "wrote $out ($(($(wc -l < "$out") - 1)) enter events)"
