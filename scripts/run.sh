#!/usr/bin/env bash
# The main job on a fresh machine: set up, build, and decode the sample frames shipped with the tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product hj212
.build/release/hj212 decode Tests/HJ212Tests/Fixtures/samples.txt "$@"
