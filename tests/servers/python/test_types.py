"""The integrations are typed: mypy --strict over the installed package, as a
user's mypy sees it (py.typed). stubtest of the native module runs in the
package's own suite; these modules are plain Python, so mypy checks them whole."""

import os
import subprocess
import sys


def test_integrations_pass_mypy_strict(tmp_path):
    cache = os.path.join(sys.prefix, os.pardir, "mypy-cache")  # kept between runs: incremental
    done = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--cache-dir", cache, "-p", "peercred"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
