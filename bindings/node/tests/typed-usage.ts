// Compiled by `tsc --noEmit --strict` (mk/node.mk): the shipped types must
// describe real usage.
import * as net from 'node:net';
import { read, groups, securityLabel, pidfd, peerProcess, PeerProcess, uidMapping, gidMapping, type PeerCred, type IdMapping } from '@peercred/node';

net.createServer((socket) => {
  const cred: PeerCred = read(socket);
  const pid: number | null = cred.pid;
  const byFd: PeerCred = read(socket.readyState === 'open' ? 3 : 4);
  const gids: number[] = groups(socket);
  const mapping: IdMapping = uidMapping(cred.uid);
  const real: boolean = gidMapping(cred.gid) === 'mapped';
  const label: string | null = securityLabel(socket);
  const fd: number = pidfd(socket);
  const peer: PeerProcess = peerProcess(socket);
  const session: number | null = peer.sessionId();
  const args: string[] = peer.cmdline();
  peer.close();
  void [pid, byFd, gids, mapping, real, label, fd, session, args, PeerProcess.fromPidfd(fd).pid];
});
