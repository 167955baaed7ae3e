'use strict';
// Connects to a server of its own and reads its accepted socket `reads` times:
// every answer must be this process.
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { parentPort, workerData, threadId } = require('node:worker_threads');
const { read } = require('@peercred/node');

const sockPath = path.join(os.tmpdir(), `peercred-w-${process.pid}-${threadId}.sock`);
const server = net.createServer((conn) => {
  let wrong = 0;
  for (let i = 0; i < workerData.reads; i++) {
    const cred = read(conn);
    if (cred.pid !== process.pid || cred.uid !== process.geteuid() || cred.gid !== process.getegid()) wrong++;
  }
  conn.destroy();
  client.destroy();
  server.close();
  parentPort.postMessage({ reads: workerData.reads, wrong });
});
let client;
server.listen(sockPath, () => {
  client = net.connect(sockPath);
});
