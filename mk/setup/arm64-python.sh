#!/bin/bash
# An arm64 CPython from Debian's arm64 packages, unpacked into the sysroot DEST
# (run it with QEMU_LD_PREFIX=DEST): the interpreter, its standard library and
# the libraries that the interpreter and the modules the tests import load. The
# packages are not installed: the host's own Python stays as it is.
# Usage: arm64-python.sh DEST
set -euo pipefail
dest=$1
packages=(python3.11-minimal libpython3.11-minimal libpython3.11-stdlib libexpat1 zlib1g
          libssl3 libffi8 libbz2-1.0 liblzma5 libuuid1 libcrypt1 libsqlite3-0)
debs=$(mktemp -d)
trap 'rm -rf "$debs"' EXIT
(cd "$debs" && apt-get download -qq "${packages[@]/%/:arm64}" 2>/dev/null)
rm -rf "$dest" && mkdir -p "$dest"
for deb in "$debs"/*.deb; do dpkg -x "$deb" "$dest"; done
test -x "$dest/usr/bin/python3.11"
