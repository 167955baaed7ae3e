'use strict';
// Requests per second of a fastify server on a Unix socket, with and without
// the caller's identity (read(request.raw) in the handler), on kept-alive
// connections and with a new connection per request. The load comes from
// http_load.js in another process; ABBA rounds.
// Usage: BENCH_MODULES=... SERVERS_MODULES=... node framework_throughput.js
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { ours, emit } = require('./common.js');

const fastify = require(path.join(process.env.SERVERS_MODULES, 'fastify'));
const ROUNDS = 4;
const LOAD = { keepalive: 20000, new: 5000 };
const CONCURRENCY = 8;

function load(sockPath, mode) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [path.join(__dirname, 'http_load.js'), sockPath, mode, LOAD[mode], CONCURRENCY],
      (err, stdout) => (err ? reject(err) : resolve(LOAD[mode] / (Number(stdout) / 1000))));
  });
}

async function server(identity) {
  const app = fastify();
  app.get('/whoami', identity ? async (request) => ours.read(request.raw) : async () => ({ pid: null, uid: 0, gid: 0 }));
  const sockPath = path.join(os.tmpdir(), `peercred-fw-${process.pid}-${identity}.sock`);
  fs.rmSync(sockPath, { force: true });
  await app.listen({ path: sockPath });
  return { app, sockPath };
}

async function main() {
  const servers = { false: await server(false), true: await server(true) };
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ['keepalive', 'new']) {
      // ABBA order, so that drift during the run does not favour either side.
      for (const identity of round % 2 ? [true, false] : [false, true]) {
        const perSecond = await load(servers[identity].sockPath, mode);
        emit({ framework: 'fastify 5', mode, identity, round, req_per_s: Math.round(perSecond) });
      }
    }
  }
  await Promise.all(Object.values(servers).map(({ app }) => app.close()));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
