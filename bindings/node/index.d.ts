// Types of @peercred/node (hand-written: the public API is the JS wrapper in
// peercred.js; the native binding underneath is internal).
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Server as NetServer, Socket } from 'node:net';
import { EventEmitter } from 'node:events';

/**
 * What an HTTP or gRPC server hands a handler, standing for its connection:
 * an http.IncomingMessage (node:http, express `req`, fastify `request.raw`,
 * koa `ctx.req`, hono `c.env.incoming`), an http2.Http2ServerRequest, or a
 * call of a @grpc/grpc-js server fed by listenGrpc().
 */
export type ConnectionLike = Socket | IncomingMessage | Http2ServerRequest | GrpcCall;

/**
 * A connected net.Socket (a Unix domain socket), a request or call standing
 * for one, or a descriptor number. A listening net.Server is accepted too, and
 * refused like every listening socket (ENOTCONN), or with
 * ERR_SERVER_NOT_RUNNING when it is not listening.
 */
export type SocketLike = ConnectionLike | NetServer | number;

/** The part of a @grpc/grpc-js server call (ServerUnaryCall, ServerDuplexStream...) that peercred uses. */
export interface GrpcCall {
  getPeer(): string;
}

/** The part of a @grpc/grpc-js Server that listenGrpc() uses (grpc-js >= 1.11). */
export interface GrpcServer {
  createConnectionInjector(credentials: unknown): { injectConnection(connection: Socket): void; destroy(): void };
}

/**
 * The peer's credentials as the kernel recorded them at connect(): exec or
 * setuid after connect() does not change them.
 */
export interface PeerCred {
  /** The peer's pid, or null when the peer is outside our PID namespace. */
  pid: number | null;
  /**
   * The peer's effective uid at connect(), as our user namespace numbers it:
   * the overflow uid (/proc/sys/kernel/overflowuid, usually 65534) when it has
   * none here. uidMapping(uid) tells which.
   */
  uid: number;
  /** The peer's effective gid at connect(); the overflow gid when it has none here (gidMapping). */
  gid: number;
}

/**
 * What a uid or gid from the kernel stands for in our user namespace:
 * 'mapped' (a real id here), 'unmapped' (the kernel's overflow placeholder for
 * an id this namespace cannot name: no account here is meant) or 'unknown'
 * (the overflow id, which this namespace also maps to a real account).
 */
export type IdMapping = 'mapped' | 'unmapped' | 'unknown';

/**
 * Reads the credentials of the peer of a connected Unix domain socket (of a
 * request's or gRPC call's connection).
 *
 * Throws TypeError ERR_INVALID_ARG_TYPE (neither a number, a net.Socket nor a request),
 * RangeError ERR_OUT_OF_RANGE (not an integer from 0 to 2147483647), Error
 * ERR_SOCKET_CLOSED (a destroyed socket, or one with no handle), or a system
 * error with code EBADF / ENOTSOCK / EAFNOSUPPORT / ENOTCONN, errno the
 * negative number and syscall 'getsockopt'. ENOTCONN covers every socket
 * without another end to describe: unconnected, datagram, listening (whoever
 * created it), and the socketpairs this process made, such as a child
 * process's stdio pipes and IPC channel, whose credentials name this process.
 */
export function read(socket: SocketLike): PeerCred;

/**
 * Whether `uid`, as the kernel reported it to this process, is a real uid in
 * our user namespace. Reads /proc/self/uid_map and the overflowuid sysctl;
 * throws TypeError / RangeError for anything but an integer from 0 to
 * 4294967295, or a system error (syscall 'open') when /proc cannot be read.
 */
export function uidMapping(uid: number): IdMapping;

/** uidMapping() for a gid (read().gid, or one of groups()): gid_map and overflowgid. */
export function gidMapping(gid: number): IdMapping;

/**
 * The peer's supplementary groups, recorded at connect(); the primary gid is not added.
 * A group with no gid in our user namespace appears as the overflow gid: gidMapping().
 */
export function groups(socket: SocketLike): number[];

