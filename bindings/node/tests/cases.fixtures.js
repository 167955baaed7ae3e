'use strict';
// Every row of tests/cases.json from Node, with its exact code, errno and message.
// Run as `with-fixtures.py node cases.fixtures.js` (not by node --test: it needs
// the sockets Node cannot make, which with-fixtures.py hands in).
const test = require('node:test');
const assert = require('node:assert');
const os = require('node:os');
const { read } = require('@peercred/node');
const { cases, fixture } = require('./helpers.js');

const { peers = {} } = JSON.parse(process.env.PEERCRED_FIXTURES ?? '{}');
const overrides = cases.overrides.node;

for (const { socket: name, expect } of cases.semantics) {
  test(name, () => {
    const fd = fixture(name);
    if (name in overrides) {
      assert.throws(() => read(fd), { name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
      return;
    }
    if (expect.cred === 'peer') {
      assert.deepStrictEqual(read(fd), { pid: peers[name], uid: process.geteuid(), gid: process.getegid() });
      return;
    }
    assert.throws(() => read(fd), (err) => {
      assert.strictEqual(err.code, expect.errno);
      assert.strictEqual(err.errno, -os.constants.errno[expect.errno]);
      assert.strictEqual(err.syscall, 'getsockopt');
      assert.ok(err.message.includes(expect.message), err.message);
      return true;
    });
  });
}
