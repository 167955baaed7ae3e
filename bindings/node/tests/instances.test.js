'use strict';
// Every answer belongs to the call that asked, however many instances of the
// module are alive: evaluated three times in this thread (a cleared require
// cache, as test runners' module isolation does), a second copy of the
// package on disk, ESM next to CJS, a worker thread reading the same
// descriptor, and evaluations collected by the GC while others go on.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');
const { spawnSync } = require('node:child_process');
const { Worker } = require('node:worker_threads');
const { NOBODY, isRoot, acceptClient, finish } = require('./helpers.js');

const installed = path.dirname(require.resolve('@peercred/node/package.json'));

/** A fresh evaluation of the installed package: its files leave the require cache first. */
function evaluate(dir = installed) {
  for (const key of Object.keys(require.cache)) {
    if (key.startsWith(dir + path.sep)) delete require.cache[key];
  }
  return require(dir);
}

function expected(peer) {
  const { pid, uid, gid } = peer.says;
  return { pid, uid, gid };
}

test('three evaluations, a second copy on disk, ESM and a worker: every answer exact', async () => {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'peercred-copy-'));
  fs.cpSync(installed, copy, { recursive: true });
  const instances = [evaluate(), evaluate(), evaluate(), evaluate(copy)];
  instances.push(await import('@peercred/node'), await import(pathToFileURL(path.join(copy, 'peercred.mjs')).href));
  // ESM imports the CommonJS entry through the require cache: the last evaluation of each copy.
  assert.strictEqual(new Set(instances.map((m) => m.read)).size, 4, 'three evaluations and a copy');

  // One client of another uid (when we may start one), one of ours.
  const other = await acceptClient(isRoot ? { uid: NOBODY, gid: NOBODY } : {});
  const ours = await acceptClient();
  const want = [expected(other), expected(ours)];
  const conns = [other.conn, ours.conn];

  const worker = new Worker(path.join(__dirname, 'worker-read.js'), { workerData: { fd: other.conn._handle.fd, reads: 100_000 } });
  const fromWorker = new Promise((resolve, reject) => worker.on('message', resolve).on('error', reject));
  let wrong = 0;
  for (let i = 0; i < 20_000; i++) {
    // Interleaved: each instance reads right after another one read the other connection.
    const a = instances[i % instances.length].read(conns[i % 2]);
    const b = instances[(i * 7 + 3) % instances.length].read(conns[(i + 1) % 2]);
    if (JSON.stringify(a) !== JSON.stringify(want[i % 2]) || JSON.stringify(b) !== JSON.stringify(want[(i + 1) % 2])) wrong++;
  }
  assert.strictEqual(wrong, 0);
  for (const m of instances) {
    assert.deepStrictEqual(m.read(other.conn), want[0]);
    assert.deepStrictEqual(m.read(ours.conn), want[1]);
  }
  assert.deepStrictEqual(await fromWorker, { wrong: 0, cred: want[0] });
  await finish(other);
  await finish(ours);
  fs.rmSync(copy, { recursive: true, force: true });
});

// Run with --expose-gc: evaluations come and go; the survivors stay exact.
const CHURN = `
const path = require('node:path');
const dir = process.argv[1];
const fd = Number(process.argv[2]);
const want = process.argv[3];
function evaluate() {
  for (const key of Object.keys(require.cache)) if (key.startsWith(dir + path.sep)) delete require.cache[key];
  return require(dir);
}
(async () => {
  const kept = [];
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 25; i++) {
      const m = evaluate();
      if (i === 0) kept.push(m);
    }
    global.gc();
    await new Promise((resolve) => setImmediate(resolve)); // finalizers run
    for (const m of [...kept, evaluate()]) {
      const got = JSON.stringify(m.read(fd));
      if (got !== want) throw new Error('round ' + round + ': ' + got + ', want ' + want);
    }
  }
  console.log('ok ' + kept.length);
})();
`;

test('evaluations collected by the GC free their buffers; the others stay exact', async () => {
  const peer = await acceptClient();
  const done = spawnSync(process.execPath, ['--expose-gc', '-e', CHURN, installed, '3', JSON.stringify(expected(peer))], {
    stdio: ['ignore', 'pipe', 'pipe', peer.conn._handle.fd],
    encoding: 'utf8',
  });
  await finish(peer);
  assert.strictEqual(done.stdout.trim(), 'ok 20', done.stdout + done.stderr);
});
