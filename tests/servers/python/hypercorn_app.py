"""What hypercorn loads: peercred.hypercorn.install() where each worker imports the app."""

import peercred.hypercorn
from apps import starlette_app as app

peercred.hypercorn.install()

__all__ = ["app"]
