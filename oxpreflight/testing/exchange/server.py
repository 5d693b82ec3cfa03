"""The double's websocket server (``websockets``' asyncio server), on ``/v2/websocket``.

Each connection gets one reader (the handler: frames in arrival order, each answered before
the next is read, after the delay a test set) and one writer task (an unbounded queue, so a
push from a price move and a reply keep their order). Every other path is answered 404.
"""
from __future__ import annotations

import asyncio
import logging
from http import HTTPStatus
from typing import Any, Optional

from websockets.asyncio.server import Server as _WsServer
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from ...validators.internal import internal_error
from .venue import Venue, dumps

log = logging.getLogger("oxpreflight.exchange")

PATH = "/v2/websocket"
#: Frames up to this size reach the checker (which answers 20027 beyond 4,000 characters);
#: beyond it websockets closes the connection with 1009, as any server with a frame limit.
MAX_FRAME = 16 * 2**20


class Server:
    """Serves a :class:`~.venue.Venue` on ``host:port`` (0: any free port) in the running
    event loop."""

    def __init__(self, venue: Venue, host: str, port: int):
        self.venue = venue
        self.host = host
        self.port = port
        self._ws: Optional[_WsServer] = None
        self._connections: set[ServerConnection] = set()
        self._tasks: set[asyncio.Task[Any]] = set()

    async def start(self) -> None:
        self._ws = await serve(self._handle, self.host, self.port, max_size=MAX_FRAME,
                               process_request=_only_the_api, compression=None,
                               logger=log)
        self.port = self._ws.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Close every connection and the listening socket; wait until all is gone."""
        server, self._ws = self._ws, None
        if server is None:
            return
        server.close(close_connections=True)
        await server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def drop(self, code: int) -> None:
        """Close every client connection with ``code`` (the listener stays open). Returns once
        the close frames are on their way; each closing handshake finishes in the background,
        so a caller whose own loop is blocked meanwhile (a sync call from an async test)
        cannot stall it."""
        loop = asyncio.get_running_loop()
        for connection in list(self._connections):
            task = loop.create_task(connection.close(code, "dropped by the exchange double"))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        await asyncio.sleep(0)  # let each close frame be written

    @property
    def connections(self) -> int:
        """How many clients are connected."""
        return len(self._connections)

    async def _handle(self, ws: ServerConnection) -> None:
        queue: asyncio.Queue[str] = asyncio.Queue()
        conn = self.venue.connect(queue.put_nowait)
        writer = asyncio.get_running_loop().create_task(_write(ws, queue))
        self._tasks.add(writer)
        self._connections.add(ws)
        faults = self.venue.faults
        try:
            async for message in ws:
                if faults.delay:
                    await asyncio.sleep(faults.delay)
                try:
                    self.venue.handle(conn, message)
                except Exception as exc:  # a bug in the double: answer as the library does
                    log.exception("exchange double failed on a frame")
                    queue.put_nowait(dumps(internal_error(exc).response or {}))
        except ConnectionClosed:
            pass
        finally:
            self._connections.discard(ws)
            self.venue.disconnect(conn)
            await _stop(writer)
            self._tasks.discard(writer)


def _only_the_api(connection: ServerConnection, request: Any) -> Any:
    if request.path.split("?", 1)[0] != PATH:
        return connection.respond(HTTPStatus.NOT_FOUND, f"only {PATH} is served\n")
    return None


async def _write(ws: ServerConnection, queue: asyncio.Queue[str]) -> None:
    try:
        while True:
            text = await queue.get()
            await ws.send(text)
            queue.task_done()
    except ConnectionClosed:
        pass


async def _stop(writer: asyncio.Task[Any]) -> None:
    """Stop a connection's writer (its connection is closed: nothing more can be sent)."""
    writer.cancel()
    await asyncio.gather(writer, return_exceptions=True)
