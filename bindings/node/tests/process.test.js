'use strict';
// tests/cases.json's "process" table (process-table.js), in a PID namespace of
// its own when root, where the pid-reused row can steer pids.
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { isRoot } = require('./helpers.js');

test('every row of the process table', () => {
  const table = [process.execPath, path.join(__dirname, 'process-table.js')];
  const argv = isRoot ? ['unshare', '--pid', '--fork', '--mount-proc', ...table] : table;
  const run = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 120_000 });
  assert.strictEqual(run.status, 0, run.stdout + run.stderr);
});
