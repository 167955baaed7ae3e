'use strict';
// The public API of @peercred/node: argument rules and Node-style errors here,
// everything else in the native binding (src/), whose semantics are the core
// crate's. See index.d.ts for the documentation of each function.

const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const { getSystemErrorName } = require('node:util');
const { binding: native, forThisPlatform } = require('./native.js');

const MAX_FD = 2147483647;
const MAX_ID = 4294967295;
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

// Loaded on first use: a server without HTTP/2 never pays for node:http2.
let http2;
const isHttp2Request = (value) => 'stream' in value && value instanceof (http2 ??= require('node:http2')).Http2ServerRequest;

/**
 * The socket behind what a server hands to a handler: a request's net.Socket,
 * for HTTP/2 the proxy that forwards _handle to the session's socket, or the
 * connection of a gRPC call served by listenGrpc(). Anything else unchanged.
 */
function socketBehind(value) {
  if (value instanceof http.IncomingMessage || isHttp2Request(value)) {
    if (value.socket) return value.socket;
    throw socketClosed(); // detached from its connection
  }
  if (grpcSockets !== null && typeof value.getPeer === 'function') return grpcSocket(value);
  return value;
}

function outOfRange(name, value, max) {
  const err = new RangeError(
    `The value of "${name}" is out of range. It must be an integer >= 0 && <= ${max}. Received ${value}`,
  );
  err.code = 'ERR_OUT_OF_RANGE';
  return err;
}

function invalidType(name, expected, value) {
  const err = new TypeError(`The "${name}" argument must be ${expected}. Received ${describe(value)}`);
  err.code = 'ERR_INVALID_ARG_TYPE';
  return err;
}

/**
 * The descriptor of `socket`: a net.Socket (or anything with a live
 * _handle.fd), a request, a listening net.Server (which the core then refuses
 * as it refuses every listening socket), or an fd number.
 */
function fdOf(socket) {
  if (typeof socket === 'number') {
    if (Number.isInteger(socket) && socket >= 0 && socket <= MAX_FD) return socket;
    throw outOfRange('socket', socket, MAX_FD);
  }
  if (!(socket instanceof net.Socket) && socket !== null && typeof socket === 'object') socket = socketBehind(socket);
  if (socket instanceof net.Socket || (socket !== null && typeof socket === 'object' && '_handle' in socket)) {
    const handle = socket.destroyed ? null : socket._handle;
    const fd = handle ? handleFd(handle) : -1;
    if (fd >= 0) return fd;
    if (socket instanceof net.Server) {
      const err = new Error('Server is not running.');
      err.code = 'ERR_SERVER_NOT_RUNNING';
      throw err;
    }
    throw socketClosed();
  }
  throw invalidType(
    'socket',
    'an instance of net.Socket, http.IncomingMessage or http2.Http2ServerRequest, or of type number',
    socket,
  );
}

/** A uid or gid: an integer from 0 to 4294967295. */
function idOf(name, id) {
  if (typeof id !== 'number') throw invalidType(name, 'of type number', id);
  if (!Number.isInteger(id) || id < 0 || id > MAX_ID) throw outOfRange(name, id, MAX_ID);
  return id;
}

