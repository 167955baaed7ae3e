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

module.exports = { cases, NOBODY, isRoot, qemuCannot, listen, startClient, acceptClient, finish, openFds };
