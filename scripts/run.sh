#!/usr/bin/env bash
# Installs dependencies, builds vigil and runs its main job: live detection on this machine with
# the default rules (rules/vigil_rules.yaml) until Ctrl-C. Where live capture is impossible it
# says why and replays a capture through the same rules instead: $VIGIL_CAPTURE if set, else
# the bundled synthetic demo capture. Arguments, if any, go to vigil instead (e.g.
# scripts/run.sh -M 60 --json, or scripts/run.sh -e trace.scap).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then
  "$PWD/scripts/install-deps.sh"
else
  echo "run.sh: not root, skipping scripts/install-deps.sh (run it as root if the build fails)" >&2
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVIGIL_BUILD_TESTS=OFF -DVIGIL_BUILD_BENCH=OFF >/dev/null
cmake --build build -j"$(nproc)"
vigil=./build/examples/vigil
[ $# -gt 0 ] && exec "$vigil" "$@"

# Live capture needs root (or CAP_BPF+CAP_PERFMON) and a kernel with BTF. Probe it with a short
# recording to nowhere so the reason is vigil's own when it is impossible.
if probe=$("$vigil" -w /dev/null -M 0.2 2>&1); then
  echo "run.sh: live detection with rules/vigil_rules.yaml; Ctrl-C stops and prints statistics" >&2
  exec "$vigil"
fi
echo "run.sh: live capture is impossible on this machine:" >&2
echo "$probe" | grep -v '^vigil: live capture: ' \
  | sed -e 's/^vigil: live capture is impossible on this machine: //' -e 's/^/  /' >&2
if [ -n "${VIGIL_CAPTURE:-}" ]; then
  echo "run.sh: replaying $VIGIL_CAPTURE (VIGIL_CAPTURE) through the default rules instead" >&2
  exec "$vigil" -e "$VIGIL_CAPTURE"
fi
# The demo capture is synthetic (examples/demo_capture, written at build time): a made-up host,
# demo-host, where an attacker breaks in through nginx. Nothing of this machine is in it.
demo=./build/examples/demo_capture/demo.scap
cat >&2 <<MSG
run.sh: for live detection run it as root on a kernel with BTF (/sys/kernel/btf/vmlinux).
run.sh: replaying the bundled demo capture instead ($demo: a synthetic attack on a made-up
        host, demo-host) through the default rules; alerts follow, statistics at the end.
        Your own capture: VIGIL_CAPTURE=trace.scap scripts/run.sh (record one where live capture
        works: sudo vigil -w trace.scap -M 30)
MSG
# Alerts about a made-up host do not belong in this machine's syslog: stdout only.
exec "$vigil" -o syslog_output.enabled=false -e "$demo"
