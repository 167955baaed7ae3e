#!/usr/bin/env python3
"""Turns the JSON lines that `make bench` collected into one table: medians of
the alternating rounds, the ratios against the baselines measured in the same
run, and whether each target of BENCHMARKS.md holds.
Usage: report.py RESULTS.jsonl"""

import collections
import json
import platform
import statistics
import subprocess
import sys

C_RAW = ("c", "getsockopt(SO_PEERCRED) raw")
# The system calls an exact answer needs (SO_PEERCRED, SO_ACCEPTCONN, getpid), done raw in C.
C_FLOOR = ("c", "exact floor: SO_PEERCRED + SO_ACCEPTCONN + getpid raw")
C_NO_SELF = ("c", "floor without the self check (no getpid)")
PY_EXACT = ("python", "stdlib exact: SO_PEERCRED + SO_ACCEPTCONN + getpid")
# SO_PEERCRED, SO_PEERPIDFD, poll, the pidfd's fdinfo, stat of /proc/N/exe and of the path, poll, close.
PROCESS_FLOOR = ("c", "peer process + exe_matches by hand")
# Receiving one datagram with its sender's credentials and pidfd, by hand.
C_RECV_FLOOR = ("c", "recvmsg raw: data + SCM_CREDENTIALS + SCM_PIDFD")
PY_RECVMSG = ("python", "stdlib recvmsg (raw ancillary data, pidfd closed)")
# Where the caller lives, on a held pidfd, by hand in C: the namespace ioctls and ids, and the cgroup reads.
NS_FLOOR = ("c", "namespace summary by hand")
CGROUP_FLOOR = ("c", "cgroup + unit by hand")
TARGETS = [
    # (lang, name, baseline, at most, what the ratio means)
    ("c", "peercred_read", C_FLOOR, 1.05, "x the exact C floor"),
    ("c", "peercred_read", C_RAW, None, "x the raw SO_PEERCRED loop"),
    ("c", "exact floor: SO_PEERCRED + SO_ACCEPTCONN + getpid raw", C_RAW, None, "x the raw SO_PEERCRED loop"),
    ("rust", "peercred::read", ("rust", "exact floor: SO_PEERCRED + SO_ACCEPTCONN + getpid raw"), None, "x the exact Rust floor"),
    ("rust", "peercred::read", C_FLOOR, None, "x the exact C floor"),
    ("python", "peercred.read(sock)", C_FLOOR, None, "x the exact C floor"),
    ("python", "peercred.read(sock)", PY_EXACT, 1.0, "x the same calls from the stdlib"),
    ("python", "peercred.read(fd)", PY_EXACT, None, "x the same calls from the stdlib"),
    ("python", "peercred.read(sock)", ("python", "stdlib getsockopt (bytes only)"), None, "x the bare SO_PEERCRED call"),
    ("python", "stdlib getsockopt + struct.unpack + namedtuple", ("python", "stdlib getsockopt (bytes only)"), None, "x the bare SO_PEERCRED call"),
    ("node", "@peercred/node read(socket)", C_FLOOR, 1.5, "x the exact C floor"),
    ("node", "@peercred/node read(fd)", C_FLOOR, None, "x the exact C floor"),
    ("node", "@peercred/node read(socket)", ("node", "peercred 1.1.2 fromSock(socket)"), None, "x peercred 1.1.2 (one call, no checks)"),
    ("c", "peercred_pidfd + peercred_process_exe_matches", PROCESS_FLOOR, 1.3, "x the same calls by hand in C"),
    ("rust", "PeerProcess::from_socket + exe_matches", PROCESS_FLOOR, 1.3, "x the same calls by hand in C"),
    ("python", "peer_process(sock) + exe_matches + close", PROCESS_FLOOR, 1.3, "x the same calls by hand in C"),
    ("node", "@peercred/node peerProcess(socket) + exeMatches + close", PROCESS_FLOOR, 1.3, "x the same calls by hand in C"),
    ("c", "peercred_pidfd + process_exe_matches (sock_diag fallback)", ("c", "peercred_pidfd + peercred_process_exe_matches"), None, "x the same through SO_PEERPIDFD"),
    ("c", "peercred_pidfd + process_exe_matches (sock_diag fallback)", PROCESS_FLOOR, None, "x the SO_PEERPIDFD calls by hand in C"),
    ("c", "peercred_process_namespaces", NS_FLOOR, 1.3, "x the same calls by hand in C"),
    ("rust", "PeerProcess::namespaces", NS_FLOOR, 1.3, "x the same calls by hand in C"),
    ("python", "held.namespaces()", NS_FLOOR, 1.3, "x the same calls by hand in C"),
    ("node", "@peercred/node held.namespaces()", NS_FLOOR, 1.3, "x the same calls by hand in C"),
    ("c", "peercred_process_cgroup + peercred_cgroup_field(UNIT)", CGROUP_FLOOR, 1.3, "x the same calls by hand in C"),
    ("rust", "PeerProcess::cgroup + unit", CGROUP_FLOOR, 1.3, "x the same calls by hand in C"),
    ("python", "held.cgroup().unit", CGROUP_FLOOR, 1.3, "x the same calls by hand in C"),
    ("node", "@peercred/node held.cgroup().unit", CGROUP_FLOOR, 1.3, "x the same calls by hand in C"),
    ("c", "peercred_recv (with SCM_PIDFD)", C_RECV_FLOOR, 1.2, "x the raw C recvmsg"),
    ("c", "peercred_recv (SCM_CREDENTIALS only)", ("c", "recvmsg raw: data + SCM_CREDENTIALS"), None, "x the raw C recvmsg, no pidfd"),
    ("c", "recvmsg raw: data + SCM_CREDENTIALS + SCM_PIDFD", ("c", "recvmsg raw: data only"), None, "x a recv without credentials"),
    ("python", "peercred.recv(sock)", PY_RECVMSG, 1.5, "x the bare stdlib recvmsg"),
    ("python", "stdlib recvmsg + SCM_CREDENTIALS/SCM_PIDFD parsed, pidfd closed", PY_RECVMSG, None, "x the bare stdlib recvmsg"),
    ("python", "peercred.recv(sock)", C_RECV_FLOOR, None, "x the raw C recvmsg"),
    ("node", "createUnixDatagramSocket 'message' (credentials)", C_RECV_FLOOR, 2.0, "x the raw C recvmsg"),
    ("node", "libc: ELF interpreter of /proc/self/exe", ("node", "libc: process.report.getReport()"), None,
     "x process.report"),
]


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


