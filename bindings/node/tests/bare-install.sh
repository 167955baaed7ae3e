#!/bin/bash
# Installs the packed tarball into an empty folder and loads it (require and
# import) with a PATH that holds node and npm only: no cargo, no compiler, and
# --offline, as a user without a toolchain or a network would.
# Usage: bare-install.sh TARBALL WORK_DIR
set -euo pipefail
tarball=$1 work=$2
rm -rf "$work" && mkdir -p "$work/bin" "$work/project"
ln -s "$(command -v node)" "$work/bin/node"
ln -s "$(command -v npm)" "$work/bin/npm"
echo '{"private": true}' > "$work/project/package.json"
cd "$work/project"
export PATH=$work/bin
if command -v cargo || command -v cc || command -v gcc; then exit 1; fi
npm install --offline --ignore-scripts --no-audit --no-fund --loglevel=error "$tarball"
# A descriptor that cannot be open: the native addon must answer EBADF.
node -e "try { require('@peercred/node').read(2147483647) } catch (e) { if (e.code !== 'EBADF') throw e }"
node --input-type=module -e "import { read } from '@peercred/node'; if (typeof read !== 'function') process.exit(1)"
echo "bare install: require and import work with node and npm alone"
# No os or cpu restriction: the install succeeds where there is no binary, and
# require() too (platform.test.js checks that each function then throws).
mkdir "$work/elsewhere" && cd "$work/elsewhere" && echo '{"private": true}' > package.json
npm install --os=darwin --cpu=arm64 --offline --ignore-scripts --no-audit --no-fund --loglevel=error "$tarball"
echo "bare install: npm install --os=darwin --cpu=arm64 works"
