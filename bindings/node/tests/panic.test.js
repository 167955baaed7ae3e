'use strict';
// A panic inside the native code must reach JS as an exception, never abort
// the process. The core panics on purpose when built with its fault-injection
// feature and PEERCRED_FAULT=panic is set; make test-node builds that variant
// of the addon and names it in PEERCRED_FAULT_BUILD.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const faultBuild = process.env.PEERCRED_FAULT_BUILD;

const CHECK = `
const net = require('node:net');
const peercred = require(process.argv[1]);
const server = net.createServer((conn) => {
  for (const name of ['read', 'groups', 'securityLabel', 'pidfd', 'peerProcess', 'ownProcess']) {
    assert.throws(() => peercred[name](conn), /panic/i, name);
  }
  assert.throws(() => peercred.createUnixDatagramSocket(), /panic/i, 'createUnixDatagramSocket');
  assert.throws(() => peercred.bootId(), /panic/i, 'bootId');
  assert.throws(() => peercred.parseCgroup('/'), /panic/i, 'parseCgroup');
  console.log('survived');
  process.exit(0);
});
const assert = require('node:assert');
const sock = require('node:path').join(require('node:os').tmpdir(), 'peercred-panic-' + process.pid + '.sock');
server.listen(sock, () => net.connect(sock));
`;

test('a panic becomes an exception', { skip: !faultBuild && 'PEERCRED_FAULT_BUILD is not set (make test-node sets it)' }, () => {
  const installed = path.dirname(require.resolve('@peercred/node/package.json'));
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'peercred-fault-'));
  fs.cpSync(installed, copy, { recursive: true });
  // Over the binary that the loader picks on this platform.
  const { file } = require(path.join(installed, 'native.js'));
  fs.copyFileSync(faultBuild, path.join(copy, path.basename(file)));
  const done = spawnSync(process.execPath, ['-e', CHECK, copy], {
    env: { ...process.env, PEERCRED_FAULT: 'panic' },
    encoding: 'utf8',
  });
  fs.rmSync(copy, { recursive: true, force: true });
  assert.strictEqual(done.status, 0, done.stdout + done.stderr);
  assert.strictEqual(done.stdout.trim(), 'survived');
});
