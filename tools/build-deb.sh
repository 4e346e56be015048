#!/bin/sh
# Build the Debian packages (debian/) into OUT (default dist/) from a clean copy of the tree:
# the files git knows plus new ones it does not ignore (no .venv, caches or other junk), so
# a build never sees what an earlier one left and two builds can run at the same time.
# dpkg-buildpackage runs with Debian's own PATH: a pyenv python3 would otherwise shadow
# /usr/bin/python3 and pybuild would build for the wrong interpreter.
set -eu
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-dist}")

work=$(mktemp -d "${TMPDIR:-/tmp}/modsec-py-deb.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/modsec-py"
# Deleted but still tracked files are skipped (--ignore-failed-read).
git ls-files -z --cached --others --exclude-standard \
    | tar --null --files-from=- --ignore-failed-read -cf - 2>/dev/null \
    | tar -xf - -C "$work/modsec-py"

(cd "$work/modsec-py" && env -u PYTHONPATH -u VIRTUAL_ENV -u PYTHONHOME PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    dpkg-buildpackage -us -uc -b)

mkdir -p "$out"
rm -f "$out"/modsec-py_* "$out"/python3-modsec-py_* "$out"/libapache2-mod-security2-py_*
mv "$work"/*.deb "$work"/*.buildinfo "$work"/*.changes "$out"/
ls -l "$out"
