"""Where the caller lives: a host client, a container-like client (new PID,
mount, network, UTS, IPC and cgroup namespaces), a rootless-like one (a user
namespace whose root is uid 1000), a reader without the right to look,
same-uid clients in a Docker and a Kubernetes cgroup, credentials now,
waiting for the exit (asyncio and blocking) and the exit status; and the same
answers as on Linux 6.1 (the fault-injection build)."""

import asyncio
import errno
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

import peercred
import peercred.aio
from conftest import (
    CLIENT,
    UNDER_QEMU,
    client_process,
    listener,
    peer_connection,
    requires_fault_build,
    requires_root,
    run_fault_build,
)

AS_LINUX_6_1 = "no-pidfd-info,no-pidfd-ns,no-ns-id,no-pidfs"
CONTAINER = ["unshare", "--pid", "--fork", "--mount", "--net", "--uts", "--ipc", "--cgroup"]
ROOTLESS = ["setpriv", "--reuid=1000", "--regid=1000", "--clear-groups", "unshare", "--user", "--map-root-user"]
DOCKER_ID = "4f1c1d3f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5"
CONTAINERD_ID = "9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d"
POD_UID = "0f4c2a6e-8b1d-4c1e-9f0a-2b3c4d5e6f70"
KERNEL = tuple(int(n) for n in re.match(r"(\d+)\.(\d+)", os.uname().release).groups())
# PIDFD_INFO_EXIT (6.15) comes through PIDFD_GET_INFO, which qemu-user answers
# with ENOSYS: there peercred takes the older kernels' path (no status).
EXIT_STATUS = KERNEL >= (6, 15) and not UNDER_QEMU


def test_host_client():
    with peer_connection() as (conn, says), peercred.peer_process(conn) as peer, peercred.own_process() as own:
        ns = peer.namespaces()
        assert ns.all_shared and ns.differing == ()
        assert ns == own.namespaces() and hash(ns) == hash(own.namespaces())
        for kind in ("cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"):
            assert ns.is_shared(kind)
            if not ns.is_unique(kind):
                assert ns.id(kind) == os.stat(f"/proc/{says['pid']}/ns/{kind}").st_ino
        with pytest.raises(ValueError):
            ns.id("bogus")
        # NS_GET_OWNER_UID, the owner's only source, is ENOSYS under qemu-user (measured).
        if not UNDER_QEMU:
            assert peer.user_namespace_owner() == own.user_namespace_owner()

        now = peer.credentials()
        assert (now.real_uid, now.effective_uid, now.fs_uid) == (os.getuid(), os.geteuid(), os.geteuid())
        assert now.differs_from_connect is False and not now.differs_from(peercred.read(conn))
        assert own.credentials().differs_from_connect is None
        assert now.cap_effective & ~now.cap_permitted == 0

        assert peer.cgroup() == own.cgroup()
        assert f"0::{peer.cgroup().path}" in open(f"/proc/{says['pid']}/cgroup").read().splitlines()
        if KERNEL >= (6, 9):  # pidfs
            assert peer.pidfs_id() != own.pidfs_id()
        assert peercred.boot_id() == open("/proc/sys/kernel/random/boot_id").read().strip()
        if EXIT_STATUS:
            assert peer.exit_status() is None


@requires_root("new namespaces (unshare)")
def test_container_like_and_rootless_like_clients():
    with listener() as (server, path):
        with _spawn(CONTAINER, path):
            conn, _ = server.accept()
            with conn, peercred.peer_process(conn) as peer:
                assert peercred.read(conn).uid == 0, "root in a rootful container is root here"
                ns = peer.namespaces()
                assert ns.differing == ("cgroup", "ipc", "mnt", "net", "pid", "uts")
                assert not ns.all_shared
        with _spawn(ROOTLESS, path):
            conn, _ = server.accept()
            with conn, peercred.peer_process(conn) as peer:
                cred = peercred.read(conn)
                assert (cred.uid, cred.uid_mapping()) == (1000, "mapped")
                assert peer.namespaces().differing == ("user",)
                if not UNDER_QEMU:  # NS_GET_OWNER_UID is ENOSYS under qemu-user
                    assert peer.user_namespace_owner() == 1000
                now = peer.credentials()
                assert now.effective_uid == 1000 and now.cap_effective == now.cap_bounding


