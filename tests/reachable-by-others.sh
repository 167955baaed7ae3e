#!/usr/bin/env bash
# make test runs clients as other users (uid 65534 and 1000, through setpriv):
# they execute this checkout's venvs, scripts and libraries, so every
# directory above it must let them pass. A checkout below a private directory
# (mode 0700, as `mktemp -d` makes one) would fail dozens of tests with EACCES
# far from the cause. Such a directory is left as it is: the command runs in a
# private mount namespace where a tmpfs (mode 0755) covers that directory and
# holds the path down to the checkout, bind-mounted at its own path, so every
# path stays the same and nothing outside changes. Where that would hide what
# the build needs (the directory holds $HOME, cargo's or rustup's home), or as
# a user who cannot, it says so and fails.
#   reachable-by-others.sh DIR -- CMD [ARG...]
set -euo pipefail
dir=$(realpath "$1"); shift; [[ ${1:-} == -- ]] && shift
others_pass() { setpriv --reuid=65534 --regid=65534 --clear-groups test -x "$1" 2>/dev/null; }
# Without root the other-uid tests skip (and say so): nothing to arrange.
if [[ $(id -u) -ne 0 ]] || others_pass "$dir"; then exec "$@"; fi
blocked=$dir
while [[ $blocked != / ]] && ! others_pass "$(dirname "$blocked")"; do blocked=$(dirname "$blocked"); done
if [[ $blocked == "$dir" ]]; then
  echo "make test: other users cannot reach $dir itself ($(stat -c '%A' "$dir")): chmod o+rx $dir" >&2
  exit 1
fi
needed=("$HOME" "${CARGO_HOME:-$HOME/.cargo}" "${RUSTUP_HOME:-$HOME/.rustup}" "$(realpath "$(command -v python3)")")
for path in "${needed[@]}"; do
  if [[ $blocked == / || $path/ == "$blocked"/* ]]; then
    echo "make test: other users cannot reach $dir: $blocked is $(stat -c '%A' "$blocked"), and it holds $path." >&2
    echo "  The tests run clients as uid 65534 and 1000: clone elsewhere, or chmod o+x $blocked." >&2
    exit 1
  fi
done
echo "make test: $blocked is $(stat -c '%A' "$blocked"); the tests run in a mount namespace where other users reach $dir" >&2
exec unshare --mount --propagation private -- bash -euo pipefail -c '
  blocked=$1 dir=$2; shift 2
  stash=$(mktemp -d /run/peercred-checkout.XXXXXX)
  mount --bind "$dir" "$stash"
  mount -t tmpfs -o mode=0755 peercred-path "$blocked"
  mkdir -p "$dir"
  mount --move "$stash" "$dir"
  rmdir "$stash"
  exec "$@"' reachable "$blocked" "$dir" "$@"
