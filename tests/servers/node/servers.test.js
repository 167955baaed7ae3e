'use strict';
// node:http, http2, express 5, fastify 5, koa 3, hono (node adapter) and
// @grpc/grpc-js serving on Unix sockets in this process, each asked by a
// client under another uid (setpriv) who it is.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const http = require('node:http');
const http2 = require('node:http2');
const os = require('node:os');
const path = require('node:path');
const { execFile } = require('node:child_process');
const { read, connectionProcess, listenGrpc } = require('@peercred/node');

const NOBODY = 65534;
const EXTRA_GROUP = 100;
const isRoot = process.geteuid() === 0;

function openPidfds() {
  let count = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      count += fs.readlinkSync(`/proc/self/fd/${fd}`) === 'anon_inode:[pidfd]';
    } catch {} // the directory's own fd, gone by now
  }
  return count;
}

// Every PeerProcess a handler got, in order: the same object for the requests
// of one connection (a pidfd number alone could be reused by the next one).
const processes = [];
const objectIndex = (peer) => (processes.includes(peer) ? processes : processes.push(peer) && processes).indexOf(peer);

/** What a handler learnt about its caller, from what its framework hands it. */
function answer(from) {
  const cred = read(from);
  const peer = connectionProcess(from);
  return { ...cred, process: { pid: peer.pid, uid: peer.uid(), exe: peer.exe(), object: objectIndex(peer) } };
}

const dirs = [];
test.after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function socketPath() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peercred-servers-'));
  dirs.push(dir);
  fs.chmodSync(dir, 0o755);
  return path.join(dir, 'sock');
}

/** Runs client.js as nobody with one supplementary group; resolves with what it printed. */
function client(sockPath, ...plan) {
  const argv = [process.execPath, path.join(__dirname, 'client.js'), sockPath, ...plan.map(String)];
  const wrapped = isRoot ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, `--groups=${EXTRA_GROUP}`, ...argv] : argv;
  return new Promise((resolve, reject) => {
    execFile(wrapped[0], wrapped.slice(1), { timeout: 30000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`client failed: ${stderr}`));
      else resolve(JSON.parse(stdout));
    });
  });
}

function assertCaller(got, me) {
  assert.deepStrictEqual({ pid: got.pid, uid: got.uid, gid: got.gid }, { pid: me.pid, uid: me.uid, gid: me.gid });
  assert.deepStrictEqual({ pid: got.process.pid, uid: got.process.uid, exe: got.process.exe }, { pid: me.pid, uid: me.uid, exe: me.exe });
  if (isRoot) assert.strictEqual(me.uid, NOBODY);
}

/** Every answer names the client; the requests of one connection share its PeerProcess; all closed with them. */
async function assertConversation(got, { keepalive = 0, fresh = 0, h2 = 0, grpc = 0 }) {
  const { me } = got;
  for (const [step, count] of [['keepalive', keepalive], ['new', fresh], ['h2', h2], ['grpc', grpc]]) {
    assert.strictEqual((got[step] ?? []).length, count, step);
    for (const one of got[step] ?? []) assertCaller(one, me);
  }
  const objects = (step) => (got[step] ?? []).map((a) => a.process.object);
  for (const shared of ['keepalive', 'h2', 'grpc']) assert.ok(new Set(objects(shared)).size <= 1, shared);
  const all = [...new Set(objects('keepalive')), ...objects('new'), ...new Set(objects('h2')), ...new Set(objects('grpc'))];
  assert.strictEqual(new Set(all).size, all.length, 'one PeerProcess per connection');
  // The client has exited: every connection's PeerProcess is closed with it.
  const deadline = Date.now() + 5000;
  while (openPidfds() !== 0) {
    assert.ok(Date.now() < deadline, `${openPidfds()} pidfds still open after the client left`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const listening = (server, sockPath) => new Promise((resolve) => server.listen(sockPath, () => {
  fs.chmodSync(sockPath, 0o666); // for the client under another uid
  resolve(server);
}));
const closing = (server) => new Promise((resolve) => {
  server.closeAllConnections?.();
  server.close(resolve);
});

function sendJson(res, body) {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

test('node:http: read(req)', async () => {
  const sockPath = socketPath();
  const server = await listening(http.createServer((req, res) => sendJson(res, answer(req))), sockPath);
  await assertConversation(await client(sockPath, 'keepalive', 3, 'new', 2), { keepalive: 3, fresh: 2 });
  await closing(server);
});

test('node:http2 (compat API): read(req), one PeerProcess per session', async () => {
  const sockPath = socketPath();
  const server = await listening(http2.createServer((req, res) => sendJson(res, answer(req))), sockPath);
  await assertConversation(await client(sockPath, 'h2', 3), { h2: 3 });
  await closing(server);
});

test('express 5: read(req)', async () => {
  const express = require('express');
  const app = express();
  app.get('/whoami', (req, res) => res.json(answer(req)));
  const sockPath = socketPath();
  const server = await listening(http.createServer(app), sockPath);
  await assertConversation(await client(sockPath, 'keepalive', 2, 'new', 1), { keepalive: 2, fresh: 1 });
  await closing(server);
});

test('fastify 5: read(request.raw)', async () => {
  const app = require('fastify')();
  app.get('/whoami', async (request) => answer(request.raw));
  const sockPath = socketPath();
  await app.listen({ path: sockPath });
  fs.chmodSync(sockPath, 0o666);
  await assertConversation(await client(sockPath, 'keepalive', 2, 'new', 1), { keepalive: 2, fresh: 1 });
  await app.close();
});

test('koa 3: read(ctx.req)', async () => {
  const Koa = require('koa');
  const app = new Koa();
  app.use((ctx) => {
    ctx.body = answer(ctx.req);
  });
  const sockPath = socketPath();
  const server = await listening(http.createServer(app.callback()), sockPath);
  await assertConversation(await client(sockPath, 'keepalive', 2, 'new', 1), { keepalive: 2, fresh: 1 });
  await closing(server);
});

test('hono (node adapter): read(c.env.incoming)', async () => {
  const { Hono } = require('hono');
  const { createAdaptorServer } = require('@hono/node-server');
  const app = new Hono();
  app.get('/whoami', (c) => c.json(answer(c.env.incoming)));
  const sockPath = socketPath();
  const server = await listening(createAdaptorServer({ fetch: app.fetch }), sockPath);
  await assertConversation(await client(sockPath, 'keepalive', 2, 'new', 1), { keepalive: 2, fresh: 1 });
  await closing(server);
});

test('@grpc/grpc-js through listenGrpc(): read(call)', async () => {
  const grpc = require('@grpc/grpc-js');
  const { service } = require('./grpc-service.js');
  const server = new grpc.Server();
  server.addService(service, { whoami: (call, callback) => callback(null, answer(call)) });
  const sockPath = socketPath();
  const listener = await listenGrpc(server, sockPath, grpc.ServerCredentials.createInsecure());
  fs.chmodSync(sockPath, 0o666);
  await assertConversation(await client(sockPath, 'grpc', 3), { grpc: 3 });
  // A call that did not come through listenGrpc() is refused, never guessed.
  assert.throws(() => read({ getPeer: () => '127.0.0.1:4000' }), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => read({ getPeer: () => 'peercred-unix:999999' }), { code: 'ERR_SOCKET_CLOSED' });
  await new Promise((resolve) => listener.close(resolve));
  server.forceShutdown();
});
