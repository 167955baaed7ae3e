'use strict';
// createUnixDatagramSocket(): the Unix datagram socket that Node lacks,
// shaped like node:dgram, where every message arrives with its sender's
// credentials. The socket lives in the native binding (src/socket.rs): the
// event loop watches it (a libuv poll handle, no thread, no polling), and each
// readable event receives the queued messages in a bounded batch.
// peercred.js calls this module with its helpers, so that errors look the same.

const { EventEmitter } = require('node:events');
const { getSystemErrorName } = require('node:util');

// The meta array written by NativeMessageSocket.recv (src/socket.rs).
const LEN = 0;
const FLAGS = 1;
const HAS_CRED = 2;
const PID = 3;
const UID = 4;
const GID = 5;
const DISCARDED = 6;
const ADDRESS = 7;
const HAS_PIDFD = 8;
const META_SIZE = 9;
const ADDRESS_NONE = 0;
const ADDRESS_NEW = 2;

const MSG_TRUNC = 0x20;
const MSG_CTRUNC = 0x8;
// Messages handled per readable event before the loop runs other work.
const BATCH = 64;
const DEFAULT_MAX_MESSAGE_SIZE = 65536;

function codedError(Type, code, message) {
  const err = new Type(message);
  err.code = code;
  return err;
}

