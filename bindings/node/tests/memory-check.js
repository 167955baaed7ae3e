'use strict';
// Run with --expose-gc: a million reads on a connection from another process,
// then resident memory growth.
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { read } = require('@peercred/node');

const sockPath = path.join(os.tmpdir(), `peercred-m-${process.pid}.sock`);
const server = net.createServer((conn) => {
  for (let i = 0; i < 10_000; i++) read(conn);
  global.gc();
  const before = process.memoryUsage().rss;
  for (let i = 0; i < 1_000_000; i++) read(conn);
  global.gc();
  const grownKiB = Math.round((process.memoryUsage().rss - before) / 1024);
  process.stdout.write(JSON.stringify({ grownKiB }));
  conn.destroy();
  client.kill();
  server.close();
});
let client;
server.listen(sockPath, () => {
  client = spawn(process.execPath, ['-e', `require('node:net').connect(${JSON.stringify(sockPath)}); setInterval(() => {}, 1000)`]);
});
