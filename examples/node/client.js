'use strict';
// Connects to the demo server and prints who it is next to the server's reply,
// as one JSON line (the demo protocol of CONTRIBUTING.md). Usage: node client.js SOCKET_PATH
const net = require('node:net');

const [sockPath] = process.argv.slice(2);
let reply = '';
net
  .connect(sockPath)
  .setEncoding('utf8')
  .on('data', (chunk) => {
    reply += chunk;
  })
  .on('end', () => {
    const line = reply.split('\n')[0];
    console.log(JSON.stringify({ pid: process.pid, uid: process.geteuid(), gid: process.getegid(), reply: line }));
  })
  .on('error', (err) => {
    console.error(`client: ${err.message}`);
    process.exit(1);
  });
