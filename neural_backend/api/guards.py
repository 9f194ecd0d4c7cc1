"""Checks every request passes before any route sees it: the bearer token, then the body size.

Plain ASGI middleware, so a refused request costs nothing: a wrong token is answered before its
body is read, and an oversized body is cut off as soon as it passes the limit (a lying or absent
Content-Length does not help).
"""

from __future__ import annotations

import hmac

from fastapi import HTTPException
from starlette.responses import JSONResponse


class RequireToken:
    def __init__(self, app, token: str):
        self.app = app
        self.expected = f"Bearer {token}".encode()

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            given = dict(scope["headers"]).get(b"authorization", b"")
            # compare_digest: the time taken does not reveal how much of the token matched.
            if not hmac.compare_digest(given, self.expected):
                refusal = JSONResponse(
                    {"detail": "missing or wrong token: send 'Authorization: Bearer <token>'"},
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
                return await refusal(scope, receive, send)
        await self.app(scope, receive, send)


class LimitBodySize:
    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self, size: str) -> str:
        return f"the request body is {size}; the limit is {self.max_bytes} bytes (max_body_mb)"

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            refusal = JSONResponse({"detail": self._too_large(f"{int(declared)} bytes")}, 413)
            return await refusal(scope, receive, send)
        received = 0

        async def counted_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, self._too_large("larger"))
            return message

        await self.app(scope, counted_receive, send)
