'use strict';
// Adopted sockets whose messages were sent before Node had them: a datagram
// queued before SO_PASSCRED (no credentials), and connections handed to a
// process of another uid (the writer is named, SO_PEERCRED names the client).
// Run as `with-senders.py node messages.senders.js`.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const { once } = require('node:events');
const { createUnixDatagramSocket, read } = require('@peercred/node');
const { sendFrom } = require('./helpers.js');

const given = JSON.parse(process.env.PEERCRED_SENDERS);
test.after(() => fs.rmSync(process.env.PEERCRED_SENDERS_DIR, { recursive: true, force: true }));

test('a message queued before the socket passed credentials has none', async () => {
  const { fd, pid, path } = given.queued;
  const socket = createUnixDatagramSocket({ fd });
  const [early, earlyInfo] = await once(socket, 'message');
  assert.strictEqual(Number(early), pid);
  assert.strictEqual(earlyInfo.cred, null);
  assert.strictEqual(earlyInfo.process, null);
  const later = sendFrom(path);
  const [, info] = await once(socket, 'message');
  assert.strictEqual(info.cred.pid, (await later).pid);
  socket.close();
});

test('a sender that exited: credentials delivered, its process refused with ESRCH', async () => {
  const { fd, pid } = given.exited;
  const socket = createUnixDatagramSocket({ fd });
  const [cred, refused] = await new Promise((resolve) => socket.once('message', (msg, info) => {
    try {
      resolve([info.cred, info.process]);
    } catch (err) {
      resolve([info.cred, err]);
    }
  }));
  assert.strictEqual(cred.pid, pid);
  if (refused !== null) assert.deepStrictEqual([refused.code, refused.syscall], ['ESRCH', 'pidfd']);
  socket.close();
});

for (const kind of ['seqpacket', 'stream']) {
  test(`${kind}: the writer is named after the socket changed hands`, async () => {
    const { fd, client, writer, writer_uid: uid } = given[`${kind}-handed-over`];
    assert.strictEqual(read(fd).pid, client, 'SO_PEERCRED names the client');
    const socket = createUnixDatagramSocket({ fd });
    assert.strictEqual(socket.type, kind);
    const ended = once(socket, 'end');
    const closed = once(socket, 'close');
    const [data, info] = await once(socket, 'message');
    assert.strictEqual(Number(data), writer);
    assert.deepStrictEqual(info.cred, { pid: writer, uid, gid: uid });
    await ended; // both gone: the connection ends, without a sender
    await closed;
  });
}
