#!/usr/bin/env bash
# Install the real BGP peers and tools that herald's tests need, when missing.
#
#   scripts/install-test-deps.sh
#
# Idempotent and fast (well under 2 s) when everything is already present.
#   - Debian packages: bird2 (bird, birdc), gobgpd (gobgpd, gobgp), tshark, chromium (the
#     looking glass test), prometheus (scrapes herald's /metrics in a test), bgpdump (reads
#     herald's MRT files in a test), pmacct (pmbmpd, the BMP collector of herald-bmp.sh),
#     nodejs and npm, iproute2 and iputils-ping (the VPN dataplane tests).
#   - playwright-core (npm, pinned) in ~/.cache/herald/playwright: drives Chromium.
#     Installed as root (or through passwordless sudo) with apt-get, non-interactively;
#     tshark's "allow non-root capture?" question is preseeded to "no".
#   - ExaBGP 5.0.15 from PyPI into a venv at
#     ${HERALD_TEST_VENV:-$HOME/.cache/herald/exabgp-venv}. Debian's own `exabgp` package is
#     4.2, whose CLI, config and JSON differ: it is never used.
#   - BaGPipe's client tools (bagpipe-rest-attach, bagpipe-looking-glass) from PyPI's
#     networking-bagpipe 25.0.0, installed --no-deps into a venv at
#     ${HERALD_BAGPIPE_VENV:-$HOME/.cache/herald/bagpipe-venv} with only the libraries the two
#     CLIs import, plus the empty /etc/bagpipe-bgp/bgp.conf that bagpipe-rest-attach insists
#     on reading. See tests/interop/bagpipe/CLIENTS.md.
# Prints what it installed; exits non-zero with a message naming what could not be installed.
set -euo pipefail

EXABGP_VERSION=5.0.15
PLAYWRIGHT_VERSION=1.65.2
VENV="${HERALD_TEST_VENV:-$HOME/.cache/herald/exabgp-venv}"
NETWORKING_BAGPIPE_VERSION=25.0.0
BAGPIPE_VENV="${HERALD_BAGPIPE_VENV:-$HOME/.cache/herald/bagpipe-venv}"
BAGPIPE_CONF=/etc/bagpipe-bgp/bgp.conf
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
# The VPN dataplane tests: network namespaces (ip, bridge) and the end-to-end ping.
need_cmd_from_pkg ip iproute2
need_cmd_from_pkg bridge iproute2
need_cmd_from_pkg ping iputils-ping

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

ensure_venv() { # DIR: create a working venv at DIR unless one is there
    if [ ! -x "$1/bin/python" ] || ! "$1/bin/python" -c 'import sys' 2>/dev/null; then
        say "creating venv $1"
        rm -rf "$1"
        mkdir -p "$(dirname "$1")"
        if ! python3 -m venv "$1" >&2 2>/dev/null; then
            # Debian's python3 ships venv/ensurepip separately.
            rm -rf "$1"
            apt_install python3-venv python3-pip
            python3 -m venv "$1" >&2 || die "python3 -m venv $1 failed"
        fi
    fi
}

# ---- ExaBGP 5 in a venv -------------------------------------------------------------------
exabgp_version_in_venv() {
    [ -x "$VENV/bin/python" ] || return 1
    "$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("exabgp"))' 2>/dev/null
}

have="$(exabgp_version_in_venv || true)"
if [ "$have" != "$EXABGP_VERSION" ]; then
    ensure_venv "$VENV"
    say "pip install exabgp==$EXABGP_VERSION into $VENV"
    "$VENV/bin/python" -m pip install --disable-pip-version-check -q "exabgp==$EXABGP_VERSION" >&2 ||
        die "pip install exabgp==$EXABGP_VERSION failed"
    have="$(exabgp_version_in_venv || true)"
    [ "$have" = "$EXABGP_VERSION" ] || die "ExaBGP in $VENV is '${have:-missing}', wanted $EXABGP_VERSION"
    [ -x "$VENV/bin/exabgp" ] || die "$VENV/bin/exabgp missing after install"
    INSTALLED+=("exabgp==$EXABGP_VERSION (venv $VENV)")
