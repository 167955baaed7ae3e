'use strict';
// The keyrack daemon's check: admit a caller only if, when it connected, the
// kernel recorded our uid and the group of one of the allowed programs, and it
// runs in our login session. Each refusal is logged with its reason.
//
// Why not "the caller runs an executable on the allow-list": whatever is read
// from the caller's process is read now, and a caller can connect, then exec
// an allowed program (or a setuid one) while a process it forked keeps the
// socket; in its own mount namespace it can even give any file an allowed
// path. Only what the kernel recorded at connect() binds the connection. So
// each allowed program must be set-group-ID to a group of its own, which no
// process of ours holds otherwise: the gid recorded at connect() then says
// which program connected, and nothing done after connect() changes it. The
// kernel also hides such a process from same-uid code (no ptrace, no
// LD_PRELOAD, no /proc/PID/exe), so nothing can drive the genuine program
// from outside; the same protection keeps exeMatches() from looking at it
// from an unprivileged daemon, and the recorded gid makes that unnecessary.
//
// Usage: node keyrack-daemon.js SOCKET_PATH EXE [EXE ...]
//   each EXE: a compiled program (the kernel ignores set-group-ID on scripts),
//   mode g+s, whose group no user belongs to (chgrp keyrack-client EXE).
const fs = require('node:fs');
const net = require('node:net');
const { read, peerProcess, ownProcess } = require('@peercred/node');

const [sockPath, ...allowList] = process.argv.slice(2);
if (!sockPath || allowList.length === 0) {
  console.error('usage: node keyrack-daemon.js SOCKET_PATH EXE [EXE ...]');
  process.exit(2);
}

/** Group ids that are some account's primary group or list members, from the files. */
function groupsWithMembers() {
  const taken = new Set();
  const lines = (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : []);
  for (const line of lines('/etc/group')) {
    const [, , gid, members] = line.split(':');
    if (members) taken.add(Number(gid));
  }
  for (const line of lines('/etc/passwd')) taken.add(Number(line.split(':')[3]));
  return taken;
}

/** The allowed programs by their dedicated gid; exits with one line if an entry cannot be one. */
function programsByGroup() {
  const ours = new Set([process.getegid(), process.getgid(), ...process.getgroups()]);
  const taken = groupsWithMembers();
  const programs = new Map();
  for (const exe of allowList) {
    let st;
    try {
      st = fs.statSync(exe);
    } catch (err) {
      console.error(`keyrack: refusing to start: ${exe}: ${err.message}`);
      process.exit(1);
    }
    const why = !st.isFile()
      ? 'is not a regular file'
      : (st.mode & 0o2000) === 0
        ? 'is not set-group-ID'
        : ours.has(st.gid) || taken.has(st.gid)
          ? `is set-group-ID to gid ${st.gid}, which is not a group of its own (we or other accounts hold it)`
          : null;
    if (why !== null) {
      console.error(
        `keyrack: refusing to start: ${exe} ${why}; an executable allow-list alone is not a security rule, ` +
          'because a caller can connect and then exec an allowed program, so what it runs now does not say who connected',
      );
      process.exit(1);
    }
    programs.set(st.gid, fs.realpathSync(exe));
  }
  return programs;
}

const programs = programsByGroup();
const myUid = process.geteuid();
const me = ownProcess();

/** null when the caller is admitted, else why not. */
function refusal(socket) {
  const cred = read(socket); // recorded by the kernel at connect()
  if (cred.uid !== myUid) return `uid ${cred.uid} at connect is not ours (${myUid})`;
  if (!programs.has(cred.gid)) return `gid ${cred.gid} at connect is not the group of an allowed program`;
  const peer = peerProcess(socket);
  try {
    // A session is read now, but no unprivileged process can move into ours.
    if (!peer.sameSession(me)) {
      return `session ${peer.sessionId()} is not ours (${me.sessionId()}; no session matches nothing)`;
    }
  } finally {
    peer.close();
  }
  return null;
}

const server = net.createServer((socket) => {
  let reason;
  try {
    reason = refusal(socket);
  } catch (err) {
    reason = err.code === 'ESRCH' ? 'the caller exited before it could be checked' : err.message;
  }
  if (reason === null) {
    const { pid, gid } = read(socket);
    console.error(`keyrack: admitted pid ${pid}, which connected as ${programs.get(gid)}`);
    socket.end('welcome\n');
  } else {
    console.error(`keyrack: refused: ${reason}`);
    socket.end(`refused: ${reason}\n`);
  }
});
server.listen(sockPath, () => {
  const session = me.sessionId();
  console.error(
    `keyrack: listening on ${sockPath}, session ${session ?? 'none (every caller will be refused)'}, ` +
      `programs ${[...programs.values()].join(', ')}`,
  );
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
