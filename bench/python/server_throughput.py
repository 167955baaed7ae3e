"""Accepted connections per second of an asyncio Unix server, with and without
one peercred.read per connection; the connections come from a client in
another process. Alternating rounds. Prints one JSON object per round."""

import asyncio
import json
import os
import subprocess
import sys
import tempfile

import peercred

ROUNDS = 5
CONNECTIONS = 3000
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
    async def handle(reader, writer):
        if with_read:
            peercred.read(writer.get_extra_info("socket"))
        writer.close()

    server = await asyncio.start_unix_server(handle, path)
    async with server:
        client = await asyncio.create_subprocess_exec(sys.executable, "-c", CLIENT, path, stdout=asyncio.subprocess.PIPE)
        out, _ = await client.communicate()
    os.unlink(path)
    return CONNECTIONS / float(out)


async def main():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "s")
        for round_ in range(ROUNDS):
            for with_read in (False, True):
                per_second = await one_round(path, with_read)
                name = "asyncio server, " + ("one peercred.read per connection" if with_read else "no read")
                print(json.dumps({"lang": "python", "name": name, "round": round_, "conn_per_s": round(per_second)}), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
