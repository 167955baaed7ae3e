'use strict';
// Where the caller lives: a host client, a container-like client (new PID,
// mount, network, UTS, IPC and cgroup namespaces), a rootless-like one (a
// user namespace whose root is uid 1000), credentials now, cgroup paths, and
// waiting for the exit through the event loop, then the exit status.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const peercred = require('@peercred/node');
const { isRoot, acceptClient, finish, qemuCannot } = require('./helpers.js');
// NS_GET_OWNER_UID, the owner's only source, is ENOSYS under qemu-user (measured).
const noOwner = qemuCannot('answers NS_GET_OWNER_UID with ENOSYS');

const CONTAINER = ['unshare', '--pid', '--fork', '--mount', '--net', '--uts', '--ipc', '--cgroup'];
const ROOTLESS = ['setpriv', '--reuid=1000', '--regid=1000', '--clear-groups', 'unshare', '--user', '--map-root-user'];
const kernelAtLeast = (major, minor) => {
  const [, a, b] = require('node:os').release().match(/^(\d+)\.(\d+)/).map(Number);
  return a > major || (a === major && b >= minor);
};
// PIDFD_INFO_EXIT (6.15) comes through PIDFD_GET_INFO, which qemu-user answers
// with ENOSYS: there peercred takes the older kernels' path (no status).
const EXIT_STATUS = kernelAtLeast(6, 15) && !process.env.PEERCRED_UNDER_QEMU;
const ID = '4f1c1d3f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5';

test('a host client shares every namespace; its credentials and cgroup now', async () => {
  const client = await acceptClient();
  const peer = peercred.peerProcess(client.conn);
  const own = peercred.ownProcess();
  try {
    const ns = peer.namespaces();
    assert.strictEqual(ns.allShared, true);
    assert.deepStrictEqual(ns.differing, []);
    assert.deepStrictEqual(ns, own.namespaces());
    for (const [kind, id] of Object.entries(ns.ids)) {
      assert.strictEqual(typeof id, 'bigint');
      if (!ns.uniqueIds.includes(kind)) {
        assert.strictEqual(id, BigInt(fs.statSync(`/proc/${client.says.pid}/ns/${kind}`).ino), kind);
      }
    }
    if (!noOwner) assert.strictEqual(peer.userNamespaceOwner(), own.userNamespaceOwner());

    const now = peer.credentials();
    assert.deepStrictEqual(now.uid, { real: process.getuid(), effective: process.geteuid(), saved: process.geteuid(), fs: process.geteuid() });
    assert.strictEqual(now.differsFromConnect, false);
    assert.strictEqual(own.credentials().differsFromConnect, null);
    assert.strictEqual(typeof now.capEffective, 'bigint');

    const cgroup = peer.cgroup();
    assert.deepStrictEqual(cgroup, own.cgroup());
    assert.ok(fs.readFileSync(`/proc/${client.says.pid}/cgroup`, 'utf8').split('\n').includes(`0::${cgroup.path}`));
    assert.strictEqual(typeof peer.cgroupId(), 'bigint');
    if (kernelAtLeast(6, 9)) assert.notStrictEqual(peer.pidfsId(), own.pidfsId());
    assert.strictEqual(peercred.bootId(), fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    if (EXIT_STATUS) assert.strictEqual(peer.exitStatus(), null);
  } finally {
    peer.close();
    own.close();
    await finish(client);
  }
});

test('a container-like client differs in every namespace but user and time', { skip: !isRoot && 'needs root (unshare)' }, async () => {
  const client = await acceptClient({ wrap: CONTAINER });
  const peer = peercred.peerProcess(client.conn);
  try {
    assert.strictEqual(peercred.read(client.conn).uid, 0, 'root in a rootful container is root here');
    const ns = peer.namespaces();
    assert.deepStrictEqual(ns.differing, ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'uts']);
    assert.strictEqual(ns.allShared, false);
  } finally {
    peer.close();
    await finish(client);
  }
});

test('a rootless-like client: its user namespace is owned by 1000, its root is 1000 here', { skip: !isRoot && 'needs root (setpriv)' }, async () => {
  const client = await acceptClient({ wrap: ROOTLESS });
  const peer = peercred.peerProcess(client.conn);
  try {
    const cred = peercred.read(client.conn);
    assert.deepStrictEqual([cred.uid, peercred.uidMapping(cred.uid)], [1000, 'mapped']);
    assert.deepStrictEqual(peer.namespaces().differing, ['user']);
    if (!noOwner) assert.strictEqual(peer.userNamespaceOwner(), 1000);
    const now = peer.credentials();
    assert.strictEqual(now.uid.effective, 1000);
    assert.strictEqual(now.capEffective, now.capBounding, 'every capability, over its own namespace');
  } finally {
    peer.close();
    await finish(client);
  }
});

test('parseCgroup: units, sessions, containers and pods', () => {
  const session = peercred.parseCgroup('/user.slice/user-1000.slice/session-3.scope');
  assert.deepStrictEqual(
    [session.unit, session.slice, session.session, session.ownerUid, session.containerId],
    ['session-3.scope', 'user-1000.slice', '3', 1000, null],
  );
  const pod = peercred.parseCgroup(
    `/kubepods.slice/kubepods-pod0f4c2a6e_8b1d_4c1e_9f0a_2b3c4d5e6f70.slice/cri-containerd-${ID}.scope`,
  );
  assert.deepStrictEqual([pod.containerRuntime, pod.containerId, pod.podUid], ['containerd', ID, '0f4c2a6e-8b1d-4c1e-9f0a-2b3c4d5e6f70']);
  assert.strictEqual(peercred.parseCgroup(Buffer.from(`/system.slice/docker-${ID}.scope`)).containerRuntime, 'docker');
  assert.throws(() => peercred.parseCgroup('/../system.slice'), { code: 'EREMOTE' });
  assert.throws(() => peercred.parseCgroup('relative'), { code: 'ERR_INVALID_ARG_VALUE' });
  assert.throws(() => peercred.parseCgroup(3), { code: 'ERR_INVALID_ARG_TYPE' });
});

test('waitExit resolves through the event loop when the peer exits; then exitStatus', async () => {
  for (const [end, want] of [
    [(child) => child.stdin.end(), { code: 0, signal: null }],
    [(child) => child.kill('SIGTERM'), { code: null, signal: 'SIGTERM' }],
  ]) {
    const client = await acceptClient();
    const peer = peercred.peerProcess(client.conn);
    try {
      const exited = peer.waitExit();
      assert.strictEqual(peer.waitExit(), exited, 'one promise');
      let settled = false;
      exited.then(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 30));
      assert.strictEqual(settled, false, 'still running');
      const reaped = new Promise((resolve) => client.child.on('exit', resolve));
      end(client.child);
      await exited;
      assert.strictEqual(peer.isAlive(), false);
      await reaped; // Node's child_process reaps it
      if (EXIT_STATUS) assert.deepStrictEqual(peer.exitStatus(), want);
    } finally {
      peer.close();
      await finish(client);
    }
  }
});
