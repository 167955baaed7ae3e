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
  /**
   * Its namespaces now, each compared with the calling thread's: allShared
   * for a host process (seen from a host daemon), differing kinds for a
   * container or a sandbox. Throws EACCES without ptrace read access to it
   * (another uid, a setuid program, a daemon in a user namespace asking
   * about a process outside it).
   */
  namespaces(): Namespaces;
  /** The uid that created its user namespace, in our numbering (uidMapping() says whether it is real here). */
  userNamespaceOwner(): number;
  /** Its ids, capabilities, no_new_privs and audit login uid now. */
  credentials(): ProcessCredentials;
  /** Its cgroup v2 now, relative to our cgroup namespace; EREMOTE for one outside it. */
  cgroup(): Cgroup;
  /** The id of its cgroup v2 now (BPF's and name_to_handle_at's number). */
  cgroupId(): bigint;
  /** The invocation id (32 hex digits) of its systemd unit now, or null. */
  unitInvocationId(): string | null;
  /** A number no other process gets before a reboot (Linux 6.9; ENOPROTOOPT before): pair it with bootId(). */
  pidfsId(): bigint;
  /**
   * How it ended, once its parent has reaped it: { code, signal } as
   * child_process reports an exit; null while it runs or is a zombie.
   * Linux 6.15 (ENOPROTOOPT before).
   */
  exitStatus(): ExitStatus | null;
  /**
   * Resolves once the whole process has exited: the event loop watches its
   * pidfd (no thread, no polling), and keeps the process alive meanwhile.
   * The same promise for every call; closing this object does not cancel it.
   */
  waitExit(): Promise<void>;
  /** The pidfd (readable once the process exits). */
  fileno(): number;
  close(): void;
  [Symbol.dispose](): void;
}

/** A kind of namespace, named as in /proc/PID/ns. */
export type NamespaceKind = 'cgroup' | 'ipc' | 'mnt' | 'net' | 'pid' | 'time' | 'user' | 'uts';

/** A process's namespaces, each compared with the calling thread's. */
export interface Namespaces {
  /** Every namespace is ours: a host process, seen from a daemon on the host. */
  readonly allShared: boolean;
  /** The kinds in which it is in another namespace than the caller. */
  readonly differing: NamespaceKind[];
  /** The id of each of its namespaces. */
  readonly ids: Record<NamespaceKind, bigint>;
  /**
   * The kinds whose id is never reused (the kernel's namespace id, Linux
   * 6.18; 6.8 for 'mnt'); the others are nsfs inode numbers, which another
   * namespace can get once this one is gone.
   */
  readonly uniqueIds: NamespaceKind[];
}

/** Real, effective, saved and filesystem ids. */
export interface IdSet {
  readonly real: number;
  readonly effective: number;
  readonly saved: number;
  readonly fs: number;
}

/**
 * A process's credentials now, numbered in our user namespace; the
 * capability masks (bit CAP_*) count in the process's own user namespace.
 */
export interface ProcessCredentials {
  readonly uid: IdSet;
  readonly gid: IdSet;
  readonly capEffective: bigint;
  readonly capPermitted: bigint;
  readonly capBounding: bigint;
  readonly noNewPrivs: boolean;
  /** The audit login uid, or null (unset, unmapped here, or no audit). */
  readonly loginUid: number | null;
  /**
   * Whether the effective uid or gid now differs from the ids recorded at
   * connect() (it changed ids or executed a setuid program since); null for
   * a process not taken from a socket.
   */
  readonly differsFromConnect: boolean | null;
}

/** A cgroup v2 path and what systemd and the container engines encode in it. */
export interface Cgroup {
  /** Relative to our cgroup namespace; a Buffer of its exact bytes where not UTF-8. */
  readonly path: string | Buffer;
  /** The systemd unit: 'foo.service', 'session-3.scope', 'docker-ID.scope'. */
  readonly unit: string | null;
  /** The unit's slice: 'system.slice', 'user-1000.slice'; '-.slice' at the root. */
  readonly slice: string | null;
  /** The unit of a user's manager, below 'user@UID.service' (the user can name these). */
  readonly userUnit: string | null;
  readonly userSlice: string | null;
  /** The logind session of a 'session-ID.scope': '3', 'c1'. */
  readonly session: string | null;
  /** The uid of a 'user-UID.slice'. */
  readonly ownerUid: number | null;
  /** The innermost container's id (64 hex digits). */
  readonly containerId: string | null;
  /** Its engine, where the name says it. */
  readonly containerRuntime: 'docker' | 'podman' | 'containerd' | 'cri-o' | null;
  /** The Kubernetes pod's uid. */
  readonly podUid: string | null;
}

/** How a process ended: an exit code, or the signal that killed it. */
export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | number | null;
}

/** The id of the running boot (/proc/sys/kernel/random/boot_id): with pidfsId() it names a process for all time. */
export function bootId(): string;

/**
 * What a cgroup v2 path says (pure: reads nothing else). Throws TypeError
 * ERR_INVALID_ARG_VALUE for a path that does not start with '/', and a
 * system error EREMOTE for one that leaves the cgroup namespace ('/..').
 */
export function parseCgroup(path: string | Buffer): Cgroup;

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
