#!/usr/bin/env bash
# Installs everything vigil needs to build, test and run, from Debian 12 packages. Run as root.
set -euo pipefail
packages=(
  build-essential cmake pkg-config python3
  zlib1g-dev libisal-dev libbpf-dev libelf-dev libre2-dev libyaml-cpp-dev libfmt-dev
  libcurl4-openssl-dev  # HTTP(S) alert output
  nlohmann-json3-dev    # JSON parsing and writing inside the libraries (header-only, build time only)
  libssl-dev openssl    # the HTTPS output tests: an in-process TLS server, certificates
  catch2 libbenchmark-dev
  clang llvm bpftool
  sysdig            # the decoding oracle for the differential tests (reads .scap files only)
  util-linux procps # script(1), setpriv, ps for the live tests
  netcat-openbsd openssh-client  # nc and ssh for vigil-scenarios (loopback only)
  strace            # the CLI test that counts the writes of buffered and unbuffered outputs
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
