#!/usr/bin/env python3
"""npm: `npm publish --dry-run` of bindings/node lists exactly the files of the
tarball in DIR, and every tarball there is what its own package.json says:
each file matched by "files" (or one npm always adds), each "files" entry
present, the licenses, the README, the version, the license and the URLs.

usage: check_npm.py DIR   (dist/node)
       check_npm.py --tarball FILE.tgz   (the contents check only, for the tests)
"""
import json
import re
import subprocess
import sys
import tarfile
from pathlib import Path

from common import LICENSE, ROOT, VERSION, Problems, matches

PACKAGE_DIR = ROOT / "bindings" / "node"
# npm adds these whatever "files" says.
ALWAYS = re.compile(r"package\.json|(readme|license|licence|copying)(\.[^/.]*)?", re.I)


def dry_run_files(problems):
    run = subprocess.run(
        ["npm", "publish", "--dry-run", "--json", "--loglevel=error"],
        cwd=PACKAGE_DIR, capture_output=True, text=True,
    )
    if run.returncode:
        problems.error("npm publish --dry-run", f"exit status {run.returncode}\n{run.stdout}{run.stderr}")
        return None
    report = json.loads(run.stdout)
    # npm 11 keys the report by package name; npm 10 printed the package itself.
    package = next(iter(report.values())) if "files" not in report else report
    return sorted(f["path"] for f in package["files"])


def check_tarball(problems, path):
    where = path.name
    with tarfile.open(path) as tar:
        files = {m.name.removeprefix("package/"): m for m in tar.getmembers() if m.isfile()}
        read = lambda name: tar.extractfile(files[name]).read() if name in files else None  # noqa: E731
        if read("package.json") is None:
            problems.error(where, "no package.json")
            return []
        pkg = json.loads(read("package.json"))
        problems.version(where, pkg.get("version"))
        if not path.name.endswith(f"-{VERSION}.tgz"):
            problems.error(where, f"file name does not carry Cargo.toml's version {VERSION}")
        if pkg.get("license") != LICENSE:
            problems.error(where, f"license {pkg.get('license')!r}, Cargo.toml says {LICENSE!r}")
        for field in ("description", "keywords", "repository", "homepage", "bugs"):
            if not pkg.get(field):
                problems.error(where, f"package.json lacks {field}")
        repository = pkg.get("repository") or {}
        problems.url(where, repository.get("url") if isinstance(repository, dict) else repository)
        for field in ("homepage", "bugs"):
            value = pkg.get(field)
            problems.url(where, value.get("url") if isinstance(value, dict) else value)
        patterns = pkg.get("files")
        if not patterns:
            problems.error(where, 'package.json has no "files": anything in the folder would ship')
            patterns = []
        problems.strays(
            where, [n for n in files if not ALWAYS.fullmatch(n) and not any(matches(n, p) for p in patterns)]
        )
        for pattern in patterns:
            if not any(matches(n, pattern) for n in files):
                problems.error(where, f'"files" names {pattern}, which the tarball lacks')
        problems.licenses(where, {n: read(n) for n in ("LICENSE-MIT", "LICENSE-APACHE")})
        problems.readme(where, (read("README.md") or b"").decode())
        problems.ok(where, f"{len(files)} files")
        return sorted(files)


def main(args):
    if args[:1] == ["--tarball"]:
        problems = Problems(f"npm: the contents of {args[1]}")
        check_tarball(problems, Path(args[1]))
        problems.finish()
    dist = Path(args[0])
    problems = Problems(f"npm: npm publish --dry-run and the tarballs in {dist}")
    tarballs = sorted(dist.glob("*.tgz"))
    if not tarballs:
        problems.error(str(dist), "no tarball")
    contents = {t.name: check_tarball(problems, t) for t in tarballs}
    name = json.loads((PACKAGE_DIR / "package.json").read_text())["name"]
    main_tarball = f"{name.lstrip('@').replace('/', '-')}-{VERSION}.tgz"
    published = dry_run_files(problems)
    if published is not None and main_tarball not in contents:
        problems.error(main_tarball, f"not in {dist}")
    elif published is not None and published != contents[main_tarball]:
        problems.error(
            main_tarball,
            f"differs from what npm publish would send: only in the tarball "
            f"{sorted(set(contents[main_tarball]) - set(published))}, only in the publish "
            f"{sorted(set(published) - set(contents[main_tarball]))}",
        )
    elif published is not None:
        problems.ok("npm publish --dry-run", f"sends the {len(published)} files of {main_tarball}")
    problems.finish()


if __name__ == "__main__":
    main(sys.argv[1:])
