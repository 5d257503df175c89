#!/usr/bin/env bash
# The main job on a fresh machine: set up, build, and run the gateway on embedded SQLite with the
# demo fleet of simulators/demo.yaml (a small prefecture's enterprises, faults and exceedances).
# It runs one simulated day at high speed, prints what to look at next, and keeps the gateway
# serving until Ctrl-C. Pass --once to exit after the simulated day; --dir D to choose the folder.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --product hj212
exec .build/release/hj212 demo "$@"
