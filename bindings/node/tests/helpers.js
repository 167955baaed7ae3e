'use strict';
// Shared by the Node tests: the case table, a listener, and client processes.
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

const REPO = process.env.PEERCRED_REPO;
const cases = JSON.parse(fs.readFileSync(path.join(REPO, 'tests', 'cases.json'), 'utf8'));
const NOBODY = 65534;
const isRoot = process.geteuid() === 0;
// make test-node-arm64 runs this suite with a real arm64 node under qemu-user
// and names qemu in PEERCRED_UNDER_QEMU: what qemu cannot emulate is skipped
// there only, with the reason. qemuCannot(what) is that reason, or false.
const UNDER_QEMU = process.env.PEERCRED_UNDER_QEMU;
const qemuCannot = (what) => Boolean(UNDER_QEMU) && `${UNDER_QEMU} ${what}`;
// What is the same on every target and costs minutes under qemu (the stress
// loops): the host's run checks it. hostOnly(what) is the skip reason, or false.
const hostOnly = (what) => Boolean(UNDER_QEMU) && `${what}: the host's run checks it, not ${UNDER_QEMU}`;

/** A Unix-socket server in a folder that a client under another uid can reach. */
async function listen(onConnection, serverOptions = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peercred-node-'));
  fs.chmodSync(dir, 0o755);
  const sockPath = path.join(dir, 'sock');
  const server = net.createServer(serverOptions, onConnection);
  await new Promise((resolve) => server.listen(sockPath, resolve));
  fs.chmodSync(sockPath, 0o666);
  return {
    path: sockPath,
    server,
    close: () => new Promise((resolve) => server.close(() => {
      fs.rmSync(dir, { recursive: true, force: true });
      resolve();
    })),
  };
}

// The client reports who it is, then stays connected until its stdin closes.
const CLIENT = `
const net = require('node:net');
const fs = require('node:fs');
const stat = fs.readFileSync('/proc/self/stat', 'utf8').split(')').pop().trim().split(/ +/);
const s = net.connect(process.argv[1], () => {
  process.stdout.write(JSON.stringify({
    pid: process.pid, ppid: process.ppid, uid: process.geteuid(), gid: process.getegid(),
    exe: fs.readlinkSync('/proc/self/exe'),
    cmdline: fs.readFileSync('/proc/self/cmdline', 'latin1').split('\\0').slice(0, -1),
    session: Number(fs.readFileSync('/proc/self/sessionid', 'utf8')), start: Number(stat[19]),
  }) + '\\n');
});
process.stdin.on('end', () => s.destroy()).resume();
`;

/**
 * Starts a client in another process connected to `sockPath`; resolves with
 * { child, says } once it has reported who it is. Options: uid, gid, and
 * `wrap`, a command prefix such as setpriv to set supplementary groups.
 */
function startClient(sockPath, { wrap = [], ...options } = {}) {
  const argv = [...wrap, process.execPath, '-e', CLIENT, sockPath];
  const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'], ...options });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) resolve({ child, says: JSON.parse(text) });
    });
    child.on('exit', (code) => reject(new Error(`client exited ${code} before reporting`)));
  });
}

/** Accepts one connection from a new client process; resolves with { conn, child, says, server }. */
async function acceptClient(options) {
  let accepted;
  const connection = new Promise((resolve) => {
    accepted = resolve;
  });
  const server = await listen((conn) => accepted(conn));
  const { child, says } = await startClient(server.path, options);
  return { conn: await connection, child, says, server };
}

async function finish({ conn, child, server }) {
  const exited = new Promise((resolve) => child.exitCode !== null || child.signalCode !== null ? resolve() : child.on('exit', resolve));
  child.stdin.end();
  conn.destroy();
  await exited;
  await server.close();
}

const openFds = () => fs.readdirSync('/proc/self/fd').length;

const SENDER = path.join(REPO, 'tests', 'sender.py');
// Executable by the other uid, unlike a Python under /root.
const PYTHON = '/usr/bin/python3';

/**
 * tests/sender.py dgram TARGET ARGS in another process (as `uid`:`uid` when
 * given, after the `wrap` command prefix); resolves once it exited with what it
 * said of itself ({pid, uid, gid}), its exit code and its last line. With
 * `held`, a promise that keeps the sender alive until it settles.
 */
function sendFrom(target, { args = [], uid, wrap = [], held } = {}) {
  const argv = [...wrap, PYTHON, SENDER, 'dgram', target, ...args, ...(held ? ['--hold'] : [])];
  const ids = uid === undefined ? {} : { uid, gid: uid };
  const child = spawn(argv[0], argv.slice(1), { stdio: [held ? 'pipe' : 'ignore', 'pipe', 'inherit'], ...ids });
  held?.finally(() => child.stdin.end());
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = text.trim().split('\n').map((line) => JSON.parse(line));
      resolve({ ...lines[0], code, last: lines.at(-1) });
    });
  });
}

/** A temporary folder that other uids can reach; remove() deletes it. */
function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peercred-node-'));
  fs.chmodSync(dir, 0o755);
  return { path: (name) => path.join(dir, name), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The descriptor of a tests/cases.json fixture: with-fixtures.py hands most
 * in (PEERCRED_FIXTURES); the closed and negative numbers are made here, since
 * Node would reuse a closed number at startup.
 */
function fixture(name) {
  if (name === 'closed-fd') {
    const fd = fs.openSync('/dev/null', 'r');
    fs.closeSync(fd);
    return fd;
  }
  if (name === 'negative-fd') return -1;
  const { fds: given = {} } = JSON.parse(process.env.PEERCRED_FIXTURES ?? '{}');
  if (!(name in given)) throw new Error(`with-fixtures.py did not provide ${name}`);
  return given[name];
}

module.exports = { cases, NOBODY, isRoot, qemuCannot, hostOnly, listen, startClient, acceptClient, finish, openFds, sendFrom, tempDir, fixture };
