#!/bin/sh
# Install what modsec_py's make targets need on Debian 12: Debian's python3 with the
# python3-* packages Apache's mod_wsgi will use, Apache itself, CRS 3.3.4, and a dev venv
# (.venv) with the same libraries from PyPI plus the tools Debian lacks (ruff), and what
# `make deb` needs to build and check the Debian packages (last line of PACKAGES).
set -eu
cd "$(dirname "$0")/.."

PACKAGES="curl python3 python3-venv python3-pip python3-regex python3-pyparsing python3-click
python3-pytest python3-yaml python3-lxml python3-ahocorasick apache2 libapache2-mod-wsgi-py3 modsecurity-crs
git dpkg-dev debhelper dh-python pybuild-plugin-pyproject python3-all python3-setuptools apache2-dev lintian man-db"

missing=""
for package in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing="$missing $package"
done
if [ -n "$missing" ]; then
    echo "installing Debian packages:$missing"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -q
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -q --no-install-recommends $missing
fi

if [ ! -x .venv/bin/python ] || [ setup.cfg -nt .venv/.installed ]; then
    /usr/bin/python3 -m venv .venv
    .venv/bin/python -m pip install -q --upgrade pip
    .venv/bin/python -m pip install -q -e '.[dev]'
    touch .venv/.installed
fi
