'use strict';
// Groups, the security label, the pidfd and the race-free peer process.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const readline = require('node:readline');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const peercred = require('@peercred/node');
const { NOBODY, isRoot, qemuCannot, listen, acceptClient, finish, openFds } = require('./helpers.js');

const NO_SESSION = 4294967295;

function pidfdSupported(conn) {
  try {
    fs.closeSync(peercred.pidfd(conn));
    return true;
  } catch (err) {
    if (err.code === 'ENOPROTOOPT') return false;
    throw err;
  }
}

for (const groups of [[4242, 4343], []]) {
  const skip = (!isRoot && 'setgroups needs root')
    || (groups.length > 1 && qemuCannot('passes SO_PEERGROUPS through as a 4-byte int option: more than one group ends in ERANGE'));
  test(`groups of a peer with ${groups.length} supplementary groups`, { skip }, async () => {
    const list = groups.length ? groups.join(',') : '-';
    const wrap = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, groups.length ? `--groups=${list}` : '--clear-groups'];
    const peer = await acceptClient({ wrap });
    assert.deepStrictEqual(peercred.groups(peer.conn), groups);
    await finish(peer);
  });
}

test('security label is null without a labelling LSM', async (t) => {
  const peer = await acceptClient();
  const label = peercred.securityLabel(peer.conn);
  await finish(peer);
  // A real label cannot be made without SELinux, AppArmor or Smack loaded.
  if (label !== null) return t.skip(`a labelling LSM is loaded here (label ${label})`);
  assert.strictEqual(label, null);
});

test('peer process of a live peer: its own facts', async (t) => {
  const peer = await acceptClient();
  if (!pidfdSupported(peer.conn)) {
    await finish(peer);
    return t.skip('this kernel has no SO_PEERPIDFD (Linux < 6.5)');
  }
  const { says } = peer;
  const live = peercred.peerProcess(peer.conn);
  assert.strictEqual(live.pid, says.pid);
  assert.strictEqual(live.isAlive(), true);
  assert.strictEqual(live.parentPid(), says.ppid);
  // What the peer says here it read from its own /proc/self, which qemu renders.
  const emulated = qemuCannot('renders the peer\'s /proc/self (exe, cmdline, start time) unlike the kernel\'s /proc/PID, which names qemu');
  await t.test('exe, cmdline and start time', { skip: emulated }, () => {
    assert.strictEqual(live.exe(), says.exe);
    assert.deepStrictEqual(live.cmdline(), says.cmdline);
    assert.strictEqual(live.startTime(), says.start);
  });
  assert.strictEqual(live.sessionId(), says.session === NO_SESSION ? null : says.session);
  assert.strictEqual(live.uid(), says.uid);
  assert.strictEqual(live.gid(), says.gid);
  live.close();
  assert.throws(() => live.uid(), { code: 'ERR_PEER_PROCESS_CLOSED' });
  await finish(peer);
});

// Node reaps its own children at once, so the peer is the child of a Python
// parent that exits it and reaps it on command: zombie first, then reaped.
const HOLDER = `
import os, socket, sys
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    print(os.getpid(), flush=True)
    os.read(r, 1)
    os._exit(0)
sys.stdin.readline(); os.write(w, b"x")
sys.stdin.readline(); os.waitpid(pid, 0); print("reaped", flush=True)
sys.stdin.readline()
`;

test('peer process of a zombie and a reaped peer', async (t) => {
  let accepted;
  const connection = new Promise((resolve) => {
    accepted = resolve;
  });
  // Half-open: the peer's exit must not make Node close our end of the socket.
  const server = await listen((conn) => accepted(conn), { allowHalfOpen: true });
  const holder = spawn('python3', ['-c', HOLDER, server.path], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: holder.stdout })[Symbol.asyncIterator]();
  const peerPid = Number((await lines.next()).value);
  const conn = await connection;
  if (!pidfdSupported(conn)) return t.skip('this kernel has no SO_PEERPIDFD (Linux < 6.5)');
  const peer = peercred.peerProcess(conn);
  assert.strictEqual(peer.pid, peerPid);

  holder.stdin.write('exit\n');
  while (peer.isAlive()) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.throws(() => peer.parentPid(), { code: 'ESRCH', errno: -3 });
  fs.closeSync(peercred.pidfd(conn)); // a zombie still has a pidfd ...

  holder.stdin.write('reap\n');
  assert.strictEqual((await lines.next()).value, 'reaped');
  assert.strictEqual(peer.isAlive(), false);
  assert.throws(() => peer.exe(), { code: 'ESRCH' });
  assert.throws(() => peercred.pidfd(conn), { code: 'ESRCH' }); // ... a reaped one has none
  assert.throws(() => peercred.peerProcess(conn), { code: 'ESRCH' });
  peer.close();
  holder.stdin.end();
  conn.destroy();
  await server.close();
});

test('no call leaves a descriptor behind', async () => {
  const peer = await acceptClient();
  const before = openFds();
  for (let i = 0; i < 200; i++) {
    peercred.read(peer.conn);
    peercred.groups(peer.conn);
    peercred.securityLabel(peer.conn);
    const p = peercred.peerProcess(peer.conn);
    p.exe();
    p.cmdline();
    p.close();
    fs.closeSync(peercred.pidfd(peer.conn));
    assert.throws(() => peercred.read(2147483647), { code: 'EBADF' });
  }
  assert.strictEqual(openFds(), before);
  await finish(peer);
});

const OUTSIDE = `
const assert = require('node:assert');
const peercred = require(process.argv[1]);
const cred = peercred.read(3);
assert.strictEqual(cred.pid, null);
const peer = peercred.peerProcess(3);
assert.strictEqual(peer.pid, null);
assert.throws(() => peer.exe(), { code: 'EREMOTE' });
peer.close();
console.log('ok');
`;

test('a peer outside the reader\'s PID namespace', { skip: !isRoot && 'unshare needs root' }, async () => {
  const peer = await acceptClient(); // the client lives in our namespace, outside the reader's
  const packageDir = path.dirname(require.resolve('@peercred/node/package.json'));
  const reader = spawnSync('unshare', ['--pid', '--fork', '--mount-proc', process.execPath, '-e', OUTSIDE, packageDir], {
    stdio: ['ignore', 'pipe', 'pipe', peer.conn._handle.fd],
    encoding: 'utf8',
  });
  await finish(peer);
  assert.strictEqual(reader.stdout.trim(), 'ok', reader.stdout + reader.stderr);
});
