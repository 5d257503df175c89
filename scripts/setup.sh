#!/usr/bin/env bash
# Installs the system libraries hj212-gateway builds against, when they are missing.
# Debian/Ubuntu: libssl-dev (SM4 through OpenSSL's EVP), libsqlite3-dev, zlib1g-dev, pkg-config,
# libjemalloc-dev (the allocator hj212 links: see README "Benchmarks").
set -euo pipefail

need=()
for pkg in libssl-dev libsqlite3-dev zlib1g-dev pkg-config libjemalloc-dev; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    echo "setup: installing ${need[*]}"
    if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}"
fi
command -v swift >/dev/null || { echo "setup: swift is not on PATH (expected a Swift 6 toolchain, e.g. /opt/swift/usr/bin)"; exit 1; }
