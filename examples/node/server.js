'use strict';
// A Unix-socket daemon that admits only its own user and root, deciding with
// @peercred/node on each connection (the demo protocol of CONTRIBUTING.md).
// Each caller and each refusal is logged with its reason.
// Usage: node server.js SOCKET_PATH
const fs = require('node:fs');
const net = require('node:net');
const { read } = require('@peercred/node');

const [sockPath] = process.argv.slice(2);
if (!sockPath) {
  console.error('usage: node server.js SOCKET_PATH');
  process.exit(2);
}

function decide(socket) {
  let cred;
  try {
    cred = read(socket);
  } catch (err) {
    return `deny reason=${err.message}`;
  }
  const ids = `pid=${cred.pid ?? 0} uid=${cred.uid} gid=${cred.gid}`;
  const me = process.geteuid();
  if (cred.uid === me || cred.uid === 0) return `allow ${ids}`;
  return `deny ${ids} reason=uid ${cred.uid} is neither ${me} nor root`;
}

const server = net.createServer((socket) => {
  const line = decide(socket);
  console.error(`server: ${line}`);
  socket.end(`${line}\n`);
});

function start() {
  server.listen(sockPath, () => fs.chmodSync(sockPath, 0o666)); // peercred decides, not the file mode
}

// Replace a stale socket file, but never a live server's.
server.on('error', (err) => {
  if (err.code !== 'EADDRINUSE') throw err;
  const probe = net.connect(sockPath);
  probe.on('connect', () => {
    console.error(`server: another server is live on ${sockPath}`);
    process.exit(1);
  });
  probe.on('error', () => {
    fs.unlinkSync(sockPath);
    start();
  });
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0))); // close() removes the socket file
}
start();