fi

# ---- BaGPipe's client CLIs in a venv ----------------------------------------------------------
# bagpipe-rest-attach and bagpipe-looking-glass drive herald's BaGPipe-compatible REST API in
# tests. networking-bagpipe's own requirements pull in all of Neutron; --no-deps, then only
# what the two CLIs import: netaddr (rest_attach), oslo.config (the [API] port from bgp.conf),
# oslo.serialization (jsonutils), oslo.i18n (networking_bagpipe._i18n), oslo.log and
# oslo.rootwrap (common/run_command, net_utils), pbr (networking_bagpipe/__init__ imports
# pbr.version). oslo.concurrency is not imported by the CLIs; it is kept as the agreed base list.
# Their own dependencies come in normally.
BAGPIPE_PIP_DEPS=(netaddr oslo.config oslo.serialization oslo.log oslo.i18n oslo.rootwrap
    oslo.concurrency pbr)
bagpipe_version_in_venv() {
    [ -x "$BAGPIPE_VENV/bin/python" ] || return 1
    "$BAGPIPE_VENV/bin/python" -c \
        'import importlib.metadata as m; print(m.version("networking-bagpipe"))' 2>/dev/null
}
install_bagpipe_clients() {
    local have
    have="$(bagpipe_version_in_venv || true)"
    if [ "$have" != "$NETWORKING_BAGPIPE_VERSION" ] ||
        [ ! -x "$BAGPIPE_VENV/bin/bagpipe-rest-attach" ] ||
        [ ! -x "$BAGPIPE_VENV/bin/bagpipe-looking-glass" ]; then
        ensure_venv "$BAGPIPE_VENV"
        say "pip install ${BAGPIPE_PIP_DEPS[*]} into $BAGPIPE_VENV"
        "$BAGPIPE_VENV/bin/python" -m pip install --disable-pip-version-check -q \
            "${BAGPIPE_PIP_DEPS[@]}" >&2 || die "pip install ${BAGPIPE_PIP_DEPS[*]} failed"
        say "pip install --no-deps networking-bagpipe==$NETWORKING_BAGPIPE_VERSION into $BAGPIPE_VENV"
        "$BAGPIPE_VENV/bin/python" -m pip install --disable-pip-version-check -q --no-deps \
            "networking-bagpipe==$NETWORKING_BAGPIPE_VERSION" >&2 ||
            die "pip install networking-bagpipe==$NETWORKING_BAGPIPE_VERSION failed"
        have="$(bagpipe_version_in_venv || true)"
        [ "$have" = "$NETWORKING_BAGPIPE_VERSION" ] ||
            die "networking-bagpipe in $BAGPIPE_VENV is '${have:-missing}', wanted $NETWORKING_BAGPIPE_VERSION"
        local c
        for c in bagpipe-rest-attach bagpipe-looking-glass; do
            [ -x "$BAGPIPE_VENV/bin/$c" ] || die "$BAGPIPE_VENV/bin/$c missing after install"
        done
        INSTALLED+=("networking-bagpipe==$NETWORKING_BAGPIPE_VERSION (venv $BAGPIPE_VENV)")
    fi
    # bagpipe-rest-attach fails without it (oslo.config ConfigFilesNotFoundError); empty means
    # every default: API on 127.0.0.1:8082.
    if [ ! -e "$BAGPIPE_CONF" ]; then
        say "creating empty $BAGPIPE_CONF"
        as_root mkdir -p "$(dirname "$BAGPIPE_CONF")" && as_root touch "$BAGPIPE_CONF" ||
            die "could not create $BAGPIPE_CONF (needs root)"
        INSTALLED+=("$BAGPIPE_CONF (empty)")
    fi
}
install_bagpipe_clients

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
    echo "install-test-deps: all present (bird2, gobgpd, tshark, chromium, prometheus, bgpdump, pmacct, exabgp $EXABGP_VERSION in $VENV, networking-bagpipe $NETWORKING_BAGPIPE_VERSION in $BAGPIPE_VENV)"
fi
