'use strict';
// Loads the addon built for this platform. The package carries one binary per
// supported target and no install script: the choice happens here, from
// process.platform, process.arch and the C library of the running node, which
// the ELF interpreter of its executable names (two small reads). Reading it is
// exact and costs microseconds; process.report costs milliseconds, and
// /usr/bin/ldd describes the system rather than this process.
//
// On a platform without a binary, require() still succeeds (a daemon's test
// suite must run on its developers' laptops) and every function of the API
// throws ERR_PEERCRED_UNSUPPORTED_PLATFORM.

const fs = require('node:fs');
const path = require('node:path');

const SUPPORTED = ['linux-x64-gnu', 'linux-arm64-gnu', 'linux-x64-musl', 'linux-arm64-musl'];
const PT_INTERP = 3;

/** The C library the ELF executable at `file` runs with: 'gnu', 'musl', or null when it names none we know. */
function libcOf(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const header = Buffer.alloc(64);
    // ELF64, little-endian: what both supported architectures use.
    if (fs.readSync(fd, header, 0, 64, 0) < 64 || header.readUInt32BE(0) !== 0x7f454c46 || header[4] !== 2 || header[5] !== 1) {
      return null;
    }
    const phoff = Number(header.readBigUInt64LE(32));
    const phentsize = header.readUInt16LE(54);
    const phnum = header.readUInt16LE(56);
    const table = Buffer.alloc(phentsize * phnum);
    fs.readSync(fd, table, 0, table.length, phoff);
    for (let entry = 0; entry + 40 <= table.length; entry += phentsize) {
      if (table.readUInt32LE(entry) !== PT_INTERP) continue;
      const interpreter = Buffer.alloc(Math.min(Number(table.readBigUInt64LE(entry + 32)), 4096));
      fs.readSync(fd, interpreter, 0, interpreter.length, Number(table.readBigUInt64LE(entry + 8)));
      const name = path.basename(interpreter.toString('latin1').replace(/\0.*$/s, ''));
      if (name.startsWith('ld-musl-')) return 'musl';
      if (name.startsWith('ld-linux')) return 'gnu';
      return null;
    }
    return null; // a static executable: it cannot load an addon at all
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The target name ('linux-x64-gnu'...) of a platform, or null when the
 * package has no binary for it. `libc` is a function, asked only on Linux.
 */
function targetOf(platform, arch, libc) {
  if (platform !== 'linux' || (arch !== 'x64' && arch !== 'arm64')) return null;
  const c = libc();
  return c === null ? null : `linux-${arch}-${c}`;
}

function runningLibc() {
  try {
    return libcOf('/proc/self/exe');
  } catch {
    return libcOf(process.execPath); // no /proc (some sandboxes)
  }
}

function unsupportedPlatformError(platform) {
  const err = new Error(
    `@peercred/node has no binary for ${platform}; it supports ${SUPPORTED.join(', ')} ` +
      '(SO_PEERCRED and pidfds are Linux interfaces)',
  );
  err.code = 'ERR_PEERCRED_UNSUPPORTED_PLATFORM';
  return err;
}

const target = targetOf(process.platform, process.arch, runningLibc);
const file = target && path.join(__dirname, `peercred.${target}.node`);
// A binary that exists for this platform but does not load is a broken install: fail loudly now.
const binding = file && require(file);
const platformName = target ?? `${process.platform}-${process.arch}${process.platform === 'linux' ? ' (unrecognised C library)' : ''}`;

/** A stand-in whose every call throws the unsupported-platform error, for one function or class. */
function unavailable(value) {
  const stub = function unsupported() {
    throw unsupportedPlatformError(platformName);
  };
  for (const key of Object.getOwnPropertyNames(value)) {
    if (typeof value[key] === 'function' && key !== 'prototype') stub[key] = unavailable(value[key]);
  }
  Object.defineProperty(stub, 'name', { value: value.name });
  return stub;
}

/** `api` itself where the binary loaded; elsewhere the same names, each function throwing. */
function forThisPlatform(api) {
  if (binding) return api;
  return Object.fromEntries(
    Object.entries(api).map(([name, value]) => [name, typeof value === 'function' ? unavailable(value) : value]),
  );
}

module.exports = { binding, file, target, targetOf, libcOf, forThisPlatform, SUPPORTED };
