#!/bin/bash
# Measures that `vigil -e` with the three official rules files does not wait for DNS: in a private
# network and mount namespace (the host is untouched), /etc/resolv.conf points at a DNS server on
# 127.0.0.1:53 that reads queries and never answers, as when a resolver is configured but
# unreachable. Prints the time of one getaddrinfo there, the replay's time, and how many host names
# the replay watched and left pending. Needs root (unshare -n -m).
#   scripts/replay-without-dns.sh build/examples/vigil [capture] [all|default]
set -euo pipefail
if [ "${1:-}" != "--inside" ]; then
  exec unshare -n -m "$0" --inside "$@"
fi
shift
vigil=$(realpath "$1")
here=$(cd "$(dirname "$0")/.." && pwd)
shared="$here/../shared"
capture=${2:-$shared/captures/connect_localhost.scap}
selection=${3:-all}
tmp=$(mktemp -d)
trap 'kill %1 2>/dev/null || true; rm -rf "$tmp"' EXIT

ip link set lo up
echo "nameserver 127.0.0.1" > "$tmp/resolv.conf"
mount --bind "$tmp/resolv.conf" /etc/resolv.conf
python3 -c 'import socket,time; s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); s.bind(("127.0.0.1",53)); time.sleep(600)' &
sleep 1

{
  [ "$selection" = all ] && printf 'rules:\n  - enable: {rule: "*"}\n'
  printf 'metrics:\n  enabled: true\n  interval: 1h\n  output_rule: false\n  output_file: %s\n' "$tmp/metrics.json"
  printf 'stdout_output: {enabled: false}\nsyslog_output: {enabled: false}\n'
} > "$tmp/vigil.yaml"

# Seconds since $1 (a `date +%s.%N` reading), with awk: bc is not a dependency.
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

start=$(date +%s.%N)
getent hosts pool.minexmr.com || true
echo "one getaddrinfo (pool.minexmr.com): $(elapsed "$start") s"

rules=$shared/rules/falco
start=$(date +%s.%N)
"$vigil" -c "$tmp/vigil.yaml" -r "$rules/falco_rules.yaml" -r "$rules/falco-incubating_rules.yaml" \
  -r "$rules/falco-sandbox_rules.yaml" -e "$capture"
echo "replay ($selection rules): $(elapsed "$start") s"
grep -o '"hostnames\?_[a-z_]*":[0-9]*' "$tmp/metrics.json"
