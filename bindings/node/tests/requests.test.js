'use strict';
// read() and peerProcess() of what HTTP servers hand a handler, and
// connectionProcess(): one PeerProcess per connection, closed with it.
// (The frameworks themselves run in tests/servers/node.)
const test = require('node:test');
const assert = require('node:assert');
const http = require('node:http');
const { read, peerProcess, connectionProcess } = require('@peercred/node');
const { acceptClient, finish } = require('./helpers.js');

test('read(req) is read(req.socket); connectionProcess(req) is per connection', async () => {
  const peer = await acceptClient();
  const req = new http.IncomingMessage(peer.conn);
  const cred = read(req);
  assert.deepStrictEqual(cred, { pid: peer.says.pid, uid: peer.says.uid, gid: peer.says.gid });
  assert.deepStrictEqual(read(req), read(peer.conn));
  const process = connectionProcess(req);
  assert.strictEqual(connectionProcess(new http.IncomingMessage(peer.conn)), process);
  assert.strictEqual(connectionProcess(peer.conn), process);
  const own = peerProcess(req);
  assert.notStrictEqual(own, process);
  assert.strictEqual(own.pid, peer.says.pid);
  own.close();
  const closed = new Promise((resolve) => peer.conn.once('close', resolve));
  await finish(peer);
  await closed;
  assert.ok(process.closed, 'closed with its connection');
  assert.throws(() => connectionProcess(req), { code: 'ERR_SOCKET_CLOSED' });
  assert.throws(() => read(req), { code: 'ERR_SOCKET_CLOSED' });
});

test('a request detached from its connection', () => {
  const req = new http.IncomingMessage(null);
  assert.throws(() => read(req), { code: 'ERR_SOCKET_CLOSED' });
  assert.throws(() => connectionProcess(req), { code: 'ERR_SOCKET_CLOSED' });
});

test('connectionProcess refuses what has no close event', () => {
  for (const value of [3, '3', null, undefined, {}, { _handle: null }]) {
    assert.throws(() => connectionProcess(value), { name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }, String(value));
  }
  assert.throws(() => read({}), /net\.Socket, http\.IncomingMessage or http2\.Http2ServerRequest/);
});
