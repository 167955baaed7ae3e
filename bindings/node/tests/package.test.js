'use strict';
// The package itself: one version everywhere, no runtime dependencies, no scripts.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');

test('version is the Cargo workspace version; no dependencies, no install scripts', () => {
  const pkg = require('@peercred/node/package.json');
  const cargo = fs.readFileSync(path.join(process.env.PEERCRED_REPO, 'Cargo.toml'), 'utf8');
  const workspace = cargo.slice(cargo.indexOf('[workspace.package]'));
  assert.strictEqual(pkg.version, /^version\s*=\s*"([^"]+)"/m.exec(workspace)[1]);
  assert.deepStrictEqual(Object.keys(pkg.dependencies ?? {}), []);
  for (const hook of ['preinstall', 'install', 'postinstall']) assert.ok(!pkg.scripts?.[hook], hook);
});