/**
 * The peer's security label (e.g. an SELinux context), recorded at connect(),
 * or null without a labelling LSM.
 */
export function securityLabel(socket: SocketLike): string | null;

/**
 * A new close-on-exec pidfd naming the peer process; the caller closes it
 * (fs.closeSync). ENOPROTOOPT before Linux 6.5; ESRCH once the peer was reaped.
 */
export function pidfd(socket: SocketLike): number;

/**
 * A process held by its pidfd: a socket's peer, or the calling process. Every
 * fact is read NOW from the live process (unlike read(), groups() and
 * securityLabel(), recorded at connect()): a caller that can exec after
 * connecting can make them describe another program. Each is read from /proc
 * and confirmed by the pidfd afterwards, so it never describes another process
 * that took over the pid: a read that raced with the process's exit throws
 * ESRCH. A process outside our PID namespace has a null pid and its facts
 * throw EREMOTE; where /proc belongs to another PID namespace, ENXIO.
 * Close it (or `using`) to release the pidfd; methods then throw ERR_PEER_PROCESS_CLOSED.
 */
export class PeerProcess {
  private constructor();
  /** Holds a duplicate of `pidfd`; the caller keeps and closes its own. */
  static fromPidfd(pidfd: number): PeerProcess;
  /** The pid in our PID namespace, or null when the process is outside it. */
  readonly pid: number | null;
  readonly closed: boolean;
  isAlive(): boolean;
  /** The parent's pid now, or null when the parent is outside our PID namespace. */
  parentPid(): number | null;
  /**
   * The executable's path now, as the process sees it (in its own mount
   * namespace, where it can bind-mount any file over any path): for display.
   * A string when the path is UTF-8, else a Buffer of its exact bytes.
   */
  exe(): string | Buffer;
  /**
   * Whether the process runs, now, the very file `path` names here: the same
   * device and inode, so a path spoofed in its mount namespace does not match.
   * A string is taken as its UTF-8 bytes, a Buffer as it is.
   */
  exeMatches(path: string | Buffer): boolean;
  /** The SHA-256 (32 bytes) of the file the process runs now. */
  exeSha256(): Buffer;
  /** The arguments now, as the process set them (it can write anything there); Buffers where not UTF-8. */
  cmdline(): Array<string | Buffer>;
  /** The audit login session id now, or null outside any login session. */
  sessionId(): number | null;
  /** Whether both are in the same login session now; no session matches nothing. */
  sameSession(other: PeerProcess): boolean;
  /** Clock ticks since boot. */
  startTime(): number;
  /** The effective uid now; decide on read().uid, recorded at connect(). */
  uid(): number;
  /** The effective gid now; decide on read().gid, recorded at connect(). */
  gid(): number;
  /** The pidfd (readable once the process exits). */
  fileno(): number;
  close(): void;
  [Symbol.dispose](): void;
}

/** The peer process of a socket (Linux >= 6.5). */
export function peerProcess(socket: SocketLike): PeerProcess;

/** The calling process, held and read like a peer (Linux >= 5.3), e.g. for sameSession(). */
export function ownProcess(): PeerProcess;

/**
 * The peer process of a connection, opened on the first call and the same
 * object for every later request on that connection (keep-alive, HTTP/2
 * streams, gRPC calls); closed when the connection closes (the socket's, or
 * the HTTP/2 session's, 'close' event). Do not close it yourself.
 * Throws ERR_SOCKET_CLOSED once the connection has ended, and what
 * peerProcess() throws. A bare fd number is refused (it has no 'close').
 */
export function connectionProcess(connection: ConnectionLike): PeerProcess;

/**
 * Serves a @grpc/grpc-js Server on the Unix socket `path` through its
 * connection injector: each accepted connection's caller is read first (a
 * connection without one is destroyed, never served), then the connection is
 * labelled so that read(call), connectionProcess(call) and peerProcess(call)
 * find it from a handler. Resolves with the listening net.Server; closing it
 * stops the injector.
 */
export function listenGrpc(server: GrpcServer, path: string, credentials: unknown): Promise<NetServer>;

