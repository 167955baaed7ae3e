'use strict';
// Opens and closes Unix sockets, so descriptor numbers keep being reused
// while other threads read.
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { parentPort, workerData, threadId } = require('node:worker_threads');

const sockPath = path.join(os.tmpdir(), `peercred-c-${process.pid}-${threadId}.sock`);
const server = net.createServer((conn) => conn.destroy());
let left = workerData.sockets;
function next() {
  if (left-- === 0) {
    server.close();
    parentPort.postMessage('done');
    return;
  }
  net.connect(sockPath).on('connect', function () {
    this.destroy();
    next();
  });
}
server.listen(sockPath, next);
