#!/usr/bin/env bash
# Install the real BGP peers and tools that herald's tests need, when missing.
#
#   scripts/install-test-deps.sh
#
# Idempotent and fast (well under 2 s) when everything is already present.
#   - Debian packages: bird2 (bird, birdc), gobgpd (gobgpd, gobgp), tshark.
#     Installed as root (or through passwordless sudo) with apt-get, non-interactively;
#     tshark's "allow non-root capture?" question is preseeded to "no".
#   - ExaBGP 5.0.15 from PyPI into a venv at
#     ${HERALD_TEST_VENV:-$HOME/.cache/herald/exabgp-venv}. Debian's own `exabgp` package is
#     4.2, whose CLI, config and JSON differ: it is never used.
# Prints what it installed; exits non-zero with a message naming what could not be installed.
set -euo pipefail

EXABGP_VERSION=5.0.15
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
for c in bird birdc gobgpd gobgp tshark python3; do
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

if [ "${#INSTALLED[@]}" -gt 0 ]; then
    echo "install-test-deps: installed: ${INSTALLED[*]}"
else
    echo "install-test-deps: all present (bird2, gobgpd, tshark, exabgp $EXABGP_VERSION in $VENV)"
fi
