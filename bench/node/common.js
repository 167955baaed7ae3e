'use strict';
// Shared by the Node benchmarks: loading the packages under test, accepted
// connections from clients in other processes, and the JSON output.
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');

// make bench installs @peercred/node and peercred@1.1.2 into BENCH_MODULES.
const modules = process.env.BENCH_MODULES;
const ours = require(path.join(modules, '@peercred', 'node'));
const loadOld = () => require(path.join(modules, 'peercred'));

const emit = (record) => process.stdout.write(`${JSON.stringify({ lang: 'node', ...record })}\n`);

// A client that connects, reports its pid and stays until its stdin closes.
const CLIENT = `const s = require('node:net').connect(process.argv[1], () => process.stdout.write(process.pid + '\\n'));
process.stdin.on('end', () => s.destroy()).resume();`;

/** A listening server; `next()` resolves with the next accepted connection and its client. */
async function server() {
  const sockPath = path.join(os.tmpdir(), `peercred-bench-${process.pid}-${Math.random().toString(36).slice(2)}.sock`);
  const waiting = [];
  const srv = net.createServer((conn) => waiting.shift()(conn));
  await new Promise((resolve) => srv.listen(sockPath, resolve));
  return {
    async next() {
      const accepted = new Promise((resolve) => waiting.push(resolve));
      const child = spawn(process.execPath, ['-e', CLIENT, sockPath], { stdio: ['pipe', 'pipe', 'inherit'] });
      const pid = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(Number(d))));
      return { conn: await accepted, child, pid };
    },
    close: () => srv.close(),
  };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

module.exports = { ours, loadOld, emit, server, median };
