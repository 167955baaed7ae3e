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
  ownProcess,
  PeerProcess,
  connectionProcess,
  listenGrpc,
  uidMapping,
  gidMapping,
  bootId,
  parseCgroup,
  type Cgroup,
  type ExitStatus,
  type Namespaces,
  type ProcessCredentials,
  type PeerCred,
  type GrpcCall,
  type IdMapping,
  createUnixDatagramSocket,
  type UnixDatagramSocket,
  type MessageInfo,
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
  const me: PeerProcess = ownProcess();
  const session: number | null = peer.sessionId();
  const shared: boolean = peer.sameSession(me);
  const args: Array<string | Buffer> = peer.cmdline();
  const exe: string | Buffer = peer.exe();
  const runs: boolean = peer.exeMatches('/usr/bin/node') || peer.exeMatches(Buffer.from('/usr/bin/node'));
  const digest: Buffer = peer.exeSha256();
  const parent: number | null = peer.parentPid();
  const ns: Namespaces = peer.namespaces();
  const container: boolean = !ns.allShared && ns.differing.includes('pid');
  const netId: bigint = ns.ids.net;
  const owner: number = peer.userNamespaceOwner();
  const now: ProcessCredentials = peer.credentials();
  const changed: boolean | null = now.differsFromConnect;
  const root: boolean = now.uid.effective === 0 && (now.capEffective & (1n << 21n)) !== 0n;
  const cgroup: Cgroup = peer.cgroup();
  const unit: string | null = cgroup.unit ?? parseCgroup('/system.slice/foo.service').unit;
  const runtime: 'docker' | 'podman' | 'containerd' | 'cri-o' | null = cgroup.containerRuntime;
  const ids: [bigint, bigint, string, string | null] = [peer.cgroupId(), peer.pidfsId(), bootId(), peer.unitInvocationId()];
  const ended: ExitStatus | null = peer.exitStatus();
  const waited: Promise<void> = peer.waitExit();
  void [ns, container, netId, owner, changed, root, unit, runtime, ids, ended, waited];
  peer.close();
  me.close();
  void [pid, byFd, gids, mapping, real, label, fd, session, shared, args, exe, runs, digest, parent, PeerProcess.fromPidfd(fd).pid];
});

http.createServer((req, res) => {
  const cred: PeerCred = read(req);
  const exe: string | Buffer = connectionProcess(req).exe();
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

const logger: UnixDatagramSocket = createUnixDatagramSocket({ maxMessageSize: 4096 });
logger.on('message', (msg: Buffer, info: MessageInfo) => {
  const uid: number | undefined = info.cred?.uid;
  const from: string | null = info.address;
  const exe: string | Buffer | undefined = info.process?.exe();
  void [msg.length, uid, from, exe, info.truncated, info.discardedFds];
});
logger.bind('/run/mylog.sock', () => logger.send('hello', '/run/mylog.sock', (err, bytes) => void [err, bytes]));
const kind: 'dgram' | 'seqpacket' | 'stream' = createUnixDatagramSocket({ fd: 3 }).type;
void kind;
