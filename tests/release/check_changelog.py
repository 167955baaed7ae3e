#!/usr/bin/env python3
"""CHANGELOG.md has a section for what is about to be published: `[Unreleased]`
or `[VERSION]` while working, a dated `[VERSION] - YYYY-MM-DD` for a release
(RELEASE=1); and the header's version macros are Cargo.toml's version.

usage: check_changelog.py
"""
import re

from common import ROOT, STRICT, VERSION, Problems


def main():
    problems = Problems("CHANGELOG.md and the version macros")
    changelog = (ROOT / "CHANGELOG.md").read_text()
    sections = re.findall(r"^## \[([^\]]+)\](.*)$", changelog, re.M)
    dated = any(name == VERSION and re.fullmatch(r" - \d{4}-\d{2}-\d{2}", rest) for name, rest in sections)
    if STRICT and not dated:
        problems.error("CHANGELOG.md", f"no dated section `## [{VERSION}] - YYYY-MM-DD` for the release")
    elif not any(name in ("Unreleased", VERSION) for name, _ in sections):
        problems.error("CHANGELOG.md", f"no `## [Unreleased]` or `## [{VERSION}]` section")
    else:
        problems.ok("CHANGELOG.md", f"sections {', '.join(name for name, _ in sections)}")
    header = (ROOT / "include/peercred.h").read_text()
    macros = [re.search(rf"^#define PEERCRED_VERSION_{part} (\d+)", header, re.M) for part in ("MAJOR", "MINOR", "PATCH")]
    problems.version("include/peercred.h", ".".join(m.group(1) if m else "?" for m in macros))
    problems.finish()


if __name__ == "__main__":
    main()
