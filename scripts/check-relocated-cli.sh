#!/usr/bin/env bash
# check-relocated-cli.sh BUILD_DIR
# Installs the build tree BUILD_DIR into a temporary prefix, moves the installed tree somewhere
# else and checks that the moved `vigil`, run without -r, loads the default rules of the moved tree
# (an installed vigil must not depend on the prefix it was configured with).
set -euo pipefail
build_dir=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/staged" > /dev/null
mv "$work/staged" "$work/moved"
vigil=$(find "$work/moved" -type f -name vigil -perm -u+x | head -n 1)
rules=$(find "$work/moved" -type f -name vigil_rules.yaml | head -n 1)
if [[ -z $vigil || -z $rules ]]; then
  echo "check-relocated-cli.sh: the install has no vigil binary or no vigil_rules.yaml" >&2
  exit 1
fi
first_rule=$(grep -m 1 '^- rule:' "$rules" | sed 's/^- rule: *//')
# A rule only the moved copy has proves which file the binary read.
cat >> "$rules" <<'RULE'

- rule: Relocated install marker
  desc: present only in the moved install tree
  condition: evt.type = open and proc.name = relocation-marker
  output: marker (proc=%proc.name)
  priority: INFO
RULE
set +e
out=$(cd / && env -u LD_LIBRARY_PATH "$vigil" -L 2>&1)
status=$?
set -e
if [[ $status -ne 0 ]]; then
  echo "check-relocated-cli.sh: the moved vigil -L failed with status $status:" >&2
  echo "$out" >&2
  exit 1
fi
if ! grep -q "Relocated install marker" <<< "$out"; then
  echo "check-relocated-cli.sh: the moved vigil did not load $rules; it listed:" >&2
  echo "$out" >&2
  exit 1
fi
# The rules shipped in the same file are there too.
if ! grep -qF "$first_rule" <<< "$out"; then
  echo "check-relocated-cli.sh: the shipped rule '$first_rule' was not listed" >&2
  exit 1
fi
echo "moved vigil loaded $rules ($(grep -c . <<< "$out") lines listed)"
