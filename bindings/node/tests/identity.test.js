'use strict';
// Program identity and the right process: the calling process, executables
// compared by file and hashed, exact bytes for paths that are not UTF-8, a
// peer whose main thread exited, and a reader in a PID namespace without its
// own /proc.
const test = require('node:test');
const assert = require('node:assert');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { spawn, spawnSync } = require('node:child_process');
const peercred = require('@peercred/node');
const { NOBODY, isRoot, qemuCannot, listen } = require('./helpers.js');

const PYTHON = fs.realpathSync('/usr/bin/python3');
const LEADERLESS_PEER = path.join(process.env.PEERCRED_REPO, 'tests', 'leaderless_peer.py');
const NO_SESSION = 4294967295;
const ownSession = () => {
  const id = Number(fs.readFileSync('/proc/self/sessionid', 'utf8'));
  return id === NO_SESSION ? null : id;
};
const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest();

test('ownProcess: the calling process, read like a peer', { skip: qemuCannot('renders /proc/self: the kernel\'s executable of this emulated process is qemu') }, () => {
  const own = peercred.ownProcess();
  const exe = fs.readlinkSync('/proc/self/exe');
  assert.strictEqual(own.pid, process.pid);
  assert.strictEqual(own.exe(), exe);
  assert.strictEqual(own.exeMatches(exe), true);
  assert.strictEqual(own.exeMatches(Buffer.from(exe)), true);
  assert.strictEqual(own.exeMatches('/bin/sh'), false);
  assert.throws(() => own.exeMatches('/nonexistent/peercred'), { code: 'ENOENT', syscall: 'pidfd' });
  assert.throws(() => own.exeMatches(3), { code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError' });
  assert.deepStrictEqual(own.exeSha256(), sha256(exe));
  assert.strictEqual(own.parentPid(), process.ppid);
  assert.strictEqual(own.sessionId(), ownSession());
  assert.strictEqual(own.sameSession(own), ownSession() !== null, 'no session matches nothing');
  assert.throws(() => own.sameSession({}), { code: 'ERR_INVALID_ARG_TYPE' });
  own.close();
  assert.throws(() => peercred.ownProcess().sameSession(own), { code: 'ERR_PEER_PROCESS_CLOSED' });
});

/** Runs `argv` (a client that connects to the server and prints "c"); resolves with its connection. */
async function connectedPeer(argv) {
  let accepted;
  const connection = new Promise((resolve) => {
    accepted = resolve;
  });
  const server = await listen((conn) => accepted(conn));
  const child = spawn(argv[0], [...argv.slice(1), server.path], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  assert.strictEqual((await lines.next()).value, 'c');
  const conn = await connection;
  return {
    conn,
    async finish() {
      const exited = new Promise((resolve) => child.on('exit', resolve));
      child.stdin.end();
      conn.destroy();
      await exited;
      await server.close();
    },
  };
}

const CONNECT = "import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print('c', flush=True); sys.stdin.read()";

test('exe and cmdline keep bytes that are not UTF-8; exeMatches tells the files apart', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peercred-node-'));
  fs.chmodSync(dir, 0o755);
  const names = [Buffer.from([0xff]), Buffer.from([0xfe])].map((bad) =>
    Buffer.concat([Buffer.from(`${dir}/python-`), bad]),
  );
  try {
    for (const name of names) fs.copyFileSync(PYTHON, name);
    for (const name of names) fs.chmodSync(name, 0o755);
    // spawn() encodes its strings as UTF-8, so a Python exec()s the exact bytes.
    const EXEC = 'import os, sys; p = bytes.fromhex(sys.argv[1]); os.execv(p, [p, "-c", sys.argv[2], sys.argv[3]])';
    const peers = [];
    for (const name of names) peers.push(await connectedPeer([PYTHON, '-c', EXEC, name.toString('hex'), CONNECT]));
    const processes = peers.map(({ conn }) => peercred.peerProcess(conn));
    processes.forEach((peer, i) => {
      assert.deepStrictEqual(peer.exe(), names[i], 'the exact bytes, as a Buffer');
      assert.strictEqual(peer.exeMatches(names[i]), true);
      assert.strictEqual(peer.exeMatches(names[1 - i]), false);
      assert.deepStrictEqual(peer.cmdline()[0], names[i]);
      assert.strictEqual(peer.cmdline()[1], '-c');
      peer.close();
    });
    for (const peer of peers) await peer.finish();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a peer whose main thread exited: facts from its live thread', async () => {
  let accepted;
  const connection = new Promise((resolve) => {
    accepted = resolve;
  });
  const server = await listen((conn) => accepted(conn));
  const child = spawn(PYTHON, [LEADERLESS_PEER, server.path], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const conn = await connection;
  assert.strictEqual((await lines.next()).value, 'ready');
  const peer = peercred.peerProcess(conn);
  const dropped = isRoot ? [NOBODY, NOBODY] : [process.geteuid(), process.getegid()];
  assert.strictEqual(peer.isAlive(), true);
  assert.deepStrictEqual([peer.uid(), peer.gid()], dropped, "the live thread's ids, not the zombie leader's");
  assert.strictEqual(peercred.read(conn).uid, process.geteuid(), 'recorded at connect');
  assert.deepStrictEqual(peer.cmdline(), [PYTHON, LEADERLESS_PEER, server.path]);
  assert.strictEqual(peer.exe(), PYTHON);
  assert.strictEqual(peer.exeMatches(PYTHON), true);
  assert.strictEqual(peer.parentPid(), process.pid);
  peer.close();
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.stdin.end();
  conn.destroy();
  await exited;
  await server.close();
});

const UNDER_THE_PARENTS_PROC = `
const assert = require('node:assert');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const peercred = require(process.argv[1]);
assert.strictEqual(process.pid, 1);
const sock = path.join(require('node:fs').mkdtempSync(path.join(os.tmpdir(), 'pc-')), 's');
const server = net.createServer((conn) => {
  const cred = peercred.read(conn);
  const peer = peercred.peerProcess(conn);
  assert.strictEqual(peer.pid, cred.pid);
  assert.strictEqual(peer.pid, client.pid);
  assert.strictEqual(peer.parentPid(), 1);
  assert.strictEqual(peer.exeMatches(process.execPath), true);
  peer.close();
  const far = peercred.peerProcess(3);
  assert.strictEqual(far.pid, null);
  assert.strictEqual(far.isAlive(), true);
  for (const fact of [() => far.exe(), () => far.parentPid(), () => far.exeMatches(process.execPath)]) {
    assert.throws(fact, { code: 'EREMOTE' });
  }
  far.close();
  console.log('ok');
  client.kill();
  server.close();
});
let client;
server.listen(sock, () => {
  client = spawn(process.execPath, ['-e', 'require("node:net").connect(process.argv[1]); setInterval(() => {}, 1000)', sock]);
});
`;

test('a reader in a PID namespace without its own /proc', { skip: (!isRoot && 'unshare needs root') || qemuCannot('runs it otherwise than the kernel (as in the C suite; not diagnosed further)') }, async () => {
  let accepted;
  const connection = new Promise((resolve) => {
    accepted = resolve;
  });
  const server = await listen((conn) => accepted(conn));
  const outsider = spawn(process.execPath, ['-e', 'require("node:net").connect(process.argv[1]); process.stdin.resume()', server.path], {
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const conn = await connection; // its peer lives in our namespace, outside the reader's
  const packageDir = path.dirname(require.resolve('@peercred/node/package.json'));
  const reader = spawnSync('unshare', ['--pid', '--fork', process.execPath, '-e', UNDER_THE_PARENTS_PROC, packageDir], {
    stdio: ['ignore', 'pipe', 'pipe', conn._handle.fd],
    encoding: 'utf8',
    timeout: 60000,
  });
  const exited = new Promise((resolve) => outsider.on('exit', resolve));
  outsider.stdin.end();
  conn.destroy();
  await exited;
  await server.close();
  assert.strictEqual(reader.stdout.trim(), 'ok', reader.stdout + reader.stderr);
});