class _spawn:
    """A client (CLIENT of conftest) started under `wrapper`, connected to `path`."""

    def __init__(self, wrapper, path):
        self.proc = subprocess.Popen(
            [*wrapper, sys.executable, "-c", CLIENT, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def __enter__(self):
        line = self.proc.stdout.readline()
        if not line:
            self.__exit__()
            pytest.skip("unshare refused the namespaces")
        return json.loads(line)

    def __exit__(self, *_):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()


@requires_root("a reader of another uid (setpriv)")
def test_a_reader_without_ptrace_access_gets_eacces():
    reader = textwrap.dedent(
        """
        import os, socket, sys, peercred
        s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen()
        print("ready", flush=True)
        conn, _ = s.accept()
        with peercred.peer_process(conn) as peer:
            for fact in (peer.namespaces, peer.user_namespace_owner):
                try:
                    fact()
                    print("read", flush=True)
                except PermissionError as e:
                    print(e.errno, flush=True)
            print(peer.credentials().effective_uid, flush=True)
        """
    )
    tmp = os.path.join("/tmp", f"peercred-py-eacces-{os.getpid()}")
    os.makedirs(tmp, exist_ok=True)
    os.chmod(tmp, 0o777)
    path = os.path.join(tmp, "s")
    try:
        proc = subprocess.Popen(
            ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c", reader, path],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout.readline() == "ready\n"
        with client_process(path):
            out = proc.stdout.read().split()
        proc.wait(timeout=10)
        assert out == [str(errno.EACCES), str(errno.EACCES), "0"], out
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _v2_mount():
    for path in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
        if os.path.exists(os.path.join(path, "cgroup.procs")) and os.path.exists(os.path.join(path, "cgroup.controllers")):
            return path
    return None


@requires_root("cgroups of its own (cgroupfs)")
def test_same_uid_clients_in_docker_and_kubernetes_cgroups():
    mount = _v2_mount()
    if mount is None:
        pytest.skip("no cgroup v2 hierarchy is mounted")
    root = os.path.join(mount, f"peercred-py-{os.getpid()}")
    pod_slice = f"kubepods.slice/kubepods-pod{POD_UID.replace('-', '_')}.slice"
    docker = os.path.join(root, f"system.slice/docker-{DOCKER_ID}.scope")
    kube = os.path.join(root, f"{pod_slice}/cri-containerd-{CONTAINERD_ID}.scope")
    made = []
    try:
        for leaf in (docker, kube):
            parts = os.path.relpath(leaf, mount).split("/")
            for i in range(1, len(parts) + 1):
                d = os.path.join(mount, *parts[:i])
                if not os.path.isdir(d):
                    os.mkdir(d)
                    made.append(d)
        with listener() as (server, path), client_process(path) as (first, _), client_process(path) as (second, _):
            for proc, cgroup in ((first, docker), (second, kube)):
                with open(os.path.join(cgroup, "cgroup.procs"), "w") as f:
                    f.write(str(proc.pid))
            seen = {}
            for _ in range(2):
                conn, _ = server.accept()
                with conn, peercred.peer_process(conn) as peer:
                    cgroup = peer.cgroup()
                    seen[peer.pid] = (cgroup.container_runtime, cgroup.container_id, cgroup.pod_uid, peer.cgroup_id())
            assert seen[first.pid] == ("docker", DOCKER_ID, None, os.stat(docker).st_ino)
            assert seen[second.pid] == ("containerd", CONTAINERD_ID, POD_UID, os.stat(kube).st_ino)
    finally:
        for d in reversed(made):
            for pid in open(os.path.join(d, "cgroup.procs")).read().split():
                with open(os.path.join(mount, "cgroup.procs"), "w") as f:
                    f.write(pid)
            os.rmdir(d)


@pytest.mark.parametrize(
    "path, says",
    [
        ("/system.slice/foo.service", dict(unit="foo.service", slice="system.slice", session=None, owner_uid=None)),
        ("/user.slice/user-1000.slice/session-3.scope", dict(unit="session-3.scope", session="3", owner_uid=1000)),
        (
            "/user.slice/user-1000.slice/user@1000.service/app.slice/app.service",
            dict(unit="user@1000.service", user_unit="app.service", user_slice="app.slice", owner_uid=1000),
        ),
        (f"/machine.slice/libpod-{DOCKER_ID}.scope", dict(container_runtime="podman", container_id=DOCKER_ID)),
        ("/", dict(unit=None, slice=None, container_id=None, pod_uid=None)),
    ],
)
def test_cgroup_paths(path, says):
    cgroup = peercred.Cgroup.parse(path)
    assert cgroup.path == path
    for name, value in says.items():
        assert getattr(cgroup, name) == value, name


def test_cgroup_paths_refused():
    with pytest.raises(OSError) as escape:
        peercred.Cgroup.parse("/../system.slice")
    assert escape.value.errno == errno.EREMOTE
    with pytest.raises(ValueError):
        peercred.Cgroup.parse("relative")


def test_waiting_for_exit():
    with listener() as (server, path):
        proc = subprocess.Popen([sys.executable, "-c", CLIENT, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        proc.stdout.readline()
        conn, _ = server.accept()
        with conn, peercred.peer_process(conn) as peer:
            assert not peer.wait_exit(0.02)

            async def main():
                waiter = asyncio.ensure_future(peercred.aio.wait_exit(peer))
                await asyncio.sleep(0.05)
                assert not waiter.done()
                proc.stdin.close()  # the client exits
                await asyncio.wait_for(waiter, 10)

            asyncio.run(main())
            assert peer.wait_exit() and not peer.is_alive()
            if EXIT_STATUS:
                assert peer.exit_status() is None, "a zombie: not reaped yet"
            proc.wait(timeout=10)
            if EXIT_STATUS:
                assert os.waitstatus_to_exitcode(peer.exit_status()) == 0
            proc.stdout.close()


@requires_fault_build
def test_the_same_answers_as_on_linux_6_1(tmp_path):
    code = textwrap.dedent(
        f"""
        import json, socket, subprocess, sys, os, errno
        import peercred
        sys.path.insert(0, {str(os.path.dirname(__file__))!r})
        from conftest import client_process, listener
        with listener() as (server, path), client_process(path) as (proc, says):
            conn, _ = server.accept()
            with conn, peercred.peer_process(conn) as peer:
                ns = peer.namespaces()
                try:
                    peer.pidfs_id()
                    pidfs = "read"
                except OSError as e:
                    pidfs = e.errno
                print(json.dumps([ns.all_shared, [ns.is_unique(k) for k in ("net", "mnt")],
                                  ns.id("net") == os.stat(f"/proc/{{says['pid']}}/ns/net").st_ino,
                                  str(peer.cgroup().path), peer.credentials().effective_uid, pidfs]))
        """
    )
    run = run_fault_build(tmp_path, code, AS_LINUX_6_1)
    assert run.returncode == 0, run.stderr
    with peercred.own_process() as own:
        want = [True, [False, False], True, str(own.cgroup().path), os.geteuid(), errno.ENOPROTOOPT]
    assert json.loads(run.stdout) == want
