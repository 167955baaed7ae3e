#!/usr/bin/env bash
# Dumps the public surfaces of the checkout this script is in, into OUT_DIR:
#   c/libpeercred.abi.xml  the C ABI: abidw of libpeercred.so (a debug build,
#                          for its DWARF), normalized by abi_normalize.py
#   c/constants.txt        the header's #define constants (not in the DWARF)
#   rust/peercred.txt      the core crate's public API (rustdoc JSON, read by
#                          the public-api library: tests/api/rust-surface)
#   python/peercred.txt    the Python package's __all__, as typed (the stub)
#   node/peercred.txt      the Node package's index.d.ts exports
# Needs RUST_SURFACE (the built rust-surface tool) and typescript on NODE_PATH;
# honours CARGO_TARGET_DIR. Used by `make api-check`, `make baselines` and
# tests/api/test_breaks.py (on a copy).
set -euo pipefail
out=$1
root=$(cd "$(dirname "$0")/../.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
cargo=${CARGO:-cargo}
here=$root/tests/api

rm -rf "$out" && mkdir -p "$out"/{c,rust,python,node}
cd "$root"

"$cargo" build --quiet -p peercred-ffi
abidw --no-corpus-path --no-comp-dir-path --no-show-locs --type-id-style hash --drop-undefined-syms \
  --out-file "$out/c/abidw.xml" "$target/debug/libpeercred_ffi.so"
python3 "$here/abi_normalize.py" "$out/c/abidw.xml" "$out/c/libpeercred.abi.xml"
rm "$out/c/abidw.xml"
# The version macros change with every release; PEERCRED_H is the include guard.
${CC:-cc} -dM -E include/peercred.h | grep -E '^#define PEERCRED_' \
  | grep -vE '^#define (PEERCRED_H|PEERCRED_VERSION_(MAJOR|MINOR|PATCH)) ' | sort > "$out/c/constants.txt"

# rustdoc's JSON output is unstable: RUSTC_BOOTSTRAP lets the stable toolchain emit it.
RUSTC_BOOTSTRAP=1 "$cargo" rustdoc --quiet -p peercred --lib -- -Z unstable-options --output-format json
"$RUST_SURFACE" "$target/doc/peercred.json" > "$out/rust/peercred.txt"

python3 "$here/python_surface.py" bindings/python/python/peercred > "$out/python/peercred.txt"
node "$here/node_surface.js" bindings/node/index.d.ts > "$out/node/peercred.txt"
