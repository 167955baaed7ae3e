#!/usr/bin/env python3
"""Builds the fixtures of tests/cases.json that Node cannot make itself, then
execs the given command (node) with them inherited. exec keeps the pid, so the
fixtures' creator is the Node process itself: "self" still means process.pid.
The descriptor of each fixture is passed in PEERCRED_FIXTURES as JSON.

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
fds = {}
for case in cases["semantics"]:
    if case["socket"] in MADE_BY_NODE:
        continue
    thing = stack.enter_context(fixture_socket(case["socket"]))
    fd = thing if isinstance(thing, int) else thing.fileno()
    os.set_inheritable(fd, True)
    fds[case["socket"]] = fd
os.environ["PEERCRED_FIXTURES"] = json.dumps(fds)
os.execvp(sys.argv[1], sys.argv[1:])
