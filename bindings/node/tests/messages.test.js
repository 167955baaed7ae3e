'use strict';
// createUnixDatagramSocket(): senders in other processes and under other
// uids (tests/sender.py, and Node senders), addresses, privileged claims,
// attached descriptors, truncation, errors, the event loop (unref, workers,
// async context) and freeing everything on close.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const path = require('node:path');
const { once } = require('node:events');
const { spawn, spawnSync } = require('node:child_process');
const { AsyncLocalStorage } = require('node:async_hooks');
const { Worker } = require('node:worker_threads');
const { createUnixDatagramSocket } = require('@peercred/node');
const { NOBODY, isRoot, qemuCannot, openFds, sendFrom, tempDir } = require('./helpers.js');

const INSTALLED = path.dirname(require.resolve('@peercred/node/package.json'));

/** A bound socket in a folder other uids reach; resolves once listening. */
async function receiver(options) {
  const dir = tempDir();
  const socket = createUnixDatagramSocket(options);
  const address = dir.path('log');
  socket.bind(address);
  await once(socket, 'listening');
  fs.chmodSync(address, 0o666);
  return { socket, address, dir };
}

/** The next `count` messages as [data, info-snapshot] pairs. */
function collect(socket, count, snapshot = (msg, info) => ({ data: msg.toString(), ...info, process: undefined })) {
  const got = [];
  return new Promise((resolve) => {
    const onMessage = (msg, info) => {
      got.push(snapshot(msg, info));
      if (got.length === count) {
        socket.off('message', onMessage);
        resolve(got);
      }
    };
    socket.on('message', onMessage);
  });
}

async function finish({ socket, dir }) {
  await new Promise((resolve) => socket.close(resolve));
  dir.remove();
}

test('interleaved senders each get their own credentials', async () => {
  const r = await receiver();
  const got = collect(r.socket, 200, (msg, info) => [Number(msg), info.cred]);
  const senders = await Promise.all([0, 1, 2, 3].map((i) => sendFrom(r.address, {
    args: ['--count', '50'], uid: isRoot && i % 2 ? NOBODY : undefined,
  })));
  const byPid = new Map(senders.map((s) => [s.pid, s]));
  const counts = new Map();
  for (const [pid, cred] of await got) {
    const s = byPid.get(pid);
    assert.deepStrictEqual(cred, { pid, uid: s.uid, gid: s.gid });
    counts.set(pid, (counts.get(pid) ?? 0) + 1);
  }
  assert.deepStrictEqual([...counts.values()], [50, 50, 50, 50]);
  if (isRoot) assert.deepStrictEqual(new Set(senders.map((s) => s.uid)), new Set([0, NOBODY]));
  await finish(r);
});

// A Node sender: it sends "ping" from an unbound socket, which sending binds
// to an abstract name, and waits for the reply.
const PINGER = `
const { createUnixDatagramSocket } = require(process.argv[1]);
const s = createUnixDatagramSocket();
s.on('message', (msg, info) => { console.log(JSON.stringify({ reply: msg.toString(), from: info.cred.pid })); s.close(); });
s.send('ping', process.argv[2]);
`;

