'use strict';
// tests/cases.json's "messages" rows from Node: adopting each fixture with
// createUnixDatagramSocket({ fd }) succeeds where pass_credentials() does and
// fails with its exact error otherwise, leaving the descriptor open.
// Run as `with-fixtures.py node messages.fixtures.js`.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const { createUnixDatagramSocket } = require('@peercred/node');
const { cases, fixture } = require('./helpers.js');

const overrides = cases.overrides.node;

const isOpen = (fd) => {
  try {
    fs.fstatSync(fd);
    return true;
  } catch {
    return false;
  }
};

// Node adopts what pass_credentials() accepts and a non-blocking receive
// would not refuse (EAGAIN: nothing queued yet); the first failing step names
// its system call.
function expected(row) {
  if (row.pass_credentials !== 'ok') return { ...row.pass_credentials, syscall: 'setsockopt' };
  if (row.recv.errno !== 'EAGAIN') return { ...row.recv, syscall: 'recvmsg' };
  return 'ok';
}

for (const row of cases.messages) {
  const name = row.socket;
  const expect = expected(row);
  test(name, async () => {
    const fd = fixture(name);
    if (name in overrides) {
      assert.throws(() => createUnixDatagramSocket({ fd }), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
      return;
    }
    if (expect === 'ok') {
      const socket = createUnixDatagramSocket({ fd });
      let ended = false;
      socket.on('message', () => assert.fail('no message is queued'));
      socket.on('error', (err) => assert.fail(err));
      socket.on('end', () => { ended = true; }); // a connection whose other end with-fixtures.py closed
      const closed = new Promise((resolve) => socket.once('close', resolve));
      await new Promise((resolve) => setImmediate(resolve));
      if (!ended) socket.close();
      await closed;
      assert.ok(!isOpen(fd), 'close() closes the adopted descriptor');
      return;
    }
    const wasOpen = isOpen(fd);
    assert.throws(() => createUnixDatagramSocket({ fd }), (err) => {
      assert.strictEqual(err.code, expect.errno);
      assert.strictEqual(err.errno, -os.constants.errno[expect.errno]);
      assert.strictEqual(err.syscall, expect.syscall);
      assert.ok(err.message.includes(expect.message), err.message);
      return true;
    });
    assert.strictEqual(isOpen(fd), wasOpen, 'a refused descriptor is left as it was');
  });
}
