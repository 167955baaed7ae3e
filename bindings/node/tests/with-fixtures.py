#!/usr/bin/env python3
"""Builds the fixtures of tests/cases.json that Node cannot make itself, then
execs the given command (node) with them inherited. exec keeps the pid, so the
Node process is the creator of every fixture made here, and the parent of the
helpers of the *-other-process ones. PEERCRED_FIXTURES passes, as JSON, the
descriptor of each fixture ("fds") and the pid of each helper ("peers").

Usage: with-fixtures.py node cases.fixtures.js
"""

import contextlib
import json
import os
import sys
from pathlib import Path

REPO = Path(os.environ.get("PEERCRED_REPO") or Path(__file__).resolve().parents[3])
sys.path.insert(0, str(REPO / "tests"))
from fixtures import fixture_socket  # noqa: E402

# These must be made by Node: a closed number would be reused by Node at startup.
MADE_BY_NODE = {"closed-fd", "negative-fd"}

cases = json.loads((REPO / "tests" / "cases.json").read_text())
stack = contextlib.ExitStack()
fds, peers = {}, {}
for case in cases["semantics"]:
    if case["socket"] in MADE_BY_NODE:
        continue
    thing = stack.enter_context(fixture_socket(case["socket"], peers))
    fd = thing if isinstance(thing, int) else thing.fileno()
    os.set_inheritable(fd, True)
    fds[case["socket"]] = fd
os.environ["PEERCRED_FIXTURES"] = json.dumps({"fds": fds, "peers": peers})
os.execvp(sys.argv[1], sys.argv[1:])
