"""What an ELF file asks of the system that loads it, read with binutils' readelf
(which reads every architecture): machine, interpreter, NEEDED libraries,
the glibc symbol versions it needs, and the symbols a musl loader
cannot resolve in it."""

import re
import subprocess
from pathlib import Path

MACHINES = {"x86_64": "Advanced Micro Devices X86-64", "aarch64": "AArch64"}
MUSL_LOADERS = {"x86_64": "/lib/ld-musl-x86_64.so.1", "aarch64": "/lib/ld-musl-aarch64.so.1"}


def readelf(option, path):
    return subprocess.run(["readelf", "--wide", option, str(path)], capture_output=True, text=True, check=True).stdout


def machine(path):
    """'x86_64' or 'aarch64' (None for anything else)."""
    found = re.search(r"^\s*Machine:\s*(.+?)\s*$", readelf("-h", path), re.M).group(1)
    return next((name for name, text in MACHINES.items() if text == found), None)


def interpreter(path):
    found = re.search(r"\[Requesting program interpreter: (.+?)\]", readelf("-l", path))
    return found and found.group(1)


def needed(path):
    return re.findall(r"\(NEEDED\)\s+Shared library: \[(.+?)\]", readelf("-d", path))


def glibc_versions(path):
    """The GLIBC_x.y versions the file needs, as tuples."""
    return sorted({tuple(map(int, v.split("."))) for v in re.findall(r"Name: GLIBC_([0-9.]+)", readelf("-V", path))})


def musl_unresolved(path, arch):
    """The symbols musl's own loader (Debian's musl, arm64 under qemu) cannot
    resolve when it loads `path`: those the host program must provide."""
    done = subprocess.run([MUSL_LOADERS[arch], "--list", str(Path(path).resolve())], capture_output=True, text=True)
    return sorted(set(re.findall(r"Error relocating [^:]+: (\S+): symbol not found", done.stderr)))
