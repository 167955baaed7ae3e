#!/usr/bin/env python3
"""Every release check fails, naming the cause, on a doctored copy of the
artifact it passed: a license removed, a stray file added, a version that
is not Cargo.toml's. Run by `make test-release-checks` after release-check.

The crate, the wheel, the sdist, the npm tarball and the C archive are each
rewritten three ways in a temporary folder; dist/ and target/ stay untouched.
"""
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest
import zipfile
from pathlib import Path

from common import ROOT, VERSION

HERE = Path(__file__).resolve().parent
DIST = ROOT / "dist"
WRONG = "9.9.9"


def one(pattern):
    found = sorted(DIST.glob(pattern))
    if not found:
        raise AssertionError(f"no {pattern} under {DIST}: run make release-check first")
    return found[0]


def rewrite_tar(src, dst, drop=None, add=None, edit=None):
    """A copy of a .tar.gz without the member ending in `drop`, with `add` (name, text) next to
    its first member, and `edit` (suffix, function on the text) applied to a member."""
    with tarfile.open(src) as old, tarfile.open(dst, "w:gz", compresslevel=1) as new:
        members = old.getmembers()
        prefix = members[0].name.split("/")[0]
        for member in members:
            if drop and member.name.endswith(drop):
                continue
            data = old.extractfile(member).read() if member.isfile() else None
            if edit and member.isfile() and member.name.endswith(edit[0]):
                data = edit[1](data.decode()).encode()
                member.size = len(data)
            new.addfile(member, io.BytesIO(data) if data is not None else None)
        if add:
            info = tarfile.TarInfo(f"{prefix}/{add[0]}")
            info.size = len(add[1])
            new.addfile(info, io.BytesIO(add[1].encode()))


def rewrite_zip(src, dst, drop=None, add=None, edit=None):
    with zipfile.ZipFile(src) as old, zipfile.ZipFile(dst, "w") as new:
        for item in old.infolist():
            if drop and item.filename.endswith(drop):
                continue
            data = old.read(item)
            if edit and item.filename.endswith(edit[0]):
                data = edit[1](data.decode()).encode()
            new.writestr(item, data)
        if add:
            new.writestr(add[0], add[1])


def version_line(key):
    """An edit that sets `key` to the wrong version, in TOML, JSON or e-mail header style."""
    return lambda text: re.sub(rf'^(\s*{key}\s*[:=]\s*"?){re.escape(VERSION)}', rf"\g<1>{WRONG}", text, count=1, flags=re.M)


def check(*args):
    # twine ran in release-check on the real artifacts; here only the contents checks matter.
    env = dict(os.environ, TWINE="true")
    run = subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, cwd=HERE, env=env)
    return run.returncode, run.stdout + run.stderr


class Case(unittest.TestCase):
    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="peercred-release-"))
        self.addCleanup(shutil.rmtree, self.tmp)

    def assertFails(self, result, *messages):
        rc, out = result
        self.assertEqual(rc, 1, out)
        for message in messages:
            self.assertIn(message, out)


class CrateChecks(Case):
    def doctored(self, **how):
        src = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "package" / f"peercred-{VERSION}.crate"
        dst = self.tmp / src.name
        rewrite_tar(src, dst, **how)
        return check("check_crates.py", dst)

    def test_missing_license(self):
        self.assertFails(self.doctored(drop="/LICENSE-MIT"), "LICENSE-MIT is missing")

    def test_stray_file(self):
        self.assertFails(self.doctored(add=("src/notes.txt", "x")), "stray file src/notes.txt")

    def test_wrong_version(self):
        self.assertFails(self.doctored(edit=("/Cargo.toml", version_line("version"))), f"version '{WRONG}' differs")


class PythonChecks(Case):
    def doctored(self, pattern, rewrite, **how):
        """The dist folder with one artifact doctored and the others as they are."""
        for artifact in (DIST / "python").iterdir():
            if artifact.match(pattern):
                rewrite(artifact, self.tmp / artifact.name, **how)
            else:
                shutil.copy(artifact, self.tmp)
        return check("check_python.py", self.tmp)

    def test_wheel_missing_license(self):
        self.assertFails(self.doctored("*.whl", rewrite_zip, drop="licenses/LICENSE-MIT"), "LICENSE-MIT is missing")

    def test_wheel_stray_file(self):
        self.assertFails(self.doctored("*.whl", rewrite_zip, add=("peercred/notes.txt", "x")), "stray file peercred/notes.txt")

    def test_wheel_wrong_version(self):
        self.assertFails(
            self.doctored("*.whl", rewrite_zip, edit=("/METADATA", version_line("Version"))), f"version '{WRONG}' differs"
        )

    def test_sdist_missing_license(self):
        self.assertFails(self.doctored("*.tar.gz", rewrite_tar, drop=f"{VERSION}/LICENSE-APACHE"), "LICENSE-APACHE is missing")

    def test_sdist_stray_file(self):
        self.assertFails(self.doctored("*.tar.gz", rewrite_tar, add=("notes.txt", "x")), "stray file peercred-")

    def test_sdist_wrong_version(self):
        self.assertFails(
            self.doctored("*.tar.gz", rewrite_tar, edit=("/PKG-INFO", version_line("Version"))), f"version '{WRONG}' differs"
        )


class NpmChecks(Case):
    def doctored(self, **how):
        src = one("node/*.tgz")
        dst = self.tmp / src.name
        rewrite_tar(src, dst, **how)
        return check("check_npm.py", "--tarball", dst)

    def test_missing_license(self):
        self.assertFails(self.doctored(drop="/LICENSE-MIT"), "LICENSE-MIT is missing", '"files" names LICENSE-MIT')

    def test_stray_file(self):
        self.assertFails(self.doctored(add=("notes.txt", "x")), "stray file notes.txt")

    def test_wrong_version(self):
        self.assertFails(self.doctored(edit=("/package.json", version_line('"version"'))), f"version '{WRONG}' differs")


class CArchiveChecks(Case):
    def doctored(self, **how):
        src = one("c/*.tar.gz")
        rewrite_tar(src, self.tmp / src.name, **how)
        return check("check_c.py", self.tmp)

    def test_missing_license(self):
        self.assertFails(self.doctored(drop="/LICENSE-MIT"), "share/doc/peercred/LICENSE-MIT is missing")

    def test_stray_file(self):
        self.assertFails(self.doctored(add=("lib/notes.txt", "x")), "stray file lib/notes.txt")

    def test_wrong_version(self):
        self.assertFails(
            self.doctored(edit=("/peercred.pc", version_line("Version"))), f"peercred.pc: version '{WRONG}' differs"
        )


if __name__ == "__main__":
    unittest.main(verbosity=2)
