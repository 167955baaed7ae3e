#!/usr/bin/env python3
"""The API/ABI check catches deliberate breaks, and lets additions and
version-bumped breaks through (run by `make test-api-breaks`).

PolicyTests edit copies of the committed baselines (fast); CopyTests break a
copy of the repository for real (a C function no longer exported, two struct
fields swapped, a Python and a Node function removed), dump its surfaces the
way `make api-check` does and check that the report names each break.
Needs RUST_SURFACE and NODE_PATH as mk/api.mk sets them.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BUILD = ROOT / "build" / "api" / "breaks"
BASE_VERSION = (ROOT / "api" / "VERSION").read_text().strip()


def bump(version, part):
    """`version` with `part` (0 major, 1 minor, 2 patch) raised and the parts after it zeroed."""
    parts = [int(p) for p in version.split(".")]
    parts[part] += 1
    return ".".join(str(p) if i <= part else "0" for i, p in enumerate(parts))


BREAKING = bump(BASE_VERSION, 1 if BASE_VERSION.startswith("0.") else 0)
PATCH = bump(BASE_VERSION, 2)


def compare(base, now, version):
    run = subprocess.run(
        [sys.executable, str(HERE / "compare.py"), str(base), str(now), version],
        capture_output=True,
        text=True,
    )
    return run.returncode, run.stdout + run.stderr


def edit(path, old, new, count=1):
    """Replaces `old` (a regex) in the file; the test is wrong if it is not there."""
    text = path.read_text()
    changed, n = re.subn(old, new, text, count=count, flags=re.M)
    if n == 0:
        raise AssertionError(f"{path}: /{old}/ not found; update tests/api/test_breaks.py")
    path.write_text(changed)


class PolicyTests(unittest.TestCase):
    def setUp(self):
        tmp = Path(tempfile.mkdtemp(prefix="peercred-api-"))
        self.addCleanup(shutil.rmtree, tmp)
        self.base, self.now = tmp / "base", tmp / "now"
        shutil.copytree(ROOT / "api", self.base)
        shutil.copytree(ROOT / "api", self.now)
        (self.now / "VERSION").unlink()

    def surface(self, name):
        return self.now / name

    def drop_first_line(self, name):
        path = self.surface(name)
        lines = path.read_text().splitlines(keepends=True)
        path.write_text("".join(lines[1:]))
        return lines[0].rstrip("\n")

    def test_unchanged_passes(self):
        rc, out = compare(self.base, self.now, BASE_VERSION)
        self.assertEqual(rc, 0, out)

    def test_addition_passes(self):
        with self.surface("python/peercred.txt").open("a") as f:
            f.write("peercred.new_function: def new_function() -> int\n")
        rc, out = compare(self.base, self.now, BASE_VERSION)
        self.assertEqual(rc, 0, out)
        self.assertIn("+ peercred.new_function: def new_function() -> int", out)
        self.assertIn("additions (allowed)", out)

    def test_removal_fails_without_bump_and_names_the_item(self):
        removed = self.drop_first_line("rust/peercred.txt")
        for version in (BASE_VERSION, PATCH):
            rc, out = compare(self.base, self.now, version)
            self.assertEqual(rc, 1, out)
            self.assertIn(f"- {removed}", out)
            self.assertIn("rust/peercred.txt: removes or alters the", out)

    def test_removal_passes_with_breaking_bump(self):
        self.drop_first_line("node/peercred.txt")
        rc, out = compare(self.base, self.now, BREAKING)
        self.assertEqual(rc, 0, out)
        self.assertIn("allowed by the new version", out)

    def test_c_break_needs_new_soname_even_with_bump(self):
        edit(self.surface("c/constants.txt"), r"^#define PEERCRED_ERR_PANIC .*$", "#define PEERCRED_ERR_PANIC -1")
        rc, out = compare(self.base, self.now, BREAKING)
        self.assertEqual(rc, 1, out)
        self.assertIn("+ #define PEERCRED_ERR_PANIC -1", out)
        self.assertIn("needs a new SONAME", out)
        edit(self.surface("c/libpeercred.abi.xml"), r'soname="libpeercred\.so\.0"', 'soname="libpeercred.so.1"')
        rc, out = compare(self.base, self.now, BREAKING)
        self.assertEqual(rc, 0, out)

    def test_new_soname_needs_breaking_bump(self):
        edit(self.surface("c/libpeercred.abi.xml"), r'soname="libpeercred\.so\.0"', 'soname="libpeercred.so.1"')
        rc, out = compare(self.base, self.now, PATCH)
        self.assertEqual(rc, 1, out)
        self.assertIn("the SONAME changed (libpeercred.so.0 -> libpeercred.so.1) without a breaking version bump", out)


class CopyTests(unittest.TestCase):
    """One broken copy of the repository, dumped once, compared twice."""

    @classmethod
    def setUpClass(cls):
        repo = BUILD / "repo"
        shutil.rmtree(repo, ignore_errors=True)
        files = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT, check=True, capture_output=True,
        ).stdout.decode().split("\0")
        for name in filter(None, files):
            src = ROOT / name
            if src.is_file():
                (repo / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, repo / name, follow_symlinks=False)
        ffi = repo / "crates/peercred-ffi/src"
        # A removed C function: peercred_version is no longer exported.
        edit(ffi / "info.rs", r'^#\[(unsafe\()?no_mangle\)?\]\n(pub (unsafe )?extern "C" fn peercred_version\b)', r"\2")
        # A changed struct: uid and gid of peercred_ucred trade places.
        edit(ffi / "cred.rs", r"^(\s*)pub uid: u32,\n((?:\s*///.*\n)*)(\s*)pub gid: u32,", r"\1pub gid: u32,\n\2\3pub uid: u32,")
        # A removed Python function: pidfd, from the stub and the package.
        package = repo / "bindings/python/python/peercred"
        edit(package / "_peercred.pyi", r"^def pidfd\(.*\n", "")
        edit(package / "__init__.py", r'^\s*"?pidfd"?,\n', "", count=2)
        # A removed Node function.
        edit(repo / "bindings/node/index.d.ts", r"^export function pidfd\(.*\n", "")

        cls.now = BUILD / "now"
        env = dict(os.environ, CARGO_TARGET_DIR=str(BUILD / "target"))
        subprocess.run([str(repo / "tests/api/surfaces.sh"), str(cls.now)], env=env, check=True)
        cls.base = repo / "api"

    def test_breaks_fail_with_a_readable_report(self):
        rc, out = compare(self.base, self.now, BASE_VERSION)
        print(f"\n---- the report on the broken copy, version {BASE_VERSION} ----\n{out}----")
        self.assertEqual(rc, 1, out)
        self.assertIn("[D] 'function i8* peercred_version()'", out)
        self.assertIn("'u32 uid' offset changed from 32 to 64", out)
        self.assertIn("'u32 gid' offset changed from 64 to 32", out)
        self.assertRegex(out, r"- peercred\.pidfd: def pidfd\(")
        self.assertRegex(out, r"- pidfd: function pidfd\(")
        for surface in ("c/libpeercred.abi.xml", "python/peercred.txt", "node/peercred.txt"):
            self.assertIn(f"{surface}: removes or alters the {BASE_VERSION} surface", out)
        self.assertIn("API/ABI check FAILED", out)

    def test_version_bump_allows_all_but_the_c_break(self):
        rc, out = compare(self.base, self.now, BREAKING)
        self.assertEqual(rc, 1, out)
        self.assertIn("python/peercred.txt: breaking changes, allowed by the new version", out)
        self.assertIn("node/peercred.txt: breaking changes, allowed by the new version", out)
        self.assertIn("c/libpeercred.abi.xml: removes or alters", out)
        self.assertIn("needs a new SONAME (still libpeercred.so.0) and a breaking version bump", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
