"""Every shipped binary, as a loader on its target would see it: the npm
tarball's four addons, the four wheels' extensions, the four C archives and
the static peercred commands. glibc builds need nothing newer than glibc 2.17;
musl builds need musl's libc alone, and musl's own loader (Debian's musl; the
arm64 one under qemu) resolves every symbol in them except those the host
program provides (napi_* and libuv's uv_* from node, Py* from Python)."""

import re
import tarfile
import zipfile
from pathlib import Path

import pytest

import elf

BUILD = Path(__file__).resolve().parents[2] / "build"
TARGETS = [(arch, libc) for libc in ("gnu", "musl") for arch in ("x86_64", "aarch64")]
NODE_ARCH = {"x86_64": "x64", "aarch64": "arm64"}
GLIBC_LIBS = {"libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "libutil.so.1",
              "libgcc_s.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"}
OLDEST_GLIBC = (2, 17)


def the_one(pattern):
    (found,) = BUILD.glob(pattern)
    return found


def check_library(path, arch, libc, host_symbol=None):
    """A shared object for (arch, libc); host_symbol(name) says which symbols the host provides."""
    assert elf.machine(path) == arch
    assert elf.interpreter(path) is None
    if libc == "gnu":
        assert set(elf.needed(path)) <= GLIBC_LIBS, elf.needed(path)
        assert elf.glibc_versions(path)[-1] <= OLDEST_GLIBC, elf.glibc_versions(path)
    else:
        assert elf.needed(path) == ["libc.so"]  # musl's loader maps any libc.* to itself
        assert elf.glibc_versions(path) == []
        unresolved = elf.musl_unresolved(path, arch)
        assert [s for s in unresolved if not (host_symbol and host_symbol(s))] == []


@pytest.fixture(scope="module")
def node_package(tmp_path_factory):
    where = tmp_path_factory.mktemp("npm")
    with tarfile.open(the_one("node/peercred-node-*.tgz")) as tgz:
        tgz.extractall(where)
    return where / "package"


def test_the_npm_package_holds_one_binary_per_target(node_package):
    assert sorted(p.name for p in node_package.glob("*.node")) == sorted(
        f"peercred.linux-{NODE_ARCH[arch]}-{libc}.node" for arch, libc in TARGETS
    )


@pytest.mark.parametrize("arch,libc", TARGETS)
def test_node_addon(node_package, arch, libc):
    addon = node_package / f"peercred.linux-{NODE_ARCH[arch]}-{libc}.node"
    check_library(addon, arch, libc, host_symbol=lambda s: s.startswith(("napi_", "uv_")))


@pytest.mark.parametrize("arch,libc", TARGETS)
def test_wheel(tmp_path, arch, libc):
    platform = f"manylinux2014_{arch}" if libc == "gnu" else f"musllinux_1_2_{arch}"
    wheel = the_one(f"python/wheels/peercred-*-cp39-abi3-{platform}*.whl")
    with zipfile.ZipFile(wheel) as zf:
        tags = re.findall(r"^Tag: (.+)$", zf.read(next(n for n in zf.namelist() if n.endswith(".dist-info/WHEEL"))).decode(), re.M)
        assert f"cp39-abi3-{platform}" in tags
        extension = Path(zf.extract("peercred/_peercred.abi3.so", tmp_path))
    check_library(extension, arch, libc, host_symbol=lambda s: s.startswith(("Py", "_Py")))


# Their layout is release-check's (tests/release/check_c.py); here, what is inside.
@pytest.mark.parametrize("arch,libc", TARGETS)
def test_c_archive(tmp_path, arch, libc):
    archive = the_one(f"c/targets/peercred-*-{arch}-unknown-linux-{libc}.tar.gz")
    top = archive.name.removesuffix(".tar.gz")
    with tarfile.open(archive) as tgz:
        tgz.extractall(tmp_path)
    pc = (tmp_path / top / "lib/pkgconfig/peercred.pc").read_text()
    assert "prefix=${pcfiledir}/../..\n" in pc  # relocatable: wherever it is unpacked
    check_library((tmp_path / top / "lib/libpeercred.so.0").resolve(), arch, libc)


@pytest.mark.parametrize("arch", ["x86_64", "aarch64"])
def test_the_command_is_static(arch):
    command = the_one(f"cli-static/peercred-*-{arch}-unknown-linux-musl")
    assert elf.machine(command) == arch
    assert elf.interpreter(command) is None and elf.needed(command) == []