function socketClosed() {
  const err = new Error('Socket is closed');
  err.code = 'ERR_SOCKET_CLOSED';
  return err;
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

// read() results arrive in this evaluation's own array, named by its id on
// every call (see src/read.rs for why). The array is never handed out.
const out = new Uint32Array(new ArrayBuffer(12));
const outId = native?.registerReadBuffer(out);

function read(socket) {
  const fd = fdOf(socket);
  try {
    native.readInto(fd, outId);
  } catch (e) {
    throw systemError(e, 'getsockopt');
  }
  return { pid: out[0] === 0 ? null : out[0], uid: out[1], gid: out[2] };
}

function uidMapping(uid) {
  const id = idOf('uid', uid);
  return call('open', () => native.uidMapping(id));
}

function gidMapping(gid) {
  const id = idOf('gid', gid);
  return call('open', () => native.gidMapping(id));
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

/** The four ids of a native list: real, effective, saved, filesystem. */
function idSet([real, effective, saved, fs]) {
  return { real, effective, saved, fs };
}

function cgroupShape(c) {
  return {
    path: c.path,
    unit: c.unit ?? null,
    slice: c.slice ?? null,
    userUnit: c.userUnit ?? null,
    userSlice: c.userSlice ?? null,
    session: c.session ?? null,
    ownerUid: c.ownerUid ?? null,
    containerId: c.containerId ?? null,
    containerRuntime: c.containerRuntime ?? null,
    podUid: c.podUid ?? null,
  };
}

const signalNames = Object.fromEntries(Object.entries(os.constants.signals).map(([name, number]) => [number, name]));

/** A wait status as child_process reports an exit: { code, signal }. */
function exitShape(status) {
  const signal = status & 0x7f;
  return signal === 0 ? { code: (status >> 8) & 0xff, signal: null } : { code: null, signal: signalNames[signal] ?? signal };
}

class PeerProcess {
  #native;
  #exit;

  constructor(nativeProcess) {
    this.#native = nativeProcess;
  }

  #open() {
    if (this.#native === null) {
      const err = new Error('PeerProcess is closed');
      err.code = 'ERR_PEER_PROCESS_CLOSED';
      throw err;
    }
    return this.#native;
  }

  // No closure and no spread: a fact is often the one call a connection makes.
  #fact(name, arg) {
    const process = this.#open();
    try {
      return arg === undefined ? process[name]() : process[name](arg);
    } catch (e) {
      throw systemError(e, 'pidfd');
    }
  }

  get pid() {
    const pid = this.#fact('pid');
    return pid === 0 ? null : pid;
  }
  get source() {
    return this.#fact('source');
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
  exeMatches(path) {
    if (typeof path !== 'string' && !(path instanceof Uint8Array)) {
      const err = new TypeError(
        `The "path" argument must be of type string or an instance of Buffer. Received ${describe(path)}`,
      );
      err.code = 'ERR_INVALID_ARG_TYPE';
      throw err;
    }
    return this.#fact('exeMatches', typeof path === 'string' || Buffer.isBuffer(path) ? path : Buffer.from(path));
  }
  exeSha256() {
    return this.#fact('exeSha256');
  }
  cmdline() {
    return this.#fact('cmdline');
  }
  sessionId() {
    const id = this.#fact('sessionId');
    return id < 0 ? null : id;
  }
  sameSession(other) {
    if (!(other instanceof PeerProcess)) {
      const err = new TypeError(
        `The "other" argument must be an instance of PeerProcess. Received ${describe(other)}`,
      );
      err.code = 'ERR_INVALID_ARG_TYPE';
      throw err;
    }
    return this.#fact('sameSession', other.#open());
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
  namespaces() {
    const n = this.#fact('namespaces');
    const ids = {};
    const uniqueIds = [];
    n.kinds.forEach((kind, i) => {
      ids[kind] = n.ids[i];
      if (n.unique[i]) uniqueIds.push(kind);
    });
    return { allShared: n.allShared, differing: n.differing, ids, uniqueIds };
  }
  userNamespaceOwner() {
    return this.#fact('userNamespaceOwner');
  }
  credentials() {
    const c = this.#fact('credentials');
    return {
      uid: idSet(c.uid),
      gid: idSet(c.gid),
      capEffective: c.capEffective,
      capPermitted: c.capPermitted,
      capBounding: c.capBounding,
      noNewPrivs: c.noNewPrivs,
      loginUid: c.loginUid ?? null,
      differsFromConnect: c.differsFromConnect ?? null,
    };
  }
  cgroup() {
    return cgroupShape(this.#fact('cgroup'));
  }
  cgroupId() {
    return this.#fact('cgroupId');
  }
  unitInvocationId() {
    return this.#fact('unitInvocationId') ?? null;
  }
  pidfsId() {
    return this.#fact('pidfsId');
  }
  exitStatus() {
    const status = this.#fact('exitStatus');
    return status == null ? null : exitShape(status);
  }
  waitExit() {
    if (this.#exit === undefined) {
      const process = this.#open();
      const watcher = call('pidfd', () => native.NativeExitWatcher.of(process));
      this.#exit = new Promise((resolve, reject) => {
        watcher.watch((status) => {
          watcher.close();
          if (status < 0) {
            const code = getSystemErrorName(status);
            reject(Object.assign(new Error(`${code}: poll failed`), { errno: status, code, syscall: 'poll' }));
          } else {
            resolve();
          }
        });
      });
    }
    return this.#exit;
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

function peerProcess(socket, options) {
  const fd = fdOf(socket);
  const fallback = fallbackOption(options);
  try {
    return new PeerProcess(native.NativePeerProcess.fromSocket(fd, fallback));
  } catch (e) {
    throw systemError(e, 'getsockopt');
  }
}

function fallbackOption(options) {
  if (options === undefined) return true;
  if (options === null || typeof options !== 'object') {
    throw invalidType('options', 'of type object', options);
  }
  const { fallback = true } = options;
  if (typeof fallback !== 'boolean') throw invalidType('options.fallback', 'of type boolean', fallback);
  return fallback;
}

function bootId() {
  return call('open', () => native.bootId());
}

/** Parses a cgroup v2 path (a string, or a Buffer of its bytes). */
function parseCgroup(path) {
  if (typeof path !== 'string' && !Buffer.isBuffer(path)) throw invalidType('path', 'of type string or an instance of Buffer', path);
  try {
    return cgroupShape(native.parseCgroup(path));
  } catch (e) {
    const err = systemError(e, 'parse');
    if (err.code === 'EINVAL') {
      const invalid = new TypeError(`The "path" argument must be a cgroup path: "/" then its names, without NUL. Received ${describe(path)}`);
      invalid.code = 'ERR_INVALID_ARG_VALUE';
      throw invalid;
    }
    throw err;
  }
}

function ownProcess() {
  return new PeerProcess(call('pidfd_open', () => native.NativePeerProcess.own()));
}

// One PeerProcess per connection, keyed by what emits 'close' when the
// connection ends: the net.Socket, or the HTTP/2 session (one per connection,
// while req.socket is a new proxy per stream).
const connectionProcesses = new WeakMap();

function closeOwner(value) {
  if (value instanceof net.Socket) return value;
  if (value !== null && typeof value === 'object') {
    if (value instanceof http.IncomingMessage) return value.socket;
    if (isHttp2Request(value)) return value.stream.session;
    if (grpcSockets !== null && typeof value.getPeer === 'function') return grpcSocket(value);
  }
  const err = new TypeError(
    'The "connection" argument must be an instance of net.Socket, http.IncomingMessage or http2.Http2ServerRequest, ' +
      `or a gRPC call served by listenGrpc(). Received ${describe(value)}`,
  );
  err.code = 'ERR_INVALID_ARG_TYPE';
  throw err;
}

function connectionProcess(connection) {
  const owner = closeOwner(connection);
  if (!owner || owner.destroyed) throw socketClosed();
  let process = connectionProcesses.get(owner);
  if (process === undefined || process.closed) {
    process = peerProcess(connection);
    connectionProcesses.set(owner, process);
    owner.once('close', () => {
      process.close();
      if (connectionProcesses.get(owner) === process) connectionProcesses.delete(owner);
    });
  }
  return process;
}

// gRPC (@grpc/grpc-js): a handler sees a call, never its connection. listenGrpc
// accepts the connections itself, labels each socket's remoteAddress, which
// grpc-js reports as call.getPeer(), and injects it into the gRPC server.
let grpcSockets = null;
let grpcConnections = 0;
const GRPC_LABEL = 'peercred-unix:';

function grpcSocket(call) {
  const peer = call.getPeer();
  const socket = grpcSockets.get(peer);
  if (socket !== undefined) return socket;
  if (peer.startsWith(GRPC_LABEL)) throw socketClosed();
  const err = new TypeError(`This gRPC call did not arrive through listenGrpc(): its peer is ${JSON.stringify(peer)}`);
  err.code = 'ERR_INVALID_ARG_VALUE';
  throw err;
}

function listenGrpc(grpcServer, path, credentials) {
  const injector = grpcServer.createConnectionInjector(credentials);
  grpcSockets ??= new Map();
  const server = net.createServer((socket) => {
    try {
      read(socket);
    } catch {
      socket.destroy(); // a connection whose caller cannot be read is never served
      return;
    }
    const label = `${GRPC_LABEL}${++grpcConnections}`;
    Object.defineProperty(socket, 'remoteAddress', { value: label });
    grpcSockets.set(label, socket);
    socket.once('close', () => grpcSockets.delete(label));
    injector.injectConnection(socket);
  });
  server.once('close', () => injector.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

const { createUnixDatagramSocket, UnixDatagramSocket } = require('./socket.js')({
  native, call, systemError, PeerProcess, fdOf,
});

module.exports = forThisPlatform({
  read,
  groups,
  securityLabel,
  pidfd,
  peerProcess,
  ownProcess,
  PeerProcess,
  connectionProcess,
  listenGrpc,
  uidMapping,
  gidMapping,
  bootId,
  parseCgroup,
  createUnixDatagramSocket,
  UnixDatagramSocket,
});