module.exports = function messageSockets({ native, call, systemError, PeerProcess, fdOf }) {
  const expired = Symbol('expired');

  /** What the 'message' event says of one message's sender. */
  class MessageInfo {
    #socket;
    #process = undefined;
    #live = true;

    constructor(nativeSocket, meta, address) {
      this.#socket = nativeSocket;
      this.address = address;
      this.size = meta[LEN];
      this.cred = meta[HAS_CRED] ? { pid: meta[PID] === 0 ? null : meta[PID], uid: meta[UID], gid: meta[GID] } : null;
      this.truncated = (meta[FLAGS] & MSG_TRUNC) !== 0;
      this.controlTruncated = (meta[FLAGS] & MSG_CTRUNC) !== 0;
      this.discardedFds = meta[DISCARDED];
      this.#process = meta[HAS_PIDFD] ? undefined : null;
    }

    /**
     * The sending process (a PeerProcess holding the message's pidfd), or null
     * when the message carried none; throws ESRCH when the sender has exited
     * and been reaped. Valid during the 'message' event only: it is closed
     * when the listeners return (keep one with PeerProcess.fromPidfd(info.process.fileno())).
     */
    get process() {
      if (this.#process === undefined) {
        if (!this.#live) {
          throw codedError(Error, 'ERR_MESSAGE_EXPIRED', "info.process is available during the 'message' event only");
        }
        const nativeSocket = this.#socket;
        this.#process = new PeerProcess(call('pidfd', () => nativeSocket.takeProcess()));
      }
      return this.#process;
    }

    [expired]() {
      this.#live = false;
      this.#process?.close();
    }
  }

  function toBuffer(msg) {
    if (typeof msg === 'string') return Buffer.from(msg);
    if (Buffer.isBuffer(msg)) return msg;
    if (ArrayBuffer.isView(msg)) return Buffer.from(msg.buffer, msg.byteOffset, msg.byteLength);
    throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE',
      'The "msg" argument must be of type string or an instance of Buffer, TypedArray, or DataView');
  }

  function checkAddress(address, name) {
    if (typeof address !== 'string' || address.length === 0) {
      throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE',
        `The "${name}" argument must be a non-empty string (a path, or "\\0name" for an abstract name)`);
    }
  }

  class UnixDatagramSocket extends EventEmitter {
    #native;
    #meta = new Uint32Array(META_SIZE);
    #data;
    #type;
    #sender = null;
    #refed = true;
    #receiving = false;

    /** Use createUnixDatagramSocket(). */
    constructor(nativeSocket, maxMessageSize, adopted) {
      super();
      this.#native = nativeSocket;
      this.#type = nativeSocket.kind();
      this.#data = Buffer.allocUnsafeSlow(maxMessageSize);
      nativeSocket.setBuffers(this.#meta, this.#data);
      // An adopted socket is bound or connected already: receive from now on.
      if (adopted) this.#receive();
    }

    /** 'dgram', or 'seqpacket' / 'stream' for an adopted connection. */
    get type() {
      return this.#type;
    }

    #live(what) {
      if (this.#native === null) throw codedError(Error, 'ERR_SOCKET_DGRAM_NOT_RUNNING', `Not running: cannot ${what} a closed socket`);
      return this.#native;
    }

    #receive() {
      if (this.#receiving) return;
      this.#receiving = true;
      this.#native.watch((status) => this.#onReadable(status));
      if (!this.#refed) this.#native.setRef(false);
    }

    bind(path, callback) {
      checkAddress(path, 'path');
      const nativeSocket = this.#live('bind');
      if (callback !== undefined) this.once('listening', callback);
      try {
        nativeSocket.bind(path);
      } catch (e) {
        process.nextTick(() => this.emit('error', systemError(e, 'bind')));
        return this;
      }
      this.#receive();
      process.nextTick(() => this.emit('listening'));
      return this;
    }

    /**
     * Sends `msg` to `path` (omit it on an adopted connection). Never waits:
     * when the receiver's queue is full the error is EAGAIN. The callback gets
     * (err, bytes); without one, an error is emitted as 'error'.
     */
    send(msg, path, callback) {
      if (typeof path === 'function') {
        callback = path;
        path = undefined;
      }
      const data = toBuffer(msg);
      if (path !== undefined) checkAddress(path, 'path');
      const nativeSocket = this.#live('send on');
      let sent;
      let error = null;
      try {
        sent = nativeSocket.sendTo(data, path);
      } catch (e) {
        error = systemError(e, 'sendto');
      }
      // Sending with credentials passed binds the socket (an abstract name):
      // receive the replies, as node:dgram does after an implicit bind.
      if (error === null && !this.#receiving && this.#type === 'dgram') {
        this.#receive();
        process.nextTick(() => this.emit('listening'));
      }
      process.nextTick(() => {
        if (callback) callback(error, error ? undefined : sent);
        else if (error) this.emit('error', error);
      });
    }

    /** The socket's own address: a path, "\0name" (abstract), or null when unbound. */
    address() {
      const nativeSocket = this.#live('get the address of');
      return call('getsockname', () => nativeSocket.localAddress());
    }

    ref() {
      this.#refed = true;
      this.#native?.setRef(true);
      return this;
    }

    unref() {
      this.#refed = false;
      this.#native?.setRef(false);
      return this;
    }

    /** Closes the socket and everything it holds; 'close' follows. */
    close(callback) {
      const nativeSocket = this.#live('close');
      if (callback !== undefined) this.once('close', callback);
      this.#native = null;
      nativeSocket.close();
      process.nextTick(() => this.emit('close'));
      return this;
    }

    [Symbol.asyncDispose]() {
      if (this.#native === null) return Promise.resolve();
      return new Promise((resolve) => this.close(resolve));
    }

    #onReadable(status) {
      if (status < 0) {
        const code = getSystemErrorName(status);
        const err = new Error(`${code}: poll failed`);
        Object.assign(err, { errno: status, code, syscall: 'poll' });
        this.#fail(err);
        return;
      }
      const meta = this.#meta;
      for (let i = 0; i < BATCH && this.#native !== null; i++) {
        try {
          if (!this.#native.recv()) return;
        } catch (e) {
          this.#fail(systemError(e, 'recvmsg'));
          return;
        }
        // The end of a connection: nothing received, no sender.
        if (this.#type !== 'dgram' && meta[LEN] === 0 && meta[HAS_CRED] === 0) {
          this.emit('end');
          if (this.#native !== null) this.close();
          return;
        }
        if (meta[ADDRESS] === ADDRESS_NONE) this.#sender = null;
        else if (meta[ADDRESS] === ADDRESS_NEW) this.#sender = this.#native.senderAddress();
        const data = Buffer.allocUnsafe(meta[LEN]);
        this.#data.copy(data, 0, 0, meta[LEN]);
        const info = new MessageInfo(this.#native, meta, this.#sender);
        try {
          this.emit('message', data, info);
        } finally {
          info[expired]();
        }
      }
    }

    #fail(err) {
      if (this.#native !== null) this.close();
      this.emit('error', err);
    }
  }

  /**
   * A Unix datagram socket whose 'message' events carry each sender's
   * credentials. Options: `fd`, an AF_UNIX socket descriptor to adopt (a
   * datagram socket, or a connected seqpacket or stream socket, e.g. from
   * socket activation), which the socket then owns and closes; and
   * `maxMessageSize`, the largest message received whole (default 65536;
   * longer ones arrive cut, with info.truncated).
   */
  function createUnixDatagramSocket(options = {}) {
    if (options === null || typeof options !== 'object') {
      throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE', 'The "options" argument must be of type object');
    }
    const { fd, maxMessageSize = DEFAULT_MAX_MESSAGE_SIZE } = options;
    if (!Number.isInteger(maxMessageSize) || maxMessageSize < 0 || maxMessageSize > 0x7fffffff) {
      throw codedError(RangeError, 'ERR_OUT_OF_RANGE',
        `The value of "options.maxMessageSize" is out of range. It must be an integer >= 0 && <= 2147483647. Received ${maxMessageSize}`);
    }
    if (fd === undefined) {
      return new UnixDatagramSocket(call('socket', () => native.NativeMessageSocket.datagram()), maxMessageSize, false);
    }
    const number = fdOf(fd);
    const { NativeMessageSocket } = native;
    call('setsockopt', () => NativeMessageSocket.passCredentials(number));
    call('recvmsg', () => NativeMessageSocket.probe(number));
    return new UnixDatagramSocket(call('fcntl', () => NativeMessageSocket.adopt(number)), maxMessageSize, true);
  }

  return { createUnixDatagramSocket, UnixDatagramSocket };
};
