#!/usr/bin/env python3
"""Turns tests/cases.json into a C table, so the C suite reads the same cases
as every other language without parsing JSON in C. Usage: gen_cases.py CASES_JSON OUT_H"""

import json
import sys

cases = json.load(open(sys.argv[1]))


def expected(expect):
    return "0" if expect == "ok" else f"-{expect['errno']}"


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
