// Types of @peercred/node (hand-written: the public API is the JS wrapper in
// peercred.js; the native binding underneath is internal).
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { Server as NetServer, Socket } from 'node:net';

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

/** The peer's credentials as the kernel recorded them at connect(). */
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
 * The peer's supplementary groups at connect(); the primary gid is not added.
 * A group with no gid in our user namespace appears as the overflow gid: gidMapping().
 */
export function groups(socket: SocketLike): number[];

/** The peer's security label (e.g. an SELinux context), or null without a labelling LSM. */
export function securityLabel(socket: SocketLike): string | null;

/**
 * A new close-on-exec pidfd naming the peer process; the caller closes it
 * (fs.closeSync). ENOPROTOOPT before Linux 6.5; ESRCH once the peer was reaped.
 */
export function pidfd(socket: SocketLike): number;

/**
 * The peer process, held by its pidfd. Every fact is read from /proc and
 * confirmed by the pidfd afterwards, so it never describes another process
 * that took over the pid: a read that raced with the peer's exit throws ESRCH.
 * Close it (or `using`) to release the pidfd; methods then throw ERR_PEER_PROCESS_CLOSED.
 */
export class PeerProcess {
  private constructor();
  /** Holds a duplicate of `pidfd`; the caller keeps and closes its own. */
  static fromPidfd(pidfd: number): PeerProcess;
  /** The peer's pid, or null when it is outside our PID namespace. */
  readonly pid: number | null;
  readonly closed: boolean;
  isAlive(): boolean;
  parentPid(): number;
  exe(): string;
  /** The arguments as the peer set them: the peer can write anything there. */
  cmdline(): string[];
  /** The audit login session id, or null outside any login session. */
  sessionId(): number | null;
  /** Clock ticks since boot. */
  startTime(): number;
  /** The current effective uid (it may differ from the uid at connect()). */
  uid(): number;
  gid(): number;
  /** The pidfd (readable once the peer exits). */
  fileno(): number;
  close(): void;
  [Symbol.dispose](): void;
}

/** The peer process of a socket (Linux >= 6.5). */
export function peerProcess(socket: SocketLike): PeerProcess;

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
