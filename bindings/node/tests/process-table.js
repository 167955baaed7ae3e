'use strict';
// tests/cases.json's "process" rows through peerProcess(): a socket whose
// other end tests/process_peers.py puts in each state, checked against the
// column of the kernel this runs on (SO_PEERPIDFD, the sock_diag fallback
// under tests/old-kernel/as-old-kernel, or neither with --no-pidfd-open).
// Run by process.test.js, as pid 1 of a PID namespace of its own when root
// (pid-reused steers pids there); prints each mismatch and exits 1.
// With --describe-fd3 it is the unprivileged reader of the other-uid row.
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { spawn, spawnSync } = require('node:child_process');
const peercred = require('@peercred/node');

const REPO = process.env.PEERCRED_REPO;
const NOBODY = 65534;

function column() {
  const old = process.env.PEERCRED_AS_OLD_KERNEL;
  if (old === undefined) return 'SO_PEERPIDFD';
  return old === 'no-pidfd-open' ? 'no pidfd_open' : 'sock_diag';
}

/** The answer as the table writes it; refusing the fallback answers as the kernel does. */
function describe(conn) {
  let got;
  try {
    const process = peercred.peerProcess(conn);
    got = { source: process.source, alive: process.isAlive(), pid: process.pid };
    process.close();
  } catch (err) {
    return { errno: err.code, message: err.message };
  }
  let refused = null;
  try {
    peercred.peerProcess(conn, { fallback: false }).close();
  } catch (err) {
    refused = err;
  }
  if (got.source === 'sock_diag') {
    if (refused?.code !== 'ENOPROTOOPT' || !refused.message.includes('refused')) throw new Error(`fallback: false gave ${refused}`);
  } else if (refused !== null) {
    throw refused;
  }
  return got;
}

/** describe() as uid and gid 65534, without privileges: this script again, under setpriv
 * (spawnSync takes the socket's descriptor number, not the socket). */
function describeAsNobody(conn) {
  const run = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups',
    process.execPath, __filename, '--describe-fd3'], { stdio: ['ignore', 'pipe', 'inherit', conn._handle.fd], encoding: 'utf8' });
  return JSON.parse(run.stdout);
}

async function answerFor(peer) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peercred-node-'));
  fs.chmodSync(dir, 0o755);
  const sockPath = path.join(dir, 's');
  const connects = peer.startsWith('listener');
  let server = null;
  const accepted = connects ? null : new Promise((resolve) => {
    server = net.createServer({ pauseOnConnect: true }, resolve);
  });
  if (server) {
    await new Promise((resolve) => server.listen(sockPath, resolve));
    fs.chmodSync(sockPath, 0o666);
  }
  const helper = spawn('python3', [path.join(REPO, 'tests', 'process_peers.py'), peer, sockPath],
    { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: helper.stdout });
  const firstLine = new Promise((resolve) => lines.once('line', resolve));
  try {
    let conn = connects ? null : await accepted;
    const said = JSON.parse(await firstLine);
    if ('skip' in said) {
      console.log(`skipped process row ${peer}: ${said.skip}`);
      conn?.destroy();
      return null;
    }
    if (connects) {
      conn = net.connect(sockPath);
      await new Promise((resolve) => conn.once('connect', resolve));
      if (peer === 'listener-accepted') await new Promise((resolve) => conn.once('data', resolve));
      if (peer === 'listener-accepted-and-closed') await new Promise((resolve) => conn.once('end', resolve).resume());
    }
    const got = peer === 'other-uid' ? describeAsNobody(conn) : describe(conn);
    conn.destroy();
    return { got, peerPid: said.pid };
  } finally {
    helper.stdin.end();
    await new Promise((resolve) => helper.once('exit', resolve));
    if (server) await new Promise((resolve) => server.close(resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const cases = JSON.parse(fs.readFileSync(path.join(REPO, 'tests', 'cases.json'), 'utf8'));
  let failed = 0;
  for (const row of cases.process) {
    const answered = await answerFor(row.peer);
    if (answered === null) continue;
    const { got, peerPid } = answered;
    const want = row[column()];
    const ok = 'errno' in want
      ? got.errno === want.errno && got.message?.includes(want.message)
      : JSON.stringify(got) === JSON.stringify({ source: want.source, alive: want.alive, pid: peerPid });
    if (!ok) {
      failed++;
      console.log(`process table, ${row.peer} (${column()}): got ${JSON.stringify(got)}, want ${JSON.stringify(want)} (peer pid ${peerPid})`);
    }
  }
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[2] === '--describe-fd3') {
  process.stdout.write(JSON.stringify(describe(3)));
} else {
  main();
}
