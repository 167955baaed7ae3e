'use strict';
// The loader (native.js): which binary each platform gets, how the C library
// is told, and what a platform without a binary sees.
const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const installed = path.dirname(require.resolve('@peercred/node/package.json'));
const { targetOf, libcOf, target, SUPPORTED } = require(path.join(installed, 'native.js'));

test('the target of each platform', () => {
  const rows = [
    ['linux', 'x64', 'gnu', 'linux-x64-gnu'],
    ['linux', 'x64', 'musl', 'linux-x64-musl'],
    ['linux', 'arm64', 'gnu', 'linux-arm64-gnu'],
    ['linux', 'arm64', 'musl', 'linux-arm64-musl'],
    ['linux', 'x64', null, null], // a C library we cannot name: no guess
    ['linux', 'ia32', 'gnu', null],
    ['linux', 'arm', 'gnu', null],
    ['darwin', 'arm64', 'never asked', null],
    ['win32', 'x64', 'never asked', null],
    ['freebsd', 'x64', 'never asked', null],
  ];
  for (const [platform, arch, libc, expected] of rows) {
    const ask = () => {
      assert.notStrictEqual(libc, 'never asked', `${platform}: the C library is a Linux question`);
      return libc;
    };
    assert.strictEqual(targetOf(platform, arch, ask), expected, `${platform}-${arch}-${libc}`);
  }
});

/** A minimal ELF64 little-endian file whose program headers hold `interpreter`, if any. */
function elf(interpreter) {
  const header = Buffer.alloc(64);
  header.writeUInt32BE(0x7f454c46, 0);
  header[4] = 2; // ELFCLASS64
  header[5] = 1; // little-endian
  header.writeBigUInt64LE(64n, 32); // e_phoff
  header.writeUInt16LE(56, 54); // e_phentsize
  header.writeUInt16LE(interpreter ? 2 : 0, 56); // e_phnum
  if (!interpreter) return header;
  const phdrs = Buffer.alloc(112);
  phdrs.writeUInt32LE(1, 0); // PT_LOAD first: the interpreter need not come first
  phdrs.writeUInt32LE(3, 56); // PT_INTERP
  const name = Buffer.from(`${interpreter}\0`, 'latin1');
  phdrs.writeBigUInt64LE(BigInt(64 + phdrs.length), 56 + 8); // p_offset
  phdrs.writeBigUInt64LE(BigInt(name.length), 56 + 32); // p_filesz
  return Buffer.concat([header, phdrs, name]);
}

test('the C library named by an ELF interpreter', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'peercred-elf-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const rows = [
    [elf('/lib64/ld-linux-x86-64.so.2'), 'gnu'],
    [elf('/lib/ld-linux-aarch64.so.1'), 'gnu'],
    [elf('/nix/store/abc-glibc-2.40/lib/ld-linux-x86-64.so.2'), 'gnu'],
    [elf('/lib/ld-musl-x86_64.so.1'), 'musl'],
    [elf('/lib/ld-musl-aarch64.so.1'), 'musl'],
    [elf('/system/bin/linker64'), null],
    [elf(null), null], // static: no interpreter
    [Buffer.from('#!/bin/sh\n'), null],
    [Buffer.alloc(0), null],
  ];
  rows.forEach(([bytes, expected], i) => {
    const file = path.join(dir, String(i));
    fs.writeFileSync(file, bytes);
    assert.strictEqual(libcOf(file), expected, `row ${i}`);
  });
});

test('this node: the loader names the C library that process.report names', () => {
  // process.report is the slow, independent witness (the loader never uses it).
  const glibc = process.report.getReport().header.glibcVersionRuntime;
  assert.strictEqual(libcOf(process.execPath), glibc ? 'gnu' : 'musl');
  assert.strictEqual(target, `linux-${process.arch}-${glibc ? 'gnu' : 'musl'}`);
});

test('the package carries a binary for every supported target', () => {
  const binaries = fs.readdirSync(installed).filter((name) => name.endsWith('.node')).sort();
  assert.deepStrictEqual(binaries, SUPPORTED.map((t) => `peercred.${t}.node`).sort());
});

// Every export of the package, called on a platform without a binary. The
// platform is faked before the package loads; nothing in the package reads a
// test switch.
const ELSEWHERE = `
const [platform, arch] = process.argv[1].split('-');
Object.defineProperty(process, 'platform', { value: platform });
Object.defineProperty(process, 'arch', { value: arch });
const peercred = require('@peercred/node');
const seen = {};
const record = (name, thunk) => {
  try {
    thunk();
    seen[name] = 'returned';
  } catch (err) {
    seen[name] = { code: err.code, message: err.message, isError: err instanceof Error };
  }
};
for (const [name, value] of Object.entries(peercred)) {
  if (typeof value !== 'function') continue;
  record(name, () => value(3));
  record('new ' + name, () => new value(3));
  for (const key of Object.getOwnPropertyNames(value)) {
    if (typeof value[key] === 'function') record(name + '.' + key, () => value[key](3));
  }
}
import('@peercred/node').then((esm) => {
  seen.esmNames = Object.keys(esm).filter((k) => k !== 'default').sort();
  seen.cjsNames = Object.keys(peercred).sort();
  console.log(JSON.stringify(seen));
});
`;

for (const platform of ['darwin-arm64', 'win32-x64', 'freebsd-x64', 'linux-ia32', 'linux-arm']) {
  test(`${platform}: require succeeds, every function throws ERR_PEERCRED_UNSUPPORTED_PLATFORM`, () => {
    const done = spawnSync(process.execPath, ['-e', ELSEWHERE, platform], { cwd: path.dirname(path.dirname(path.dirname(installed))), encoding: 'utf8' });
    assert.strictEqual(done.status, 0, done.stderr);
    const { esmNames, cjsNames, ...calls } = JSON.parse(done.stdout);
    assert.deepStrictEqual(esmNames, cjsNames);
    assert.ok(Object.keys(calls).length >= cjsNames.length, JSON.stringify(calls));
    for (const [call, outcome] of Object.entries(calls)) {
      assert.strictEqual(outcome.code, 'ERR_PEERCRED_UNSUPPORTED_PLATFORM', `${call}: ${JSON.stringify(outcome)}`);
      assert.ok(outcome.isError, call);
      assert.ok(outcome.message.includes(platform), outcome.message);
      for (const supported of SUPPORTED) assert.ok(outcome.message.includes(supported), outcome.message);
    }
  });
}
