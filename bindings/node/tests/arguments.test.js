'use strict';
// The argument rules of cases.json's arguments.node, for every function.
const test = require('node:test');
const assert = require('node:assert');
const net = require('node:net');
const peercred = require('@peercred/node');
const { cases, listen, acceptClient, finish } = require('./helpers.js');

const FUNCTIONS = ['read', 'groups', 'securityLabel', 'pidfd', 'peerProcess'];
const VALUES = {
  string: () => '/run/sock',
  object: () => ({}),
  undefined: () => undefined,
  NaN: () => NaN,
  '1.5': () => 1.5,
  '-1': () => -1,
  '2**32': () => 2 ** 32,
  'socket-without-handle': () => new net.Socket(),
  // A listening socket is refused by the core, as every listening socket is.
  'net-server-not-listening': () => new net.Server(),
};

for (const { arg, error, code } of cases.arguments.node) {
  test(`${arg} -> ${error} ${code}`, async () => {
    let value;
    let peer;
    let server;
    if (arg === 'destroyed-socket') {
      peer = await acceptClient();
      peer.conn.destroy();
      value = peer.conn;
    } else if (arg === 'listening-net-server') {
      server = await listen(() => {});
      value = server.server;
    } else {
      value = VALUES[arg]();
    }
    for (const name of FUNCTIONS) {
      assert.throws(() => peercred[name](value), (err) => err.constructor.name === error && err.code === code, name);
    }
    if (peer) await finish(peer);
    if (server) await server.close();
  });
}

test('a destroyed socket is ERR_SOCKET_CLOSED even when its number now names another live socket', async () => {
  const peer = await acceptClient();
  const number = peer.conn._handle.fd;
  peer.conn.destroy();
  const other = net.connect(peer.server.path); // takes the lowest free number: the one just freed
  try {
    assert.strictEqual(other._handle.fd, number, 'the kernel reuses the lowest free number');
    assert.throws(() => peercred.read(peer.conn), { code: 'ERR_SOCKET_CLOSED' });
    // The number now names our own connecting socket, whose credentials name us.
    assert.throws(() => peercred.read(number), { code: 'ENOTCONN', message: /this process itself/ });
  } finally {
    other.destroy();
    await finish(peer);
  }
});
