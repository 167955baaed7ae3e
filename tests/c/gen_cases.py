#!/usr/bin/env python3
"""Turns tests/cases.json into a C table, so the C suite reads the same cases
as every other language without parsing JSON in C. Usage: gen_cases.py CASES_JSON OUT_H"""

import json
import sys

cases = json.load(open(sys.argv[1]))


def expected(expect):
    return "0" if expect == "ok" else f"-{expect['errno']}"


def process_answer(want):
    """{code, source, alive}: code 0 with the source and liveness, or -errno."""
    if "errno" in want:
        return f"{{-{want['errno']}, 0, 0}}"
    source = {"SO_PEERPIDFD": "PEERCRED_SOURCE_SO_PEERPIDFD", "sock_diag": "PEERCRED_SOURCE_SOCK_DIAG"}[want["source"]]
    return f"{{0, {source}, {int(want['alive'])}}}"


COLUMNS = ["SO_PEERPIDFD", "sock_diag", "no pidfd_open"]

rows = []
for case in cases["semantics"]:
    expect = case["expect"]
    code = "0" if expect.get("cred") == "peer" else f"-{expect['errno']}"
    rows.append(f'    {{"{case["socket"]}", {code}}},')
with open(sys.argv[2], "w") as out:
    out.write("/* Generated from tests/cases.json by tests/c/gen_cases.py: do not edit. */\n")
    out.write("#include <errno.h>\n\n")
    out.write("static const struct semantics_case {\n    const char *socket;\n    int expect; /* 0: credentials of the fixture's helper process */\n} SEMANTICS[] = {\n")
    out.write("\n".join(rows) + "\n};\n")
    out.write("\n/* The \"messages\" rows: peercred_pass_credentials, then a non-blocking peercred_recv. */\n")
    out.write("static const struct messages_case {\n    const char *socket;\n    int pass_credentials;\n    int recv;\n} MESSAGES[] = {\n")
    out.write("\n".join(f'    {{"{m["socket"]}", {expected(m["pass_credentials"])}, {expected(m["recv"])}}},' for m in cases["messages"]) + "\n};\n")
    out.write("\n/* The \"process\" rows: peercred_peer_pidfd of a socket whose other end\n")
    out.write(" * tests/process_peers.py puts in state `peer`, per kernel column. */\n")
    out.write("#include <peercred.h>\n\n")
    out.write("struct process_answer {\n    int code;\n    int source;\n    int alive;\n};\n\n")
    out.write(f"enum {{ PROCESS_COLUMNS = {len(COLUMNS)} }};\n")
    out.write("static const char *const PROCESS_COLUMN[] = {" + ", ".join(f'"{c}"' for c in COLUMNS) + "};\n\n")
    out.write("static const struct process_case {\n    const char *peer;\n    struct process_answer want[PROCESS_COLUMNS];\n} PROCESS[] = {\n")
    out.write("\n".join(f'    {{"{r["peer"]}", {{' + ", ".join(process_answer(r[c]) for c in COLUMNS) + "}}," for r in cases["process"]) + "\n};\n")
