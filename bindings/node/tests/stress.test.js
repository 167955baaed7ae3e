'use strict';
// Worker threads reading at once while sockets open and close, and memory over
// a million reads.
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { Worker } = require('node:worker_threads');
const { acceptClient, finish, hostOnly } = require('./helpers.js');

function run(file, workerData) {
  const worker = new Worker(path.join(__dirname, file), { workerData });
  return new Promise((resolve, reject) => worker.on('message', resolve).on('error', reject));
}

const READS = 100_000; // per worker

test(`8 worker threads x ${READS.toLocaleString('en')} reads while sockets open and close`, { skip: hostOnly('stress') }, async () => {
  const peers = [];
  for (let i = 0; i < 8; i++) peers.push(await acceptClient());
  const churn = [run('worker-churn.js', { sockets: 3000 }), run('worker-churn.js', { sockets: 3000 })];
  const readers = peers.map((peer) => run('worker-read.js', { fd: peer.conn._handle.fd, reads: READS }));
  const results = await Promise.all(readers);
  await Promise.all(churn);
  results.forEach((result, i) => {
    const { pid, uid, gid } = peers[i].says;
    assert.deepStrictEqual(result, { wrong: 0, cred: { pid, uid, gid } });
  });
  await Promise.all(peers.map(finish));
});

test('a million reads grow resident memory by less than 5 MB', { skip: hostOnly('stress') }, () => {
  const done = spawnSync(process.execPath, ['--expose-gc', path.join(__dirname, 'memory-check.js')], { encoding: 'utf8' });
  assert.strictEqual(done.status, 0, done.stderr);
  const { grownKiB } = JSON.parse(done.stdout);
  assert.ok(grownKiB < 5 * 1024, `grew by ${grownKiB} KiB`);
});
