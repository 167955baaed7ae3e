'use strict';
// The keyrack daemon's check, done right: admit a caller only if it runs under
// our uid, in our login session, from an executable on the allow-list. The
// facts come from the caller's process held by its pidfd, so none of them can
// describe another process that reused the caller's pid (the `ss -xp | grep`
// approach named the daemon itself for half of all connections). Each refusal
// is logged with its reason.
// Usage: node keyrack-daemon.js SOCKET_PATH EXE [EXE ...]
const fs = require('node:fs');
const net = require('node:net');
const { read, peerProcess } = require('@peercred/node');

const [sockPath, ...allowList] = process.argv.slice(2);
if (!sockPath || allowList.length === 0) {
  console.error('usage: node keyrack-daemon.js SOCKET_PATH EXE [EXE ...]');
  process.exit(2);
}
const allowed = new Set(allowList.map((exe) => fs.realpathSync(exe)));
const NO_SESSION = 4294967295;
const ownSession = Number(fs.readFileSync('/proc/self/sessionid', 'utf8'));
const mySession = ownSession === NO_SESSION ? null : ownSession;

/** null when the caller is admitted, else why not. */
function refusal(socket) {
  const cred = read(socket);
  if (cred.uid !== process.geteuid()) return `uid ${cred.uid} is not ours (${process.geteuid()})`;
  const peer = peerProcess(socket);
  try {
    const session = peer.sessionId();
    if (session !== mySession) return `session ${session} is not ours (${mySession})`;
    const exe = peer.exe();
    if (!allowed.has(exe)) return `executable ${exe} is not on the allow-list`;
    return null;
  } finally {
    peer.close();
  }
}

const server = net.createServer((socket) => {
  let reason;
  try {
    reason = refusal(socket);
  } catch (err) {
    reason = err.code === 'ESRCH' ? 'the caller exited before it could be checked' : err.message;
  }
  if (reason === null) {
    console.error(`keyrack: admitted pid ${read(socket).pid}`);
    socket.end('welcome\n');
  } else {
    console.error(`keyrack: refused: ${reason}`);
    socket.end(`refused: ${reason}\n`);
  }
});
server.listen(sockPath, () => console.error(`keyrack: listening on ${sockPath}, session ${mySession}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
