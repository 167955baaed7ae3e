"""A panic inside the native code must reach Python as an exception, never
abort the interpreter. The core panics on purpose when built with its
fault-injection feature and PEERCRED_FAULT=panic is set; make test-python
builds that variant of the extension and names it in PEERCRED_FAULT_BUILD."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import peercred

FAULT_BUILD = os.environ.get("PEERCRED_FAULT_BUILD")

CHECK = """
import peercred, socket
a, b = socket.socketpair()
for call in (peercred.read, peercred.groups, peercred.security_label, peercred.pidfd, peercred.peer_process,
             peercred.pass_credentials, lambda s: peercred.recv(s, 1)):
    try:
        call(a)
    except BaseException as exc:  # pyo3 raises PanicException, a BaseException
        assert type(exc).__name__ == "PanicException", repr(exc)
    else:
        raise SystemExit(f"{call} did not panic")
print("survived")
"""


@pytest.mark.skipif(not FAULT_BUILD, reason="PEERCRED_FAULT_BUILD is not set (make test-python sets it)")
def test_a_panic_becomes_an_exception(tmp_path):
    package = Path(peercred.__file__).parent
    copy = tmp_path / "peercred"
    shutil.copytree(package, copy)
    (native,) = copy.glob("_peercred*.so")
    shutil.copyfile(FAULT_BUILD, native)
    env = dict(os.environ, PYTHONPATH=str(tmp_path), PEERCRED_FAULT="panic")
    done = subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.strip() == "survived", done.stdout + done.stderr
