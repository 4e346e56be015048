#!/bin/sh
# Fetch Debian's ModSecurity 2.9.7 (libapache2-mod-security2) into .tmp/modsec2 without
# installing it: its modsecurity.conf-recommended is test input, and its mod_security2.so
# is the reference that configtest's verdicts are compared with (apache2 -t).
set -eu
cd "$(dirname "$0")/.."
target=.tmp/modsec2
[ -f "$target/root/usr/lib/apache2/modules/mod_security2.so" ] && exit 0
mkdir -p "$target"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
# Libraries mod_security2.so links against.
for package in liblua5.1-0 libyajl2; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "$package" ||
        { $SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "$package"; }
done
cd "$target"
apt-get download libapache2-mod-security2 >/dev/null 2>&1 ||
    { $SUDO apt-get update -q >/dev/null && apt-get download libapache2-mod-security2 >/dev/null 2>&1; }
dpkg -x libapache2-mod-security2_*.deb root
