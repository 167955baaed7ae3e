#!/usr/bin/env bash
# Runs test programs built on this machine on a real Linux 6.1 (vm.sh): first
# the core's process table before the unix_diag module is loaded (the "no
# unix_diag" column), then every program given, with PEERCRED_AS_OLD_KERNEL=1
# so that each expects the answers of a kernel without SO_PEERPIDFD.
#   run.sh PROCESS_TABLE_TEST PROGRAM...
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 PROCESS_TABLE_TEST PROGRAM..." >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
table=$1
# The VM sees this machine's /tmp at /tmp/host.
script=$(mktemp /tmp/old-kernel-run.XXXXXX); trap 'rm -f "$script"' EXIT
{
  echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin PYTHONDONTWRITEBYTECODE=1 RUST_BACKTRACE=1'
  echo 'case $(uname -r) in 6.1.*) ;; *) echo "not Linux 6.1: $(uname -r)"; exit 1;; esac'
  echo 'echo "== on $(uname -r):"'
  echo 'export PEERCRED_AS_OLD_KERNEL=1'
  for program in "$@"; do printf 'echo "== %s"; %q -q\n' "${program##*/}" "$program"; done
} > "$script"
chmod 644 "$script"
"$here/vm.sh" --first-without-unix-diag \
  "echo '== ${table##*/} without unix_diag'; PEERCRED_AS_OLD_KERNEL=no-unix-diag $table -q" \
  -- sh "/tmp/host/${script#/tmp/}"
