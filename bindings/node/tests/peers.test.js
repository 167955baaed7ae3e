'use strict';
// Peers in other processes and under other ids, ESM, and worker threads.
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const { read } = require('@peercred/node');
const { NOBODY, isRoot, acceptClient, finish } = require('./helpers.js');

test('a client in another process: its pid, not ours', async () => {
  const peer = await acceptClient();
  const cred = read(peer.conn);
  assert.deepStrictEqual(cred, { pid: peer.says.pid, uid: peer.says.uid, gid: peer.says.gid });
  assert.notStrictEqual(cred.pid, process.pid);
  assert.deepStrictEqual(read(peer.conn._handle.fd), cred);
  await finish(peer);
});

test('a client under another uid and gid', { skip: !isRoot && 'needs root to start a client as 65534' }, async () => {
  const peer = await acceptClient({ uid: NOBODY, gid: NOBODY });
  assert.deepStrictEqual(read(peer.conn), { pid: peer.says.pid, uid: NOBODY, gid: NOBODY });
  await finish(peer);
});

test('ESM import gives the same functions', async () => {
  const esm = await import('@peercred/node');
  const cjs = require('@peercred/node');
  for (const name of [
    'read', 'groups', 'securityLabel', 'pidfd', 'peerProcess', 'PeerProcess', 'connectionProcess', 'listenGrpc',
    'createUnixDatagramSocket', 'UnixDatagramSocket',
  ]) {
    assert.strictEqual(esm[name], cjs[name], name);
  }
});

test('loads and reads in a worker thread', async () => {
  const peer = await acceptClient();
  const worker = new Worker(path.join(__dirname, 'worker-read.js'), { workerData: { fd: peer.conn._handle.fd, reads: 1000 } });
  const [result] = await Promise.all([new Promise((resolve, reject) => worker.on('message', resolve).on('error', reject))]);
  assert.deepStrictEqual(result, { wrong: 0, cred: { pid: peer.says.pid, uid: peer.says.uid, gid: peer.says.gid } });
  await finish(peer);
});
