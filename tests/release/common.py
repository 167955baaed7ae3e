"""What every release check needs: the one version, the license texts, the
repository URL, the files git tracks, and a list of problems to report."""
import fnmatch
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
WORKSPACE = tomllib.loads((ROOT / "Cargo.toml").read_text())["workspace"]["package"]
VERSION = WORKSPACE["version"]
LICENSE = WORKSPACE["license"]
REPOSITORY = WORKSPACE["repository"]
LICENSE_FILES = {name: (ROOT / name).read_bytes() for name in ("LICENSE-MIT", "LICENSE-APACHE")}
# The part of the placeholder URLs that says "fill me in" (Cargo.toml's comment).
PLACEHOLDER = "/OWNER/"
# `make release-check RELEASE=1`: the last check before publishing.
STRICT = os.environ.get("RELEASE") == "1"


def tracked_files():
    """The paths git tracks (symlinks included), relative to the repository root."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True,
    ).stdout.decode()
    return set(filter(None, out.split("\0")))


def matches(path, pattern):
    """npm/cargo-style: a glob on the path, or the path inside a directory pattern."""
    pattern = pattern.lstrip("/").rstrip("/")
    return fnmatch.fnmatch(path, pattern) or path.startswith(pattern + "/")


class Problems:
    """Collects what would stop or spoil a publish, per artifact."""

    def __init__(self, title):
        self.title = title
        self.errors = []
        self.placeholders = set()
        print(f"== {title}", flush=True)

    def error(self, where, message):
        self.errors.append(f"{where}: {message}")
        print(f"  FAIL {where}: {message}", flush=True)

    def ok(self, where, message):
        print(f"  ok   {where}: {message}", flush=True)

    def warn(self, where, message):
        print(f"  warn {where}: {message}", flush=True)

    def licenses(self, where, files):
        """`files` maps each license file name in the artifact to its bytes (None: absent)."""
        for name, text in LICENSE_FILES.items():
            if files.get(name) is None:
                self.error(where, f"{name} is missing")
            elif files[name] != text:
                self.error(where, f"{name} differs from the repository's")
        if all(files.get(name) == text for name, text in LICENSE_FILES.items()):
            self.ok(where, "LICENSE-MIT and LICENSE-APACHE")

    def version(self, where, found):
        if found != VERSION:
            self.error(where, f"version {found!r} differs from Cargo.toml's {VERSION}")

    def strays(self, where, strays):
        for path in sorted(strays):
            self.error(where, f"stray file {path} (not meant to be published)")

    def url(self, where, url):
        """A project URL must name the repository of Cargo.toml; a placeholder only warns until RELEASE=1."""
        if not url or not url.removeprefix("git+").startswith(REPOSITORY):
            self.error(where, f"URL {url!r} is not under Cargo.toml's repository {REPOSITORY}")
        elif PLACEHOLDER in url:
            if STRICT:
                self.error(where, f"placeholder URL {url}: fill it in before publishing")
            self.placeholders.add(url)

    def readme(self, where, text):
        """Registries render the README away from the repository: relative links would break."""
        if not text or not text.strip():
            self.error(where, "no README")
            return
        relative = [
            link for link in re.findall(r"\]\(([^)\s]+)\)", text) if not re.match(r"(https?:|mailto:|#)", link)
        ]
        if relative:
            self.error(where, f"README links {', '.join(relative)} are relative: broken on the registry")

    def finish(self):
        if self.placeholders and not STRICT:
            self.warn("URLs", f"{len(self.placeholders)} placeholder URL(s) with {PLACEHOLDER}: fill them in "
                      "before publishing (`make release-check RELEASE=1` refuses them)")
        if self.errors:
            print(f"{self.title}: {len(self.errors)} problem(s)")
            sys.exit(1)
        print(f"{self.title}: ready")
        sys.exit(0)
