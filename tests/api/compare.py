#!/usr/bin/env python3
"""Compares the public surfaces just dumped with the baselines in api/.

Adding is always allowed. Removing or altering anything in a baseline is
allowed only with the version bump that CONTRIBUTING.md's versioning policy
asks for:
- the Rust, Python and Node APIs: a breaking bump of the version in
  Cargo.toml (MAJOR, or MINOR while MAJOR is 0) over the baselines' version;
- the C ABI (libpeercred.so's functions, types and layouts, and the header's
  constants): a new SONAME, which itself comes with a breaking bump.
Every change is printed; the exit status is 1 when one is not allowed.

usage: compare.py BASELINE_DIR CURRENT_DIR VERSION
"""
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ABI_XML = "c/libpeercred.abi.xml"


def parse_version(text):
    match = re.fullmatch(r"(\d+)\.(\d+)\.(\d+)(?:[-+].*)?", text.strip())
    if not match:
        raise SystemExit(f"not a MAJOR.MINOR.PATCH version: {text!r}")
    return tuple(int(part) for part in match.groups())


def is_breaking_bump(old, new):
    """True when `new` may break what `old` offered (semver; 0.x: the minor is the major)."""
    if new[0] != old[0]:
        return new[0] > old[0]
    return old[0] == 0 and new[1] > old[1]


def soname(xml_path):
    return ET.parse(xml_path).getroot().get("soname")


def section(title, lines):
    print(f"\n== {title}")
    for line in lines:
        print(f"  {line}")


def compare_lines(base_path, now_path):
    base = base_path.read_text().splitlines()
    now = now_path.read_text().splitlines()
    removed = sorted(set(base) - set(now))
    added = sorted(set(now) - set(base))
    return removed, added


def compare_abi(base_path, now_path):
    """abidiff's report; breaking is true unless the only changes are additions."""
    args = ["abidiff", "--no-show-locs", str(base_path), str(now_path)]
    strict = subprocess.run(args[:1] + ["--no-added-syms"] + args[1:], capture_output=True, text=True)
    if strict.returncode & 3:  # 1: abidiff failed, 2: usage error
        raise SystemExit(f"abidiff failed ({strict.returncode}):\n{strict.stdout}{strict.stderr}")
    full = subprocess.run(args, capture_output=True, text=True)
    return strict.returncode != 0, full.stdout.strip().splitlines() if full.returncode else []


def main(base_dir, now_dir, version):
    base_dir, now_dir = Path(base_dir), Path(now_dir)
    base_version = (base_dir / "VERSION").read_text().strip()
    breaking_bump = is_breaking_bump(parse_version(base_version), parse_version(version))
    base_soname, now_soname = soname(base_dir / ABI_XML), soname(now_dir / ABI_XML)
    new_soname = base_soname != now_soname
    print(f"API and ABI check: version {version} against the baselines of {base_version} in {base_dir}")
    breaks, notes = [], []  # what is not allowed; what is

    if new_soname and not breaking_bump:
        breaks.append(f"the SONAME changed ({base_soname} -> {now_soname}) without a breaking version bump")

    for base_path in sorted(p for p in base_dir.rglob("*") if p.is_file() and p.name not in ("VERSION", "README.md")):
        name = str(base_path.relative_to(base_dir))
        now_path = now_dir / name
        is_c = name.startswith("c/")
        if not now_path.exists():
            breaks.append(f"{name}: no such surface was produced")
            continue
        if name.endswith(".xml"):
            breaking, lines = compare_abi(base_path, now_path)
            if lines:
                section(f"{name}: the C ABI of {now_soname}, abidiff against the build", lines)
            if lines and not breaking:
                notes.append(f"{name}: additions (allowed)")
            changed = breaking
        else:
            removed, added = compare_lines(base_path, now_path)
            if removed or added:
                section(
                    f"{name}: {len(removed)} removed or changed, {len(added)} added",
                    [f"- {line}" for line in removed] + [f"+ {line}" for line in added],
                )
            if added and not removed:
                notes.append(f"{name}: {len(added)} additions (allowed)")
            changed = bool(removed)
        allowed = new_soname if is_c else breaking_bump
        if changed and allowed:
            notes.append(f"{name}: breaking changes, allowed by the new {'SONAME' if is_c else 'version'}")
        elif changed:
            needs = f"a new SONAME (still {now_soname}) and a" if is_c else "a"
            breaks.append(
                f"{name}: removes or alters the {base_version} surface; that needs {needs} breaking version "
                f"bump (now {version})"
            )

    for note in notes:
        print(f"note: {note}")
    if breaks:
        print("\nAPI/ABI check FAILED:")
        for line in breaks:
            print(f"  {line}")
        print(
            "Restore what was removed or changed, or follow the versioning policy in CONTRIBUTING.md:\n"
            "bump the version in Cargo.toml (and the SONAME for a C ABI break), then `make baselines`."
        )
        return 1
    if notes:
        print("`make baselines` records the changes above as the new surface of record.")
    print("API and ABI check: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
