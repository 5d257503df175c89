#!/usr/bin/env bash
# Prints the path of a Chromium binary for headless screenshots of the disclosure site.
# When none is on PATH (chromium, chromium-browser, google-chrome), installs Debian's `chromium`
# and `fonts-noto-cjk` (so Chinese text renders) with apt-get, waiting for an apt run that is
# already going on. Only the path goes to stdout; messages go to stderr.
# Exit codes: 0 found (path printed), 3 not installable here (no apt, or the install failed).
#
# Usage in a test or by hand:
#   chrome="$(scripts/chromium.sh)" || exit
#   "$chrome" --headless=new --no-sandbox --disable-gpu --hide-scrollbars \
#       --window-size=412,2000 --screenshot=/tmp/out.png file:///path/to/site/index.html
set -uo pipefail

say() { echo "chromium.sh: $*" >&2; }

find_chromium() {
    local name
    for name in chromium chromium-browser google-chrome google-chrome-stable; do
        if command -v "$name" >/dev/null 2>&1; then
            command -v "$name"
            return 0
        fi
    done
    return 1
}

# Waits (up to 15 minutes) while another apt-get/apt/dpkg run holds the package database.
wait_for_apt() {
    local waited=0
    while pgrep -x apt-get >/dev/null 2>&1 || pgrep -x apt >/dev/null 2>&1 || pgrep -x dpkg >/dev/null 2>&1; do
        if [ "$waited" -eq 0 ]; then say "another apt/dpkg run is in progress; waiting for it to finish"; fi
        if [ "$waited" -ge 900 ]; then
            say "apt/dpkg is still busy after 15 minutes; try again later"
            return 1
        fi
        sleep 5
        waited=$((waited + 5))
    done
    return 0
}

fonts_missing() {
    command -v dpkg >/dev/null 2>&1 && ! dpkg -s fonts-noto-cjk >/dev/null 2>&1
}

apt_install() {
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if ! command -v sudo >/dev/null 2>&1; then
            say "not root and no sudo: cannot install $*"
            return 1
        fi
        sudo="sudo"
    fi
    wait_for_apt || return 1
    say "installing $* with apt-get (this can take a few minutes)"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

if path="$(find_chromium)"; then
    if fonts_missing && command -v apt-get >/dev/null 2>&1; then
        apt_install fonts-noto-cjk || say "warning: fonts-noto-cjk could not be installed; Chinese text may render as boxes"
    fi
    echo "$path"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    say "no Chromium on PATH (chromium, chromium-browser, google-chrome) and no apt-get to install one;"
    say "install Chromium and a CJK font (e.g. Noto Sans CJK) with this system's package manager"
    exit 3
fi

# An install may already be running (e.g. started by a setup step): let it finish, then look again.
wait_for_apt || exit 3
if path="$(find_chromium)"; then
    echo "$path"
    exit 0
fi

if ! apt_install chromium fonts-noto-cjk; then
    say "apt-get could not install chromium and fonts-noto-cjk; see the messages above"
    exit 3
fi
if path="$(find_chromium)"; then
    echo "$path"
    exit 0
fi
say "chromium was installed but no binary is on PATH (looked for chromium, chromium-browser, google-chrome)"
exit 3
