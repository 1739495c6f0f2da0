"""The machine's ceiling: the smallest ASGI app, a fixed 27-byte JSON body, no database."""

from __future__ import annotations

from typing import Any

_BODY = b'{"message":"hello, world!"}'
_HEADERS = [(b"content-type", b"application/json"), (b"content-length", b"27")]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": _BODY})
