'use strict';
// The load generator of the framework benchmarks (Node and Python servers
// alike): GET /whoami REQUESTS times over a Unix socket, CONCURRENCY at a time,
// on kept-alive connections or on a new connection per request; prints the
// elapsed milliseconds. Usage: node http_load.js SOCKET keepalive|new REQUESTS CONCURRENCY
const http = require('node:http');

const [sockPath, mode, requests, concurrency] = process.argv.slice(2);
const total = Number(requests);
const agent = mode === 'keepalive' ? new http.Agent({ keepAlive: true, maxSockets: Number(concurrency) }) : false;

let started = 0;
let done = 0;
const t0 = process.hrtime.bigint();

function one() {
  if (started === total) return;
  started++;
  http.get({ socketPath: sockPath, path: '/whoami', agent }, (res) => {
    if (res.statusCode !== 200) {
      console.error(`status ${res.statusCode}`);
      process.exit(1);
    }
    res.resume().on('end', () => {
      if (++done === total) {
        console.log(Number(process.hrtime.bigint() - t0) / 1e6);
        if (agent) agent.destroy();
      } else one();
    });
  }).on('error', (err) => {
    console.error(err);
    process.exit(1);
  });
}

for (let i = 0; i < Number(concurrency); i++) one();
