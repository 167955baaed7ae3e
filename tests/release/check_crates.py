#!/usr/bin/env python3
"""crates.io: `cargo package` and `cargo publish --dry-run` for every
publishable workspace crate (each .crate built on its own), then each .crate's contents:
the licenses, the README, the metadata crates.io shows, the version, and no
file that git does not track.

usage: check_crates.py            (CARGO may name cargo)
       check_crates.py FILE.crate (only the contents check, for the tests)
"""
import json
import os
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

from common import ROOT, VERSION, Problems, tracked_files

CARGO = os.environ.get("CARGO", "cargo")
# Written by cargo package itself.
GENERATED = {".cargo_vcs_info.json", "Cargo.toml", "Cargo.toml.orig", "Cargo.lock"}
# What crates.io needs (description, license) and shows (the rest).
REQUIRED_FIELDS = ("description", "license", "repository", "homepage", "readme", "keywords", "categories")


def publishable():
    """(name, crate directory relative to the root) of the members without `publish = false`."""
    meta = json.loads(
        subprocess.run(
            [CARGO, "metadata", "--no-deps", "--format-version", "1"], cwd=ROOT, check=True, capture_output=True
        ).stdout
    )
    return [
        (p["name"], Path(p["manifest_path"]).parent.relative_to(ROOT))
        for p in meta["packages"]
        if p["publish"] != []
    ]


def check_crate(problems, crate_file, source_dir, tracked):
    where = crate_file.name
    with tarfile.open(crate_file) as tar:
        members = {m.name.split("/", 1)[1]: m for m in tar.getmembers() if m.isfile()}
        read = lambda name: tar.extractfile(members[name]).read() if name in members else None  # noqa: E731
        manifest = tomllib.loads(read("Cargo.toml").decode())["package"]
        problems.version(where, manifest.get("version"))
        if not crate_file.name.endswith(f"-{VERSION}.crate"):
            problems.error(where, f"file name does not carry Cargo.toml's version {VERSION}")
        missing = [field for field in REQUIRED_FIELDS if not manifest.get(field)]
        if missing:
            problems.error(where, f"Cargo.toml lacks {', '.join(missing)}")
        problems.licenses(where, {name: read(name) for name in ("LICENSE-MIT", "LICENSE-APACHE")})
        readme = manifest.get("readme")
        problems.readme(where, readme and (read(readme) or b"").decode())
        problems.strays(where, [n for n in members if n not in GENERATED and str(source_dir / n) not in tracked])
    problems.ok(where, f"{len(members)} files")


def main(args):
    problems = Problems("crates.io: cargo package, cargo publish --dry-run and the .crate contents")
    tracked = tracked_files()
    if args:  # a given .crate, checked against the core's sources
        check_crate(problems, Path(args[0]), Path("crates/peercred"), tracked)
        problems.finish()
    crates = publishable()
    if not crates:
        problems.error("workspace", "no publishable crate")
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    crate_files = {name: target / "package" / f"{name}-{VERSION}.crate" for name, _ in crates}
    for crate_file in crate_files.values():
        crate_file.unlink(missing_ok=True)  # a stale one must not pass for this tree's
    # --allow-dirty: make test runs on uncommitted work too; the stray check
    # below still refuses files git does not know. `cargo package` writes and
    # builds each .crate on its own; the dry run adds the publish-only checks.
    selection = [arg for name, _ in crates for arg in ("-p", name)]
    for command in (["package"], ["publish", "--dry-run", "--no-verify"]):
        if crates and subprocess.run([CARGO, *command, "--allow-dirty", *selection], cwd=ROOT).returncode:
            problems.error(f"cargo {' '.join(command)}", "failed (its output is above)")
    for name, source_dir in crates:
        if not crate_files[name].exists():
            problems.error(name, f"{crate_files[name]} was not written")
            continue
        check_crate(problems, crate_files[name], source_dir, tracked)
    problems.finish()


if __name__ == "__main__":
    main(sys.argv[1:])