/** What the 'message' event says of one message's sender. */
export interface MessageInfo {
  /**
   * The sending socket's address: a path, "\0name" for an abstract name, or
   * null when the sender is unbound. The sender chose it: never authorise on it.
   */
  readonly address: string | null;
  /** The byte count received (the message's length unless truncated). */
  readonly size: number;
  /**
   * The sender's pid (null outside our PID namespace), real uid and real gid,
   * or the ids a privileged sender chose to send; null when the message
   * carried no credentials (queued before the socket passed them).
   */
  readonly cred: PeerCred | null;
  /** The message was longer than maxMessageSize and was cut (MSG_TRUNC). */
  readonly truncated: boolean;
  /** The kernel dropped control data, e.g. at the descriptor limit (MSG_CTRUNC). */
  readonly controlTruncated: boolean;
  /** Descriptors the sender attached (SCM_RIGHTS), closed on arrival. */
  readonly discardedFds: number;
  /**
   * The sending process, held by the message's pidfd (SCM_PIDFD, Linux >= 6.5),
   * or null when the message carried none; throws ESRCH when the sender has
   * exited and been reaped. Valid during the 'message' event only: it is
   * closed when the listeners return, and reading it afterwards throws
   * ERR_MESSAGE_EXPIRED. Keep it with PeerProcess.fromPidfd(info.process.fileno()).
   */
  readonly process: PeerProcess | null;
}

export interface UnixDatagramSocketOptions {
  /**
   * An AF_UNIX socket to adopt (datagram, or a connected seqpacket or stream
   * socket), which the returned socket owns and closes. It starts receiving
   * at once; a connection ends with 'end', then 'close'.
   */
  fd?: number;
  /** The largest message received whole; longer ones arrive cut (default 65536). */
  maxMessageSize?: number;
}

/**
 * A Unix datagram socket shaped like node:dgram's, whose 'message' events
 * carry each sender's credentials (SO_PASSCRED, set before the socket can
 * receive anything). Watched by the event loop (no thread, no polling);
 * works in worker threads; close() frees the descriptor and the loop handle.
 */
export class UnixDatagramSocket extends EventEmitter {
  private constructor();
  /** 'dgram', or 'seqpacket' / 'stream' for an adopted connection. */
  readonly type: 'dgram' | 'seqpacket' | 'stream';
  /** Binds to a path, or an abstract name written "\0name"; emits 'listening'. */
  bind(path: string, callback?: () => void): this;
  /**
   * Sends without waiting (EAGAIN when the receiver's queue is full); omit
   * `path` on an adopted connection. The first send binds the socket to an
   * abstract name, so replies arrive as 'message'.
   */
  send(msg: string | NodeJS.ArrayBufferView, path?: string, callback?: (err: Error | null, bytes?: number) => void): void;
  send(msg: string | NodeJS.ArrayBufferView, callback: (err: Error | null, bytes?: number) => void): void;
  /** A path, "\0name", or null when unbound. */
  address(): string | null;
  /** Closes the socket; 'close' follows. Throws ERR_SOCKET_DGRAM_NOT_RUNNING when closed already. */
  close(callback?: () => void): this;
  ref(): this;
  unref(): this;
  [Symbol.asyncDispose](): Promise<void>;

  on(event: 'message', listener: (msg: Buffer, info: MessageInfo) => void): this;
  on(event: 'listening' | 'close' | 'end', listener: () => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  once(event: 'message', listener: (msg: Buffer, info: MessageInfo) => void): this;
  once(event: 'listening' | 'close' | 'end', listener: () => void): this;
  once(event: 'error', listener: (err: Error) => void): this;
}

/**
 * A Unix datagram socket whose messages carry their senders' credentials,
 * or, with `fd`, any Unix socket adopted to receive that way.
 * Throws system errors like read() for a bad `fd` (EBADF, ENOTSOCK,
 * EAFNOSUPPORT), without taking it.
 */
export function createUnixDatagramSocket(options?: UnixDatagramSocketOptions): UnixDatagramSocket;
