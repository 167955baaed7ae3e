'use strict';
// ns per call of @peercred/node read(socket) and read(fd), next to peercred
// 1.1.2 from npm, on one accepted socket whose peer is another process, in
// alternating rounds. Usage: BENCH_MODULES=... node bench.js [CALLS_PER_ROUND]
const { ours, loadOld, emit, server } = require('./common.js');

const ROUNDS = 7;
const CALLS = Number(process.argv[2] ?? 300000);

// CPU time of this process (user + system, us): other programs on a shared
// machine do not count. Node 20 has no per-thread figure; during the loop the
// other threads of the process are idle.
function time(call, arg, calls = CALLS) {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) call(arg);
  const spent = process.cpuUsage(start);
  return ((spent.user + spent.system) * 1000) / calls;
}

/** The peer process, then whether it runs the file `exe` (which it does). */
function peerRuns([conn, exe]) {
  const peer = ours.peerProcess(conn);
  try {
    if (!peer.exeMatches(exe)) throw new Error('the peer does not run its own executable');
  } finally {
    peer.close();
  }
}

async function main() {
  const old = loadOld();
  const srv = await server();
  const { conn, child, pid } = await srv.next();
  const fd = conn._handle.fd;
  const theirs = old.fromSock(conn);
  const mine = ours.read(conn);
  emit({ name: 'note', text: `get-peercred 1.0.0 and unix-socket-credentials 0.1.3 no longer build on Node ${process.versions.node.split('.')[0]}` });
  emit({ name: 'note', text: `client pid ${pid} uid ${mine.uid} gid ${mine.gid}: @peercred/node says ${JSON.stringify(mine)}, peercred 1.1.2 says ${JSON.stringify(theirs)}` });
  const contestants = [
    ['@peercred/node read(socket)', ours.read, conn],
    ['@peercred/node read(fd)', ours.read, fd],
    ['peercred 1.1.2 fromSock(socket)', old.fromSock, conn],
  ];
  const exe = require('node:fs').readlinkSync(`/proc/${pid}/exe`);
  contestants.push(['@peercred/node peerProcess(socket) + exeMatches + close', peerRuns, [conn, exe], CALLS / 50]);
  const held = ours.peerProcess(conn); // where it lives, on a process held for the run
  contestants.push(['@peercred/node held.namespaces()', (peer) => peer.namespaces(), held, CALLS / 50]);
  contestants.push(['@peercred/node held.cgroup().unit', (peer) => peer.cgroup().unit, held, CALLS / 50]);
  for (const [, call, arg, calls] of contestants) time(call, arg, calls); // warm up
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, call, arg, calls] of contestants) emit({ name, round, ns: Number(time(call, arg, calls).toFixed(1)) });
  }
  held.close();
  child.stdin.end();
  conn.destroy();
  srv.close();
}

main();
