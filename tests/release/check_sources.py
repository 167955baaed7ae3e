#!/usr/bin/env python3
"""The sources agree on what is about to be published: CHANGELOG.md has an
`[Unreleased]` or `[VERSION]` section while working, a dated
`[VERSION] - YYYY-MM-DD` one for a release (RELEASE=1); the header's version
macros, package.json and its lockfile carry Cargo.toml's version; the
CHANGELOG's links point into the repository.

usage: check_sources.py
"""
import json
import re

from common import ROOT, STRICT, VERSION, Problems


def main():
    problems = Problems("the sources: CHANGELOG.md and the versions")
    changelog = (ROOT / "CHANGELOG.md").read_text()
    sections = re.findall(r"^## \[([^\]]+)\](.*)$", changelog, re.M)
    dated = any(name == VERSION and re.fullmatch(r" - \d{4}-\d{2}-\d{2}", rest) for name, rest in sections)
    if STRICT and not dated:
        problems.error("CHANGELOG.md", f"no dated section `## [{VERSION}] - YYYY-MM-DD` for the release")
    elif not any(name in ("Unreleased", VERSION) for name, _ in sections):
        problems.error("CHANGELOG.md", f"no `## [Unreleased]` or `## [{VERSION}]` section")
    else:
        problems.ok("CHANGELOG.md", f"sections {', '.join(name for name, _ in sections)}")
    for link in re.findall(r"^\[[^\]]+\]:\s*(\S+)", changelog, re.M):
        problems.url("CHANGELOG.md", link)
    header = (ROOT / "include/peercred.h").read_text()
    macros = [re.search(rf"^#define PEERCRED_VERSION_{part} (\d+)", header, re.M) for part in ("MAJOR", "MINOR", "PATCH")]
    problems.version("include/peercred.h", ".".join(m.group(1) if m else "?" for m in macros))
    for manifest in ("package.json", "package-lock.json"):
        problems.version(f"bindings/node/{manifest}", json.loads((ROOT / "bindings/node" / manifest).read_text())["version"])
    if not problems.errors:
        problems.ok("versions", f"{VERSION} in Cargo.toml, include/peercred.h, package.json, package-lock.json")
    problems.finish()


if __name__ == "__main__":
    main()
