"""The Starlette apps of framework_throughput.py: the same endpoint without the
caller's identity (plain uvicorn) and with it (peercred.uvicorn's protocol,
the refusing middleware, peer_cred per request)."""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from peercred.asgi import PeerCredMiddleware
from peercred.starlette import peer_cred


async def plain_whoami(request: Request) -> JSONResponse:
    return JSONResponse({"pid": None, "uid": 0, "gid": 0})


async def identified_whoami(request: Request) -> JSONResponse:
    cred = peer_cred(request)
    return JSONResponse({"pid": cred.pid, "uid": cred.uid, "gid": cred.gid})


plain = Starlette(routes=[Route("/whoami", plain_whoami)])
identified = PeerCredMiddleware(Starlette(routes=[Route("/whoami", identified_whoami)]))
