#!/usr/bin/env bash
# Install the real BGP peers and tools that herald's tests need, when missing.
#
#   scripts/install-test-deps.sh
#
# Idempotent and fast (well under 2 s) when everything is already present.
#   - Debian packages: bird2 (bird, birdc), gobgpd (gobgpd, gobgp), tshark, chromium (the
#     looking glass test), prometheus (scrapes herald's /metrics in a test), bgpdump (reads
#     herald's MRT files in a test), pmacct (pmbmpd, the BMP collector of herald-bmp.sh),
#     nodejs and npm.
#   - playwright-core (npm, pinned) in ~/.cache/herald/playwright: drives Chromium.
#     Installed as root (or through passwordless sudo) with apt-get, non-interactively;
#     tshark's "allow non-root capture?" question is preseeded to "no".
#   - ExaBGP 5.0.15 from PyPI into a venv at
#     ${HERALD_TEST_VENV:-$HOME/.cache/herald/exabgp-venv}. Debian's own `exabgp` package is
#     4.2, whose CLI, config and JSON differ: it is never used.
# Prints what it installed; exits non-zero with a message naming what could not be installed.
set -euo pipefail

EXABGP_VERSION=5.0.15
PLAYWRIGHT_VERSION=1.65.2
VENV="${HERALD_TEST_VENV:-$HOME/.cache/herald/exabgp-venv}"
APT_PACKAGES_WANTED=()
INSTALLED=()

say() { printf 'install-test-deps: %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

need_cmd_from_pkg() { # CMD PKG: want PKG if CMD is not on PATH (sbin included)
    if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$1" ] && [ ! -x "/sbin/$1" ]; then
        case " ${APT_PACKAGES_WANTED[*]-} " in *" $2 "*) ;; *) APT_PACKAGES_WANTED+=("$2") ;; esac
    fi
}

need_cmd_from_pkg bird bird2
need_cmd_from_pkg birdc bird2
need_cmd_from_pkg gobgpd gobgpd
need_cmd_from_pkg gobgp gobgpd
need_cmd_from_pkg tshark tshark
need_cmd_from_pkg chromium chromium
need_cmd_from_pkg prometheus prometheus
need_cmd_from_pkg bgpdump bgpdump
need_cmd_from_pkg pmbmpd pmacct
need_cmd_from_pkg node nodejs
need_cmd_from_pkg npm npm
need_cmd_from_pkg python3 python3

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        return 126
    fi
}

APT_UPDATED=0
apt_install() { # PKG...
    command -v apt-get >/dev/null 2>&1 ||
        die "apt-get not found: install $* by hand (this script knows only Debian/Ubuntu)"
    if [ "$(id -u)" -ne 0 ] && ! { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; then
        die "need root (or passwordless sudo) to apt-get install $*"
    fi
    export DEBIAN_FRONTEND=noninteractive
    # tshark: do not ask whether non-root users may capture; answer "no".
    if command -v debconf-set-selections >/dev/null 2>&1; then
        echo 'wireshark-common wireshark-common/install-setuid boolean false' |
            as_root debconf-set-selections || say "warning: could not preseed wireshark-common"
    fi
    if [ "$APT_UPDATED" -eq 0 ]; then
        say "apt-get update"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 ||
            die "apt-get update failed"
        APT_UPDATED=1
    fi
    say "apt-get install -y $*"
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        --no-install-recommends "$@" >&2; then
        die "apt-get install $* failed"
    fi
    INSTALLED+=("$@")
}

if [ "${#APT_PACKAGES_WANTED[@]}" -gt 0 ]; then
    apt_install "${APT_PACKAGES_WANTED[@]}"
fi
for c in bird birdc gobgpd gobgp tshark chromium prometheus bgpdump pmbmpd node npm python3; do
    command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] || die "$c still missing after install"
done

# ---- ExaBGP 5 in a venv -------------------------------------------------------------------
exabgp_version_in_venv() {
    [ -x "$VENV/bin/python" ] || return 1
    "$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("exabgp"))' 2>/dev/null
}

have="$(exabgp_version_in_venv || true)"
if [ "$have" != "$EXABGP_VERSION" ]; then
    if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys' 2>/dev/null; then
        say "creating venv $VENV"
        rm -rf "$VENV"
        mkdir -p "$(dirname "$VENV")"
        if ! python3 -m venv "$VENV" >&2 2>/dev/null; then
            # Debian's python3 ships venv/ensurepip separately.
            rm -rf "$VENV"
            apt_install python3-venv python3-pip
            python3 -m venv "$VENV" >&2 || die "python3 -m venv $VENV failed"
        fi
    fi
    say "pip install exabgp==$EXABGP_VERSION into $VENV"
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q "exabgp==$EXABGP_VERSION" >&2 ||
        die "pip install exabgp==$EXABGP_VERSION failed"
    have="$(exabgp_version_in_venv || true)"
    [ "$have" = "$EXABGP_VERSION" ] || die "ExaBGP in $VENV is '${have:-missing}', wanted $EXABGP_VERSION"
    [ -x "$VENV/bin/exabgp" ] || die "$VENV/bin/exabgp missing after install"
    INSTALLED+=("exabgp==$EXABGP_VERSION (venv $VENV)")
fi

# ---- playwright-core (drives Chromium in the looking glass test) ----------------------------
PLAYWRIGHT_DIR="${PLAYWRIGHT_DIR:-$HOME/.cache/herald/playwright}"
if [ ! -f "$PLAYWRIGHT_DIR/node_modules/playwright-core/package.json" ]; then
    say "npm install playwright-core@$PLAYWRIGHT_VERSION into $PLAYWRIGHT_DIR"
    mkdir -p "$PLAYWRIGHT_DIR"
    (cd "$PLAYWRIGHT_DIR" && npm install --no-audit --no-fund --silent "playwright-core@$PLAYWRIGHT_VERSION" >&2) ||
        die "npm install playwright-core failed"
    INSTALLED+=("playwright-core $PLAYWRIGHT_VERSION ($PLAYWRIGHT_DIR)")
fi

if [ "${#INSTALLED[@]}" -gt 0 ]; then
    echo "install-test-deps: installed: ${INSTALLED[*]}"
else
    echo "install-test-deps: all present (bird2, gobgpd, tshark, chromium, prometheus, bgpdump, pmacct, exabgp $EXABGP_VERSION in $VENV)"
fi
