'use strict';
// The shell approach of the keyrack design note (seed 000): readlink of the
// socket's /proc fd, then `ss -xp | grep INODE`, parsing the first pid=. Timed
// with 10 and with 4,000 unrelated connected Unix sockets open, each call on a
// connection from a different client process, next to read(): ms per call and
// how often each names the wrong pid. Usage: BENCH_MODULES=... node ss.js [CONNECTIONS]
const { execSync, spawn } = require('node:child_process');
const { ours, emit, server } = require('./common.js');

const CONNECTIONS = Number(process.argv[2] ?? 20);

// Exactly the design note's code (with /proc/PID, as /proc/self would be the shell's).
function ssPeerPid(socket) {
  const fd = socket._handle.fd;
  const inode = execSync(`readlink /proc/${process.pid}/fd/${fd}`).toString().match(/\d+/)?.[0];
  if (!inode) throw new Error('failed to get socket inode');
  const ssOutput = execSync(`ss -xp | grep ${inode}`).toString();
  const pidMatch = ssOutput.match(/pid=(\d+)/);
  if (!pidMatch) throw new Error('failed to get peer pid from ss');
  return parseInt(pidMatch[1], 10);
}

/** Holds `count` unrelated connected Unix sockets open in another process. */
function holdSockets(count) {
  const script = `import socket,sys; p=[socket.socketpair() for _ in range(${count / 2})]; print('ready', flush=True); sys.stdin.read()`;
  const holder = spawn('python3', ['-c', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve) => holder.stdout.once('data', () => resolve(holder)));
}

async function main() {
  for (const open of [10, 4000]) {
    const holder = await holdSockets(open);
    const srv = await server();
    const results = { ss: { ms: 0, wrong: 0 }, read: { ms: 0, wrong: 0 } };
    for (let i = 0; i < CONNECTIONS; i++) {
      const { conn, child, pid } = await srv.next();
      for (const [name, call] of [['ss', ssPeerPid], ['read', (s) => ours.read(s).pid]]) {
        const start = process.hrtime.bigint();
        let got;
        try {
          got = call(conn);
        } catch {
          got = null;
        }
        results[name].ms += Number(process.hrtime.bigint() - start) / 1e6;
        if (got !== pid) results[name].wrong++;
      }
      child.stdin.end();
      conn.destroy();
    }
    srv.close();
    holder.stdin.end();
    for (const [name, label] of [['ss', 'readlink + ss -xp | grep (seed 000)'], ['read', '@peercred/node read(socket)']]) {
      const { ms, wrong } = results[name];
      emit({ name: `${label}, ${open} sockets open`, ms: Number((ms / CONNECTIONS).toFixed(3)), wrong, calls: CONNECTIONS });
    }
  }
}

main();
