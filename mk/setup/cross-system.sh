#!/bin/bash
# The machine's side of the cross builds and runs, installed only where missing
# (quiet and quick when everything is there): qemu-user with the kernel's
# binfmt_misc handler for aarch64 ELF files, so that an arm64 program and every
# program it starts runs as if native; the arm64 C and C++ runtimes the arm64
# Node needs; musl-gcc, and musl's loaders, which check the musl binaries.
set -euo pipefail

packages=(qemu-user-static musl-tools musl:arm64 libc6:arm64 libstdc++6:arm64)
missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$package" 2>/dev/null || true)
  [[ $status == ii* ]] || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "== installing ${missing[*]} (apt)"
  dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

binfmt=/proc/sys/fs/binfmt_misc
[[ -e $binfmt/register ]] || mount -t binfmt_misc binfmt_misc "$binfmt"
if [[ ! -e $binfmt/qemu-aarch64 ]]; then
  echo "== registering qemu-aarch64 with binfmt_misc"
  # The flags of Debian's file: F opens qemu now (it then works in any mount
  # namespace), O hands it the binary (exec-only files run), P keeps argv[0].
  cat /usr/lib/binfmt.d/qemu-aarch64.conf > "$binfmt/register"
fi
grep -qx enabled "$binfmt/qemu-aarch64"
