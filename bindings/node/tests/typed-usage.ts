// Compiled by `tsc --noEmit --strict` (mk/node.mk): the shipped types must
// describe real usage.
import * as net from 'node:net';
import {
  read,
  groups,
  securityLabel,
  pidfd,
  peerProcess,
  ownProcess,
  PeerProcess,
  type PeerCred,
} from '@peercred/node';

net.createServer((socket) => {
  const cred: PeerCred = read(socket);
  const pid: number | null = cred.pid;
  const byFd: PeerCred = read(socket.readyState === 'open' ? 3 : 4);
  const gids: number[] = groups(socket);
  const label: string | null = securityLabel(socket);
  const fd: number = pidfd(socket);
  const peer: PeerProcess = peerProcess(socket);
  const me: PeerProcess = ownProcess();
  const session: number | null = peer.sessionId();
  const shared: boolean = peer.sameSession(me);
  const args: Array<string | Buffer> = peer.cmdline();
  const exe: string | Buffer = peer.exe();
  const runs: boolean = peer.exeMatches('/usr/bin/node') || peer.exeMatches(Buffer.from('/usr/bin/node'));
  const digest: Buffer = peer.exeSha256();
  const parent: number | null = peer.parentPid();
  peer.close();
  me.close();
  void [pid, byFd, gids, label, fd, session, shared, args, exe, runs, digest, parent, PeerProcess.fromPidfd(fd).pid];
});
