'use strict';
// What loading @peercred/node costs: require() in a fresh node, and the step
// that picks the binary, telling glibc from musl by the ELF interpreter of the
// running node, next to process.report, the way napi-rs's generated loader
// falls back to. Usage: BENCH_MODULES=... node load.js
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { emit, median } = require('./common.js');

const ROUNDS = 7;
const PACKAGE = path.join(process.env.BENCH_MODULES, '@peercred', 'node');
const { libcOf } = require(path.join(PACKAGE, 'native.js'));

// One fresh node per sample: the first require is the one an application pays.
const FRESH = `const start = process.hrtime.bigint(); require(process.argv[1]);
process.stdout.write(String(process.hrtime.bigint() - start));`;

function requireNs() {
  const done = spawnSync(process.execPath, ['-e', FRESH, PACKAGE], { encoding: 'utf8' });
  if (done.status !== 0) throw new Error(done.stderr);
  return Number(done.stdout);
}

function perCall(call, calls) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) call();
  return Number(process.hrtime.bigint() - start) / calls;
}

const contestants = [
  ["require('@peercred/node'), fresh node", () => median(Array.from({ length: 5 }, requireNs))],
  ['libc: ELF interpreter of /proc/self/exe', () => perCall(() => libcOf('/proc/self/exe'), 2000)],
  ['libc: process.report.getReport()', () => perCall(() => process.report.getReport().header.glibcVersionRuntime, 5)],
];
for (const [, measure] of contestants) measure(); // warm up
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, measure] of contestants) emit({ name, round, ns: Number(measure().toFixed(1)) });
}
