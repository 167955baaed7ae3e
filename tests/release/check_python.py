#!/usr/bin/env python3
"""PyPI: `twine check --strict` on the wheels and the sdist (the README renders,
the metadata is complete), then their contents: the licenses, the version,
the classifiers PyPI accepts, the project URLs, and no file that is neither
in git nor built (the extension module, the metadata).

usage: check_python.py DIR   (dist/python; TWINE names twine)
"""
import email.parser
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

from common import LICENSE, REPOSITORY, VERSION, Problems, tracked_files

PACKAGE_SOURCE = "bindings/python"  # the sdist's root, and the wheel's python/ tree under it
# The metadata a wheel's .dist-info holds besides its licenses; maturin adds a CycloneDX SBOM.
DIST_INFO = re.compile(r"[^/]+\.dist-info/(METADATA|WHEEL|RECORD|licenses/LICENSE-(MIT|APACHE)|sboms/[^/]+\.json)")
EXTENSION = re.compile(r"peercred/_peercred(\.abi3)?\.so")


def metadata(problems, where, text):
    meta = email.parser.Parser().parsestr(text)
    problems.version(where, meta["Version"])
    if meta["License-Expression"] != LICENSE:
        problems.error(where, f"License-Expression {meta['License-Expression']!r}, Cargo.toml says {LICENSE!r}")
    if not (meta["Description-Content-Type"] or "").startswith("text/markdown"):
        problems.error(where, "the README is not declared as Markdown")
    problems.readme(where, meta.get_payload())
    urls = dict(entry.split(", ", 1) for entry in meta.get_all("Project-URL") or [])
    if "Repository" not in urls:
        problems.error(where, "no Repository project URL")
    for url in urls.values():
        problems.url(where, url)
    classifiers = meta.get_all("Classifier") or []
    try:
        from trove_classifiers import classifiers as known
    except ImportError:
        known = None
    unknown = [c for c in classifiers if known is not None and c not in known]
    if unknown:
        problems.error(where, f"classifiers PyPI rejects: {unknown}")
    if any(c.startswith("License ::") for c in classifiers):
        problems.error(where, "a License classifier beside License-Expression: PyPI rejects both")
    return meta


def check_wheel(problems, path, tracked):
    where = path.name
    if f"-{VERSION}-" not in path.name:
        problems.error(where, f"file name does not carry Cargo.toml's version {VERSION}")
    with zipfile.ZipFile(path) as wheel:
        names = wheel.namelist()
        info = next((n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA")), None)
        if info is None:
            problems.error(where, "no .dist-info/METADATA")
            return
        metadata(problems, where, wheel.read(f"{info}/METADATA").decode())
        tags = re.findall(r"^Tag: (\S+)", wheel.read(f"{info}/WHEEL").decode(), re.M)
        if not tags or any(tag.split("-")[-1].startswith("linux_") for tag in tags):
            problems.error(where, f"platform tags {tags}: PyPI takes manylinux/musllinux wheels only")
        problems.licenses(
            where, {n: wheel.read(f"{info}/licenses/{n}") if f"{info}/licenses/{n}" in names else None
                    for n in ("LICENSE-MIT", "LICENSE-APACHE")}
        )
        extensions = [n for n in names if EXTENSION.fullmatch(n)]
        if len(extensions) != 1:
            problems.error(where, f"expected one native module peercred/_peercred*.so, found {extensions}")
        strays = [
            n for n in names
            if not DIST_INFO.fullmatch(n) and not EXTENSION.fullmatch(n)
            and f"{PACKAGE_SOURCE}/python/{n}" not in tracked
        ]
        problems.strays(where, strays)
        problems.ok(where, f"{len(names)} files")


def check_sdist(problems, path, tracked):
    where = path.name
    top = f"peercred-{VERSION}"
    if path.name != f"{top}.tar.gz":
        problems.error(where, f"expected {top}.tar.gz (Cargo.toml's version {VERSION})")
    with tarfile.open(path) as tar:
        files = {m.name: m for m in tar.getmembers() if m.isfile()}
        outside = [n for n in files if not n.startswith(f"{top}/")]
        if outside:
            problems.error(where, f"files outside {top}/: {outside}")
        read = lambda name: tar.extractfile(files[name]).read() if name in files else None  # noqa: E731
        pkg_info = read(f"{top}/PKG-INFO")
        if pkg_info is None:
            problems.error(where, "no PKG-INFO")
        else:
            metadata(problems, where, pkg_info.decode())
        problems.licenses(where, {n: read(f"{top}/{n}") for n in ("LICENSE-MIT", "LICENSE-APACHE")})
        # maturin lays the package's own folder at the root and the workspace
        # crates it needs at their paths in the repository.
        strays = [
            n for n in files
            if n.startswith(f"{top}/")
            and (rel := n.split("/", 1)[1]) != "PKG-INFO"
            and f"{PACKAGE_SOURCE}/{rel}" not in tracked
            and rel not in tracked
        ]
        problems.strays(where, strays)
        problems.ok(where, f"{len(files)} files")


def main(dist):
    dist = Path(dist)
    problems = Problems(f"PyPI: twine check --strict and the contents of {dist}")
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    if not wheels:
        problems.error(str(dist), "no wheel")
    if len(sdists) != 1:
        problems.error(str(dist), f"expected one sdist, found {[p.name for p in sdists]}")
    if wheels or sdists:
        twine = os.environ.get("TWINE", "twine")
        run = subprocess.run([twine, "--no-color", "check", "--strict", *map(str, wheels + sdists)])
        if run.returncode:
            problems.error("twine check --strict", f"exit status {run.returncode}")
    tracked = tracked_files()
    for wheel in wheels:
        check_wheel(problems, wheel, tracked)
    for sdist in sdists:
        check_sdist(problems, sdist, tracked)
    problems.finish()


if __name__ == "__main__":
    main(*sys.argv[1:])
