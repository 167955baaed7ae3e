#!/usr/bin/env python3
"""The C archives: each dist/c/peercred-VERSION-TARGET.tar.gz holds, under one
folder of its own name, exactly what `make install` lays out: the header of
the repository, the library with its SONAME links, the static library, a
pkg-config file of this version, and the licenses.

usage: check_c.py DIR   (dist/c)
"""
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from common import ROOT, VERSION, Problems

SONAME = "libpeercred.so.0"
FILES = {
    "include/peercred.h",
    f"lib/libpeercred.so.{VERSION}",
    "lib/libpeercred.a",
    "lib/pkgconfig/peercred.pc",
    "share/doc/peercred/LICENSE-MIT",
    "share/doc/peercred/LICENSE-APACHE",
}
LINKS = {f"lib/{SONAME}": f"libpeercred.so.{VERSION}", "lib/libpeercred.so": SONAME}


def check_archive(problems, path):
    where = path.name
    match = re.fullmatch(r"peercred-(.+?)-([a-z0-9_]+-[a-z0-9_-]+)\.tar\.gz", path.name)
    if not match:
        problems.error(where, "not named peercred-VERSION-TARGET.tar.gz")
        return
    problems.version(where, match.group(1))
    top = path.name.removesuffix(".tar.gz")
    with tarfile.open(path) as tar:
        members = tar.getmembers()
        outside = [m.name for m in members if m.name != top and not m.name.startswith(f"{top}/")]
        if outside:
            problems.error(where, f"entries outside {top}/: {outside}")
        rel = {m.name.removeprefix(f"{top}/"): m for m in members if m.name.startswith(f"{top}/")}
        files = {n for n, m in rel.items() if m.isfile()}
        links = {n: m.linkname for n, m in rel.items() if m.issym()}
        read = lambda name: tar.extractfile(rel[name]).read() if name in files else None  # noqa: E731
        for name in sorted(FILES - files):
            problems.error(where, f"{name} is missing")
        problems.strays(where, files - FILES)
        problems.strays(where, set(links) - set(LINKS))
        for name, target in LINKS.items():
            if links.get(name) != target:
                problems.error(where, f"{name} should link to {target}, links to {links.get(name)}")
        problems.licenses(where, {n: read(f"share/doc/peercred/{n}") for n in ("LICENSE-MIT", "LICENSE-APACHE")})
        if read("include/peercred.h") not in (None, (ROOT / "include/peercred.h").read_bytes()):
            problems.error(where, "include/peercred.h differs from the repository's")
        pc = (read("lib/pkgconfig/peercred.pc") or b"").decode()
        pc_version = re.search(r"^Version:\s*(\S+)", pc, re.M)
        problems.version(f"{where}: peercred.pc", pc_version and pc_version.group(1))
        library = read(f"lib/libpeercred.so.{VERSION}")
        if library is not None:
            with tempfile.NamedTemporaryFile() as so:
                so.write(library)
                so.flush()
                dynamic = subprocess.run(["readelf", "-d", so.name], capture_output=True, text=True).stdout
            if f"[{SONAME}]" not in dynamic:
                problems.error(where, f"libpeercred.so.{VERSION} does not carry the SONAME {SONAME}")
        problems.ok(where, f"{len(files)} files, {len(links)} links")


def main(dist):
    dist = Path(dist)
    problems = Problems(f"C archives in {dist}")
    archives = sorted(dist.glob("*.tar.gz"))
    if not archives:
        problems.error(str(dist), "no archive")
    for archive in archives:
        check_archive(problems, archive)
    problems.finish()


if __name__ == "__main__":
    main(*sys.argv[1:])
