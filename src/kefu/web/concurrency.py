"""How many requests the server works on at once, and the connections that takes.

Every route that touches a store runs on a worker thread (anyio's thread
limiter: ``web_threads`` tokens), and each request holds exactly one
application-store connection (:meth:`kefu.store.appdb.AppDB.request_session`).
So the server admits at most ``web_threads`` requests at a time — the rest
wait their turn here, on the event loop, holding nothing — and the pool keeps
``web_threads`` connections plus a few for the server's own threads (the
notification sender, the import jobs). No request can wait for a connection
that another waiting request holds.
"""

from __future__ import annotations

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

#: Connections beyond one per request thread: the notification sender, the import
#: job runner and its already-imported check, and an error page's own lookup.
RESERVED_CONNECTIONS = 4


def pool_size(threads: int) -> int:
    return threads + RESERVED_CONNECTIONS


def use_threads(threads: int) -> None:
    """Give the running event loop's worker-thread limiter ``threads`` tokens."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = threads


class AdmissionLimit:
    """Admit at most ``limit`` HTTP requests at once; later ones queue (no 503)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._slots: anyio.Semaphore | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._slots is None:  # created on the server's event loop
            self._slots = anyio.Semaphore(self.limit)
        async with self._slots:
            await self.app(scope, receive, send)
