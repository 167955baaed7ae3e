'use strict';
// ns per message of createUnixDatagramSocket()'s 'message' event (with the
// sender's credentials), from a sender in another process (bench/filler.py).
// The event loop is held (a synchronous wait on the sender's answer) while
// the sender fills the queue; then the loop drains it and only that is
// timed (CPU time): the readable event, each receive and each 'message' emitted.
// Usage: BENCH_MODULES=... node messages.js [MESSAGES_PER_ROUND]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { ours, emit } = require('./common.js');

const ROUNDS = 7;
const MESSAGES = Number(process.argv[2] ?? 50000);
const FILLER = path.join(__dirname, '..', 'filler.py');

/** Asks the sender to fill the queue; blocks the event loop until it answers how many. */
function fillSync(filler) {
  fs.writeSync(filler.stdin._handle.fd, 'f\n');
  const buf = Buffer.alloc(32);
  let text = '';
  while (!text.includes('\n')) {
    try {
      const n = fs.readSync(filler.stdout._handle.fd, buf);
      text += buf.toString('utf8', 0, n);
    } catch (err) {
      if (err.code !== 'EAGAIN') throw err;
    }
  }
  return Number(text);
}

// CPU time of this process (user + system, us), as bench.js measures: other
// programs on a shared machine do not count.
async function timed(socket, filler, messages) {
  let spent = 0;
  let done = 0;
  while (done < messages) {
    const queued = fillSync(filler);
    let seen = 0;
    const drained = new Promise((resolve) => {
      socket.on('message', function count(msg, info) {
        if (info.cred !== null) seen++;
        if (seen === queued) {
          socket.off('message', count);
          resolve(process.cpuUsage(start));
        }
      });
    });
    const start = process.cpuUsage();
    const used = await drained;
    spent += used.user + used.system;
    done += queued;
  }
  return (spent * 1000) / done;
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peercred-bench-'));
  const address = path.join(dir, 'log');
  const socket = ours.createUnixDatagramSocket();
  await new Promise((resolve) => socket.bind(address, resolve));
  const filler = spawn('python3', [FILLER, address], { stdio: ['pipe', 'pipe', 'inherit'] });
  await timed(socket, filler, MESSAGES / 10); // warm up
  for (let round = 0; round < ROUNDS; round++) {
    const ns = await timed(socket, filler, MESSAGES);
    emit({ name: "createUnixDatagramSocket 'message' (credentials)", round, ns: Number(ns.toFixed(1)) });
  }
  filler.stdin.end();
  socket.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main();
