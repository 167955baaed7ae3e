'use strict';
// A worker thread that reads the credentials of `fd` `reads` times and reports.
const { parentPort, workerData } = require('node:worker_threads');
const { read } = require('@peercred/node');

const first = read(workerData.fd);
let wrong = 0;
for (let i = 0; i < workerData.reads; i++) {
  const cred = read(workerData.fd);
  if (cred.pid !== first.pid || cred.uid !== first.uid || cred.gid !== first.gid) wrong++;
}
parentPort.postMessage({ wrong, cred: first });
