'use strict';
// Accepted connections per second of a Node net server, with and without one
// read() per connection; the connections come from a client in another
// process. Alternating rounds. Usage: BENCH_MODULES=... node server_throughput.js
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { ours, emit } = require('./common.js');

const ROUNDS = 6;
const CONNECTIONS = 20000;
const CONCURRENCY = 32;

// Opens CONNECTIONS connections, CONCURRENCY at a time, each waiting for the
// server to close it; prints the elapsed milliseconds.
const CLIENT = `
const net = require('node:net');
let started = 0, done = 0;
const t0 = process.hrtime.bigint();
function one() {
  if (started === ${CONNECTIONS}) return;
  started++;
  net.connect(process.argv[1]).on('close', () => {
    if (++done === ${CONNECTIONS}) console.log(Number(process.hrtime.bigint() - t0) / 1e6);
    else one();
  }).on('error', (e) => { console.error(e); process.exit(1); }).resume();
}
for (let i = 0; i < ${CONCURRENCY}; i++) one();
`;

async function round(withRead) {
  const sockPath = path.join(os.tmpdir(), `peercred-tp-${process.pid}.sock`);
  // Time spent inside the timed block: read() with the check, nothing without
  // it (the timer's own cost, which the report subtracts).
  let inCheck = 0n;
  const srv = net.createServer((conn) => {
    const start = process.hrtime.bigint();
    if (withRead) ours.read(conn);
    inCheck += process.hrtime.bigint() - start;
    conn.end();
  });
  await new Promise((resolve) => srv.listen(sockPath, resolve));
  const cpu = process.cpuUsage();
  const client = spawn(process.execPath, ['-e', CLIENT, sockPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  client.stdout.on('data', (d) => (out += d));
  await new Promise((resolve) => client.on('exit', resolve));
  const used = process.cpuUsage(cpu);
  await new Promise((resolve) => srv.close(resolve));
  return {
    perSecond: CONNECTIONS / (Number(out) / 1000),
    cpuUs: (used.user + used.system) / CONNECTIONS,
    checkUs: Number(inCheck) / 1000 / CONNECTIONS,
  };
}

async function main() {
  for (let i = 0; i < ROUNDS; i++) {
    // ABBA order, so that drift during the run does not favour either mode.
    for (const withRead of i % 2 ? [true, false] : [false, true]) {
      const { perSecond, cpuUs, checkUs } = await round(withRead);
      const name = `net server, ${withRead ? 'one read() per connection' : 'no read'}`;
      emit({ name, round: i, conn_per_s: Math.round(perSecond), cpu_us_per_conn: Number(cpuUs.toFixed(2)), check_us_per_conn: Number(checkUs.toFixed(3)) });
    }
  }
}

main();
