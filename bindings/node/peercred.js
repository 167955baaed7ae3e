'use strict';
// The public API of @peercred/node: argument rules and Node-style errors here,
// everything else in the native binding (src/), whose semantics are the core
// crate's. See index.d.ts for the documentation of each function.

const net = require('node:net');
const { getSystemErrorName } = require('node:util');
const { binding: native, forThisPlatform } = require('./native.js');

const MAX_FD = 2147483647;
// libuv names every errno the core returns except EREMOTE (the peer's pid is
// not visible from our PID namespace); 66 on every Linux architecture.
const EREMOTE = 66;

function describe(value) {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an instance of ${value.constructor?.name ?? 'Object'}`;
  return `type ${typeof value} (${String(value).slice(0, 30)})`;
}

// A handle's fd is a native accessor (about 0.1 us); it never changes while the
// handle lives, and Node drops the handle from a socket when it closes it.
const fds = new WeakMap();
function handleFd(handle) {
  let fd = fds.get(handle);
  if (fd === undefined) {
    fd = handle.fd ?? -1;
    fds.set(handle, fd);
  }
  return fd;
}

/** The descriptor of `socket`: a net.Socket (or anything with a live _handle.fd) or an fd number. */
function fdOf(socket) {
  if (typeof socket === 'number') {
    if (Number.isInteger(socket) && socket >= 0 && socket <= MAX_FD) return socket;
    const err = new RangeError(
      `The value of "socket" is out of range. It must be an integer >= 0 && <= ${MAX_FD}. Received ${socket}`,
    );
    err.code = 'ERR_OUT_OF_RANGE';
    throw err;
  }
  if (socket instanceof net.Socket || (socket !== null && typeof socket === 'object' && '_handle' in socket)) {
    const handle = socket.destroyed ? null : socket._handle;
    const fd = handle ? handleFd(handle) : -1;
    if (fd >= 0) return fd;
    const err = new Error('Socket is closed');
    err.code = 'ERR_SOCKET_CLOSED';
    throw err;
  }
  const err = new TypeError(
    `The "socket" argument must be an instance of net.Socket or of type number. Received ${describe(socket)}`,
  );
  err.code = 'ERR_INVALID_ARG_TYPE';
  throw err;
}

/** Rethrows a native error in the shape of Node's system errors (fs, net). */
function systemError(nativeError, syscall) {
  const errno = Number(nativeError.code);
  if (!Number.isInteger(errno)) return nativeError; // a panic turned exception: already clear
  const code = errno === EREMOTE ? 'EREMOTE' : getSystemErrorName(-errno);
  const err = new Error(`${code}: ${nativeError.message}, ${syscall}`);
  err.errno = -errno;
  err.code = code;
  err.syscall = syscall;
  return err;
}

function call(syscall, thunk) {
  try {
    return thunk();
  } catch (e) {
    throw systemError(e, syscall);
  }
}

// read() results arrive here (see src/read.rs for why).
const out = new Uint32Array(3);
native?.setReadBuffer(out);

function read(socket) {
  const fd = fdOf(socket);
  try {
    native.readInto(fd);
  } catch (e) {
    throw systemError(e, 'getsockopt');
  }
  return { pid: out[0] === 0 ? null : out[0], uid: out[1], gid: out[2] };
}

function groups(socket) {
  const fd = fdOf(socket);
  return call('getsockopt', () => native.groups(fd));
}

function securityLabel(socket) {
  const fd = fdOf(socket);
  return call('getsockopt', () => native.securityLabel(fd));
}

function pidfd(socket) {
  const fd = fdOf(socket);
  return call('getsockopt', () => native.pidfd(fd));
}

class PeerProcess {
  #native;

  constructor(nativeProcess) {
    this.#native = nativeProcess;
  }

  #fact(name) {
    if (this.#native === null) {
      const err = new Error('PeerProcess is closed');
      err.code = 'ERR_PEER_PROCESS_CLOSED';
      throw err;
    }
    const process = this.#native;
    return call('pidfd', () => process[name]());
  }

  get pid() {
    const pid = this.#fact('pid');
    return pid === 0 ? null : pid;
  }
  get closed() {
    return this.#native === null;
  }
  isAlive() {
    return this.#fact('isAlive');
  }
  parentPid() {
    return this.#fact('parentPid');
  }
  exe() {
    return this.#fact('exe');
  }
  cmdline() {
    return this.#fact('cmdline');
  }
  sessionId() {
    const id = this.#fact('sessionId');
    return id < 0 ? null : id;
  }
  startTime() {
    return this.#fact('startTime');
  }
  uid() {
    return this.#fact('uid');
  }
  gid() {
    return this.#fact('gid');
  }
  fileno() {
    return this.#fact('fileno');
  }
  close() {
    this.#native?.close();
    this.#native = null;
  }
  [Symbol.dispose]() {
    this.close();
  }
  static fromPidfd(pidfd) {
    const fd = fdOf(pidfd);
    return new PeerProcess(call('pidfd', () => native.NativePeerProcess.fromPidfd(fd)));
  }
}

function peerProcess(socket) {
  const fd = fdOf(socket);
  return new PeerProcess(call('getsockopt', () => native.NativePeerProcess.fromSocket(fd)));
}

module.exports = forThisPlatform({ read, groups, securityLabel, pidfd, peerProcess, PeerProcess });
