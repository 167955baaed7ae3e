// Types of @peercred/node (hand-written: the public API is the JS wrapper in
// peercred.js; the native binding underneath is internal).
import type { Socket } from 'node:net';

/** A connected net.Socket (a Unix domain socket), or a descriptor number. */
export type SocketLike = Socket | number;

/**
 * The peer's credentials as the kernel recorded them at connect(): exec or
 * setuid after connect() does not change them.
 */
export interface PeerCred {
  /** The peer's pid, or null when the peer is outside our PID namespace. */
  pid: number | null;
  /** The peer's effective uid at connect(). */
  uid: number;
  /** The peer's effective gid at connect(). */
  gid: number;
}

/**
 * Reads the credentials of the peer of a connected Unix domain socket.
 *
 * Throws TypeError ERR_INVALID_ARG_TYPE (neither a number nor a net.Socket),
 * RangeError ERR_OUT_OF_RANGE (not an integer from 0 to 2147483647), Error
 * ERR_SOCKET_CLOSED (a destroyed socket, or one with no handle), or a system
 * error with code EBADF / ENOTSOCK / EAFNOSUPPORT / ENOTCONN, errno the
 * negative number and syscall 'getsockopt'.
 */
export function read(socket: SocketLike): PeerCred;

/** The peer's supplementary groups, recorded at connect(); the primary gid is not added. */
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