def main(path):
    records = [json.loads(line) for line in open(path) if line.startswith("{")]
    ns = collections.defaultdict(list)
    per_second = collections.defaultdict(list)
    cpu_us = collections.defaultdict(list)
    check_us = collections.defaultdict(list)
    notes, ss_rows = [], []
    frameworks = collections.defaultdict(list)
    for r in records:
        if "req_per_s" in r:
            frameworks[(r["lang"], r["framework"], r["mode"], r["identity"])].append(r["req_per_s"])
            continue
        key = (r["lang"], r["name"])
        if "ns" in r:
            ns[key].append(r["ns"])
        elif "conn_per_s" in r:
            per_second[key].append(r["conn_per_s"])
            cpu_us[key].append(r["cpu_us_per_conn"])
            check_us[key].append(r["check_us_per_conn"])
        elif "ms" in r:
            ss_rows.append(r)
        elif "text" in r:
            notes.append(r["text"])
    median = {key: statistics.median(values) for key, values in ns.items()}
    rounds = min(len(v) for v in ns.values()) if ns else 0

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"Machine: {cpu}, {len(open('/proc/cpuinfo').read().split('processor')) - 1} CPUs, Linux {platform.release()}")
    print(f"Tools: {version(['rustc', '--version'])}; {version(['cc', '--version'])}; Python {platform.python_version()}; Node {version(['node', '--version'])}")
    print(f"ns per call: CPU time of the caller, median of {rounds} alternating rounds; peer in another process\n")
    print(f"{'':7} {'call':66} {'ns/call':>8}")
    for (lang, name), value in median.items():
        print(f"{lang:7} {name:66} {value:8.1f}")
    print("\nRatios (same run) and targets:")
    for lang, name, base, limit, meaning in TARGETS:
        if (lang, name) not in median or base not in median:
            continue
        ratio = median[(lang, name)] / median[base]
        verdict = "" if limit is None else (f"  target <= {limit:.2f}: " + ("met" if ratio <= limit else "MISSED"))
        print(f"  {lang:7} {name:66} {ratio:6.2f}{meaning}{verdict}")
    if C_FLOOR in median and C_NO_SELF in median:
        added = median[C_FLOOR] - median[C_NO_SELF]
        print(f"\nThe self check (a getpid() per read) adds {added:.0f} ns, "
              f"{added / median[C_FLOOR] * 100:.0f}% of the exact floor")
    if ss_rows:
        print("\nThe shell approach of seed 000, one call per connection from a different client process:")
        for r in ss_rows:
            print(f"  {r['name']:58} {r['ms']:9.3f} ms/call, wrong pid {r['wrong']}/{r['calls']}")
    if per_second:
        print("\nServers (medians of ABBA rounds): accepted connections per second, the server's CPU per")
        print("connection, and the time spent inside the check itself (timer overhead subtracted). The cost is the check's time over the")
        print("CPU a connection costs without it; the A/B difference in CPU or throughput is shown for scale")
        print("only: with the client on the same 2 cores it varies by several % between rounds.")
        groups = collections.defaultdict(dict)
        for (lang, name), values in per_second.items():
            server, mode = name.split(", ", 1)
            key = (lang, name)
            groups[(lang, server)][mode == "no read"] = (
                statistics.median(values), statistics.median(cpu_us[key]), statistics.median(check_us[key]))
        for (lang, server), modes in groups.items():
            (plain_rate, plain_cpu, timer), (checked_rate, checked_cpu, timed) = modes[True], modes[False]
            check = timed - timer  # the timed block without the check measures the timer itself
            cost = check / plain_cpu * 100
            print(f"  {lang:7} {server:16} no read {plain_rate:6.0f}/s, {plain_cpu:5.1f} us CPU/conn; "
                  f"with read {checked_rate:6.0f}/s, {checked_cpu:5.1f} us CPU/conn; check {check:5.2f} us "
                  f"= {cost:4.1f}% of a connection  target < 3%: {'met' if cost < 3 else 'MISSED'}")
    if frameworks:
        print("\nFrameworks (medians of ABBA rounds): requests per second on a Unix socket without and with the")
        print("caller's identity (a read per request; Python: peercred.uvicorn's protocol, the middleware and")
        print("peer_cred), load from another process; the ratio is with/without, from the same run.")
        for (lang, framework, mode, identity), values in frameworks.items():
            if identity:
                continue
            plain = statistics.median(values)
            checked = statistics.median(frameworks[(lang, framework, mode, True)])
            what = "kept-alive connections" if mode == "keepalive" else "a new connection per request"
            print(f"  {lang:7} {framework:20} {what:30} without {plain:7.0f}/s, with {checked:7.0f}/s = {checked / plain:5.3f}")
    for note in notes:
        print(f"\nNote: {note}")


if __name__ == "__main__":
    main(sys.argv[1])
