"""Accepted connections per second of an asyncio Unix server, and the server's
CPU time per connection, with and without one peercred.read per connection; the connections come from a client in
another process. Alternating rounds. Prints one JSON object per round."""

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time

import peercred

ROUNDS = 6
CONNECTIONS = 10000
CONCURRENCY = 32

# Opens CONNECTIONS connections, CONCURRENCY at a time, each waiting for the
# server to close it; prints the elapsed seconds.
CLIENT = f"""
import asyncio, sys, time
async def worker(path, todo):
    while todo:
        todo.pop()
        reader, writer = await asyncio.open_unix_connection(path)
        await reader.read()
        writer.close()
async def main(path):
    todo = list(range({CONNECTIONS}))
    start = time.perf_counter()
    await asyncio.gather(*(worker(path, todo) for _ in range({CONCURRENCY})))
    print(time.perf_counter() - start)
asyncio.run(main(sys.argv[1]))
"""


async def one_round(path, with_read):
    # Time spent inside the timed block: the check, or nothing without it (the
    # timer's own cost, which the report subtracts).
    in_check = 0

    async def handle(reader, writer):
        nonlocal in_check
        start = time.perf_counter_ns()
        if with_read:
            peercred.read(writer.get_extra_info("socket"))
        in_check += time.perf_counter_ns() - start
        writer.close()

    server = await asyncio.start_unix_server(handle, path)
    cpu = time.process_time()
    async with server:
        client = await asyncio.create_subprocess_exec(sys.executable, "-c", CLIENT, path, stdout=asyncio.subprocess.PIPE)
        out, _ = await client.communicate()
    cpu_us = (time.process_time() - cpu) * 1e6 / CONNECTIONS
    os.unlink(path)
    return CONNECTIONS / float(out), cpu_us, in_check / 1000 / CONNECTIONS


async def main():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "s")
        for round_ in range(ROUNDS):
            # ABBA order, so that drift during the run does not favour either mode.
            for with_read in (True, False) if round_ % 2 else (False, True):
                per_second, cpu_us, check_us = await one_round(path, with_read)
                name = "asyncio server, " + ("one peercred.read per connection" if with_read else "no read")
                record = {"lang": "python", "name": name, "round": round_, "conn_per_s": round(per_second), "cpu_us_per_conn": round(cpu_us, 2), "check_us_per_conn": round(check_us, 3)}
                print(json.dumps(record), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
