'use strict';
// A syslog-style logger: a datagram socket that stamps every line with the
// sender's uid, pid and executable, as the kernel attached them to the message
// (createUnixDatagramSocket), never as the sender claims in the text.
// Try it: `logger -u SOCKET_PATH hello`.
//
// Each line: "uid=U pid=P exe=E: TEXT", with "?" for what the message did not
// prove (no credentials, or a sender that already exited), and control bytes
// of TEXT escaped so that a sender cannot forge a line of its own.
// Usage: node logger.js SOCKET_PATH (removes the socket file on SIGINT/SIGTERM).
const fs = require('node:fs');
const net = require('node:net');
const { createUnixDatagramSocket } = require('@peercred/node');

const [sockPath] = process.argv.slice(2);
if (!sockPath) {
  console.error('usage: node logger.js SOCKET_PATH');
  process.exit(2);
}

/** The text without its trailing newlines, control bytes and backslashes as \xNN. */
function escape(data) {
  let end = data.length;
  while (end > 0 && data[end - 1] === 0x0a) end--;
  let text = '';
  for (let i = 0; i < end; i++) {
    const b = data[i];
    text += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return text;
}

function stamp(info) {
  if (info.cred === null) return 'uid=? pid=? exe=?';
  let exe = '?';
  try {
    exe = info.process?.exe() ?? '?'; // null before Linux 6.5
  } catch {
    // the sender has exited: nothing more can be said of it
  }
  return `uid=${info.cred.uid} pid=${info.cred.pid ?? '?'} exe=${exe}`;
}

const logger = createUnixDatagramSocket();
logger.on('message', (msg, info) => {
  process.stdout.write(`${stamp(info)}: ${escape(msg)}\n`);
  if (info.truncated) process.stdout.write(`(the message above was cut to ${msg.length} bytes)\n`);
});
logger.on('error', (err) => {
  console.error(`logger: ${err.message}`);
  process.exit(1);
});

// Replace a stale socket file, but never a live socket: connecting to a stale
// file is refused, to a live datagram socket it is the wrong type (EPROTOTYPE).
function start() {
  const probe = net.connect(sockPath);
  probe.on('connect', () => refuse());
  probe.on('error', (err) => {
    if (err.code === 'ECONNREFUSED') fs.unlinkSync(sockPath);
    else if (err.code !== 'ENOENT') refuse();
    logger.bind(sockPath, () => fs.chmodSync(sockPath, 0o666)); // anyone may log; the stamp says who did
  });
}

function refuse() {
  console.error(`logger: another socket is live on ${sockPath}`);
  process.exit(1);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => logger.close(() => {
    fs.rmSync(sockPath, { force: true });
    process.exit(0);
  }));
}
start();
