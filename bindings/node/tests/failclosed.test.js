'use strict';
// Answers that must not pass for a peer: child_process stdio pipes and the
// IPC channel (socketpairs this process made), listening sockets (in this
// process, inherited as fd 3 across exec, handed to a forked child), and ids
// that the reader's user namespace cannot name.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const peercred = require('@peercred/node');
const { NOBODY, isRoot, listen, acceptClient, finish } = require('./helpers.js');

const OWN_PROCESS = /name this process itself/;
const LISTENING = /listening socket: read the accepted connection/;
const packageDir = path.dirname(require.resolve('@peercred/node/package.json'));

for (const [what, options] of [
  ['ours', {}],
  ['running as another uid', isRoot ? { uid: NOBODY, gid: NOBODY } : null],
]) {
  test(`a child's stdio pipes and IPC channel are our own socketpairs (child ${what})`, { skip: !options && 'needs root' }, async () => {
    const child = spawn(process.execPath, ['-e', 'process.on("message", (m) => process.send(m))'], {
      stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
      ...options,
    });
    const echoed = new Promise((resolve) => child.once('message', resolve));
    child.send('ping');
    assert.strictEqual(await echoed, 'ping');
    for (const name of ['read', 'groups', 'pidfd', 'peerProcess']) {
      for (const end of [child.stdout, child.stdin, child.channel.fd]) {
        assert.throws(() => peercred[name](end), { code: 'ENOTCONN', message: OWN_PROCESS }, name);
      }
    }
    assert.throws(() => peercred.read(child.stdout), { message: /child_process stdio/ });
    child.kill();
    await new Promise((resolve) => child.on('exit', resolve));
  });
}

test('a listening net.Server is refused as a listener; one not listening is not running', async () => {
  const server = await listen(() => {});
  const listening = server.server;
  assert.throws(() => peercred.read(listening), { code: 'ENOTCONN', message: LISTENING });
  assert.throws(() => peercred.read(listening._handle.fd), { code: 'ENOTCONN', message: LISTENING });
  assert.throws(() => peercred.read(new net.Server()), { code: 'ERR_SERVER_NOT_RUNNING' });
  await server.close();
});

const READ_FD_3 = `
try {
  require(process.argv[1]).read(3);
  console.log('read a listener as a peer');
} catch (err) {
  console.log(err.code + ' ' + err.message);
}
`;

test('a listener passed as fd 3 across exec (socket activation) is refused', async () => {
  const server = await listen(() => {});
  const child = spawnSync(process.execPath, ['-e', READ_FD_3, packageDir], {
    stdio: ['ignore', 'pipe', 'pipe', server.server._handle.fd],
    encoding: 'utf8',
  });
  await server.close();
  assert.match(child.stdout, /^ENOTCONN .*listening socket/, child.stdout + child.stderr);
});

const TAKES_SERVER = `
process.on('message', (m, server) => {
  let answer;
  try {
    require(process.argv[1]).read(server);
    answer = 'read a listener as a peer';
  } catch (err) {
    answer = err.code + ' ' + err.message;
  }
  process.send(answer, () => process.exit(0));
});
`;

test('a listener handed to a forked child (a pre-fork server) is refused there', async () => {
  const server = await listen(() => {});
  const child = spawn(process.execPath, ['-e', TAKES_SERVER, packageDir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const answer = new Promise((resolve) => child.once('message', resolve));
  child.send('server', server.server);
  assert.match(await answer, /^ENOTCONN .*listening socket/);
  await server.close();
});

test('uidMapping and gidMapping: arguments and answers here', () => {
  const initial = fs.readFileSync('/proc/self/uid_map', 'utf8').trim().split(/\s+/).join(' ') === '0 0 4294967295';
  if (initial) {
    assert.strictEqual(peercred.uidMapping(NOBODY), 'mapped', 'the account, in the initial namespace');
    assert.strictEqual(peercred.gidMapping(NOBODY), 'mapped');
  }
  assert.strictEqual(peercred.uidMapping(4294967295), 'unmapped');
  for (const f of [peercred.uidMapping, peercred.gidMapping]) {
    assert.throws(() => f('0'), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    for (const bad of [-1, 1.5, 2 ** 32, NaN]) assert.throws(() => f(bad), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  }
});

const READ_MAPPED = `
const peercred = require(process.argv[1]);
const cred = peercred.read(3);
console.log(cred.uid, peercred.uidMapping(cred.uid), cred.gid, peercred.gidMapping(cred.gid));
`;

function readInUserNamespace(conn, ...unshareArgs) {
  const done = spawnSync('unshare', ['--user', ...unshareArgs, process.execPath, '-e', READ_MAPPED, packageDir], {
    stdio: ['ignore', 'pipe', 'pipe', conn._handle.fd],
    encoding: 'utf8',
  });
  assert.strictEqual(done.status, 0, done.stderr);
  return done.stdout.trim();
}

test('readers in a user namespace name unmapped peers as such', { skip: !isRoot && 'needs root' }, async () => {
  const root = await acceptClient();
  const nobody = await acceptClient({ uid: NOBODY, gid: NOBODY });
  try {
    assert.strictEqual(readInUserNamespace(root.conn), '65534 unmapped 65534 unmapped');
    assert.strictEqual(readInUserNamespace(root.conn, '--map-root-user'), '0 mapped 0 mapped');
    assert.strictEqual(readInUserNamespace(nobody.conn, '--map-root-user'), '65534 unmapped 65534 unmapped');

    // The overflow uid is the sysctl: at 4242 the kernel reports 4242. Global,
    // so set for as short as possible, and restored even on failure.
    const sysctl = '/proc/sys/kernel/overflowuid';
    const old = fs.readFileSync(sysctl, 'utf8').trim();
    let answer;
    try {
      fs.writeFileSync(sysctl, '4242');
      answer = readInUserNamespace(nobody.conn, '--map-root-user');
    } finally {
      fs.writeFileSync(sysctl, old);
    }
    assert.strictEqual(answer, '4242 unmapped 65534 unmapped');
  } finally {
    await finish(root);
    await finish(nobody);
  }
});
