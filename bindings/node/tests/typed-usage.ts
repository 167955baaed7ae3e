// Compiled by `tsc --noEmit --strict` (mk/node.mk): the shipped types must
// describe real usage.
import * as http from 'node:http';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import {
  read,
  groups,
  securityLabel,
  pidfd,
  peerProcess,
  PeerProcess,
  connectionProcess,
  listenGrpc,
  uidMapping,
  gidMapping,
  type PeerCred,
  type GrpcCall,
  type IdMapping,
} from '@peercred/node';

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

http.createServer((req, res) => {
  const cred: PeerCred = read(req);
  const exe: string = connectionProcess(req).exe();
  res.end(JSON.stringify({ cred, exe }));
});
http2.createServer((req, res) => {
  res.end(String(read(req).uid + connectionProcess(req).uid()));
});
const grpcLike = {
  createConnectionInjector: (_credentials: unknown) => ({ injectConnection: (_socket: net.Socket) => {}, destroy: () => {} }),
};
void listenGrpc(grpcLike, '/run/app.sock', null).then((server: net.Server) => server.close());
const call: GrpcCall = { getPeer: () => 'peercred-unix:1' };
void [() => read(call), () => connectionProcess(call)];