test('a Node sender, and a reply to its automatic abstract address', async () => {
  const r = await receiver();
  r.socket.on('message', (msg, info) => r.socket.send(`pong ${info.cred.pid}`, info.address));
  const child = spawn(process.execPath, ['-e', PINGER, INSTALLED, r.address], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  await once(child, 'close');
  assert.deepStrictEqual(JSON.parse(out), { reply: `pong ${child.pid}`, from: process.pid });
  await finish(r);
});

test('unnamed, path and abstract senders', async () => {
  const r = await receiver();
  const named = r.dir.path('sender');
  const abstract = `peercred-node-${process.pid}`;
  const cases = [[[], null], [['--bind', named], named], [['--abstract', abstract], `\0${abstract}`]];
  for (const [args, want] of cases) {
    const got = collect(r.socket, 1);
    await sendFrom(r.address, { args });
    assert.strictEqual((await got)[0].address, want);
  }
  await finish(r);
});

test('credentials are the real ids of the sender', { skip: !isRoot && 'a sender whose real and effective uids differ needs root' }, async () => {
  const r = await receiver();
  const got = collect(r.socket, 1);
  const s = await sendFrom(r.address, { wrap: ['setpriv', '--euid=65534', '--egid=65534', '--keep-groups'] });
  assert.deepStrictEqual((await got)[0].cred, { pid: s.pid, uid: 0, gid: 0 });
  await finish(r);
});

test('privileged senders choose what they send; others cannot', { skip: !isRoot && 'explicit SCM_CREDENTIALS with other ids needs root' }, async () => {
  const r = await receiver();
  const got = collect(r.socket, 1, (msg, info) => [info.cred, info.process?.pid]);
  await sendFrom(r.address, { args: ['--claim', '1', '1234', '5678'] });
  const [[cred, claimed]] = await got;
  assert.deepStrictEqual(cred, { pid: 1, uid: 1234, gid: 5678 });
  if (claimed !== undefined) assert.strictEqual(claimed, 1, 'SCM_PIDFD follows the claimed pid');
  const refused = await sendFrom(r.address, { args: ['--claim', '1', '65534', '65534'], uid: NOBODY });
  assert.deepStrictEqual([refused.code, refused.last], [1, { errno: 1 }]); // EPERM
  await finish(r);
});

test('attached descriptors never leak', async () => {
  const r = await receiver();
  const before = openFds();
  for (const count of [3, 253]) {
    const got = collect(r.socket, 1);
    await sendFrom(r.address, { args: ['--rights', String(count)] });
    const [info] = await got;
    assert.strictEqual(info.discardedFds, count);
    assert.strictEqual(info.controlTruncated, false);
    assert.notStrictEqual(info.cred, null);
  }
  assert.strictEqual(openFds(), before);
  await finish(r);
});

test('a message longer than maxMessageSize is reported truncated', async () => {
  const r = await receiver({ maxMessageSize: 16 });
  const got = collect(r.socket, 1, (msg, info) => [msg.length, info.size, info.truncated, info.cred.pid]);
  const s = await sendFrom(r.address, { args: ['--size', '200'] });
  assert.deepStrictEqual((await got)[0], [16, 16, true, s.pid]);
  await finish(r);
});

// At its descriptor limit the receiver cannot take attached descriptors nor
// the pidfd: MSG_CTRUNC is reported, the credentials are complete.
const LIMITED = `
const fs = require('node:fs');
const { createUnixDatagramSocket } = require(process.argv[1]);
const s = createUnixDatagramSocket();
s.bind(process.argv[2], () => {
  const held = [];
  try { for (;;) held.push(fs.openSync('/dev/null', 'r')); } catch {}
  s.on('message', (msg, info) => {
    process.stdout.write(JSON.stringify([info.controlTruncated, info.discardedFds, info.cred !== null, info.process]));
    process.exit(0);
  });
  process.stdout.write('ready\\n');
});
`;

test('control data the kernel dropped is reported', async () => {
  const dir = tempDir();
  const address = dir.path('limited');
  const child = spawn('prlimit', ['--nofile=256:256', process.execPath, '-e', LIMITED, INSTALLED, address],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const closed = once(child, 'close');
  while (!out.includes('ready')) await once(child.stdout, 'data');
  await sendFrom(address, { args: ['--rights', '2'] });
  await closed;
  assert.deepStrictEqual(JSON.parse(out.split('\n')[1]), [true, 0, true, null]);
  dir.remove();
});

// SO_PASSPIDFD: Linux 6.5 and later.
const [major, minor] = require('node:os').release().split('.').map(Number);
const passesPidfd = major > 6 || (major === 6 && minor >= 5);

test('a message carries a process only during its event', { skip: (!passesPidfd && 'no SCM_PIDFD before Linux 6.5') || qemuCannot('refuses SO_PASSPIDFD (ENOPROTOOPT, measured): no message carries a pidfd') }, async () => {
  const r = await receiver();
  const got = collect(r.socket, 1, (msg, info) => info);
  const s = await sendFrom(r.address, { held: got }); // alive until received: its pidfd is made
  const [info] = await got;
  assert.strictEqual(info.cred.pid, s.pid);
  assert.throws(() => info.process, { code: 'ERR_MESSAGE_EXPIRED' });
  await finish(r);
});

test('errors in Node style', async () => {
  const r = await receiver();
  const tx = createUnixDatagramSocket();
  const [err] = await new Promise((resolve) => tx.send('x', r.dir.path('nobody-here'), (...args) => resolve(args)));
  assert.strictEqual(err.code, 'ENOENT');
  assert.strictEqual(err.syscall, 'sendto');
  tx.send('x', r.dir.path('nobody-here'));
  assert.strictEqual((await once(tx, 'error'))[0].code, 'ENOENT');
  // Never waits: with the receiver's queue full (it drains only once this
  // synchronous code is done), a send fails with EAGAIN.
  const results = [];
  for (let i = 0; i < 30; i++) tx.send('x', r.address, (e) => results.push(e?.code ?? 'ok'));
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(results.includes('EAGAIN') && results.includes('ok'), results.join());
  const other = createUnixDatagramSocket();
  other.bind(r.address);
  assert.strictEqual((await once(other, 'error'))[0].code, 'EADDRINUSE');
  other.close();
  assert.throws(() => tx.bind(42), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => tx.send(42, r.address), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
  assert.throws(() => createUnixDatagramSocket({ fd: -1 }), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  assert.throws(() => createUnixDatagramSocket({ maxMessageSize: -1 }), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  tx.close();
  assert.throws(() => tx.close(), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' });
  assert.throws(() => tx.send('x', r.address), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' });
  await finish(r);
});

test('close() frees the descriptor and the loop handle', async () => {
  const before = openFds();
  for (let i = 0; i < 50; i++) {
    const r = await receiver();
    await finish(r);
  }
  assert.strictEqual(openFds(), before);
});

test('messages run in the async context of bind()', async () => {
  const als = new AsyncLocalStorage();
  const dir = tempDir();
  const socket = createUnixDatagramSocket();
  als.run({ id: 7 }, () => socket.bind(dir.path('log')));
  const got = new Promise((resolve) => socket.on('message', () => resolve(als.getStore())));
  await sendFrom(dir.path('log'));
  assert.deepStrictEqual(await got, { id: 7 });
  await finish({ socket, dir });
});

test('an unref()ed socket does not keep the process alive', () => {
  const code = `
    const s = require(process.argv[1]).createUnixDatagramSocket();
    s.bind('\\0peercred-unref-' + process.pid, () => s.unref());`;
  const done = spawnSync(process.execPath, ['-e', code, INSTALLED], { timeout: 10_000 });
  assert.strictEqual(done.status, 0, String(done.stderr));
});

test('an exception in a listener is uncaught, as from Node\'s own sockets', () => {
  const code = `
    process.on('uncaughtException', (e) => { console.log('caught', e.message); process.exit(0); });
    const s = require(process.argv[1]).createUnixDatagramSocket();
    const name = '\\0peercred-throw-' + process.pid;
    s.on('message', () => { throw new Error('boom'); });
    s.bind(name, () => s.send('x', name));`;
  const done = spawnSync(process.execPath, ['-e', code, INSTALLED], { encoding: 'utf8', timeout: 10_000 });
  assert.strictEqual(done.stdout.trim(), 'caught boom', done.stderr);
});

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createUnixDatagramSocket } = require(workerData.installed);
const s = createUnixDatagramSocket();
s.on('message', (msg, info) => {
  parentPort.postMessage({ data: msg.toString(), pid: info.cred.pid, exe: info.process.exe() });
  if (workerData.close) s.close();
});
s.bind(workerData.address, () => parentPort.postMessage('listening'));
`;

test('works in worker threads; a worker that exits with its socket open frees it', { skip: qemuCannot('refuses SO_PASSPIDFD (ENOPROTOOPT, measured): no message carries a pidfd') }, async () => {
  const dir = tempDir();
  const before = openFds();
  for (const close of [true, false]) {
    const address = dir.path(`worker-${close}`);
    const worker = new Worker(WORKER, { eval: true, workerData: { installed: INSTALLED, address, close } });
    const [ready] = await once(worker, 'message');
    assert.strictEqual(ready, 'listening');
    const reply = once(worker, 'message');
    // The sender stays alive until the worker has read its executable.
    const s = await sendFrom(address, { held: reply });
    const [got] = await reply;
    assert.deepStrictEqual(got, { data: String(s.pid), pid: s.pid, exe: fs.realpathSync('/usr/bin/python3') });
    await worker.terminate(); // with close: false, the environment's cleanup closes the socket
  }
  assert.strictEqual(openFds(), before);
  dir.remove();
});

// A kernel without SO_PASSPIDFD (Linux < 6.5), shown by the fault-injection
// build of the addon (PEERCRED_FAULT=no-passpidfd): credentials, no process.
const OLD_KERNEL = `
const { createUnixDatagramSocket } = require(process.argv[1]);
const s = createUnixDatagramSocket();
const name = '\\0peercred-old-kernel-' + process.pid;
s.on('message', (msg, info) => { console.log(JSON.stringify([info.cred.pid === process.pid, info.process])); s.close(); });
s.bind(name, () => s.send('x', name));
`;

test('a kernel without SO_PASSPIDFD gives credentials without a process', {
  skip: !process.env.PEERCRED_FAULT_BUILD && 'PEERCRED_FAULT_BUILD is not set (make test-node sets it)',
}, () => {
  const copy = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'peercred-old-kernel-'));
  fs.cpSync(INSTALLED, copy, { recursive: true });
  fs.copyFileSync(process.env.PEERCRED_FAULT_BUILD, path.join(copy, 'peercred.linux-x64-gnu.node'));
  const done = spawnSync(process.execPath, ['-e', OLD_KERNEL, copy], {
    env: { ...process.env, PEERCRED_FAULT: 'no-passpidfd' }, encoding: 'utf8', timeout: 10_000,
  });
  fs.rmSync(copy, { recursive: true, force: true });
  assert.strictEqual(done.stdout.trim(), '[true,null]', done.stderr);
});
