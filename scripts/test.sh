#!/usr/bin/env bash
# The one test command: installs what is missing, builds with warnings as failures, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Headless Chromium for the disclosure page's rendering test (installed from Debian's packages
# when missing; the test skips, saying why, only where it cannot be installed).
if chromium_path=$(scripts/chromium.sh); then
    export HJ212_CHROMIUM="$chromium_path"
else
    echo "test: Chromium could not be installed; the screenshot test will be skipped"
fi

echo "== build (warnings fail the build)"
log=$(mktemp)
swift build --build-tests 2>&1 | tee "$log"
if grep -E "^/.*: warning:" "$log" | grep -v "/.build/" | grep -q .; then
    echo "test: the build has warnings in the project's own code (see above)"
    exit 1
fi

echo "== tests"
swift test --skip-build --parallel
