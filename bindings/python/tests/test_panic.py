"""A panic inside the native code must reach Python as an exception, never
abort the interpreter. The core panics on purpose when built with its
fault-injection feature and PEERCRED_FAULT=panic is set; make test-python
builds that variant of the extension and names it in PEERCRED_FAULT_BUILD."""

from conftest import requires_fault_build, run_fault_build

CHECK = """
import peercred, socket
a, b = socket.socketpair()
for call in (peercred.read, peercred.groups, peercred.security_label, peercred.pidfd, peercred.peer_process,
             peercred.pass_credentials, lambda s: peercred.recv(s, 1), lambda _: peercred.own_process(),
             lambda _: peercred.boot_id(), lambda _: peercred.Cgroup.parse("/")):
    try:
        call(a)
    except BaseException as exc:  # pyo3 raises PanicException, a BaseException
        assert type(exc).__name__ == "PanicException", repr(exc)
    else:
        raise SystemExit(f"{call} did not panic")
print("survived")
"""


@requires_fault_build
def test_a_panic_becomes_an_exception(tmp_path):
    done = run_fault_build(tmp_path, CHECK, "panic")
    assert done.returncode == 0 and done.stdout.strip() == "survived", done.stdout + done.stderr
